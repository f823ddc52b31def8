"""Laplace transform link between gradient flow and ridge regression.

On an eigenvalue z of K/n, gradient flow for time t leaves the residual
exp(-t z) of the labels and ridge regression at ridge s leaves s/(s + z). The
Laplace transform in t turns one into the other:

    int_0^inf exp(-s t) exp(-t z) dt = 1/(s + z) = (1/s) * s/(s + z),

so every gradient-flow quantity linear in the residual filter is the inverse
Laplace transform of the ridge quantity divided by s. The training risk needs
exp(-2 t z) = L^{-1}[1/(s + z)](2 t), the one-variable inverse at time 2t; the
test risk is quadratic in the filter and needs the two-variable transform
1/((s_1 + z)(s_2 + w)) taken on the diagonal t_1 = t_2 = t. The variance uses
(1 - e^{-tz})^2 = 2 (1 - e^{-tz}) - (1 - e^{-2tz}), so it too needs only
one-variable inverses at t and 2t.
"""

import sympy
from _check import perturb, report

t, t1, t2, s, s1, s2, z, w = sympy.symbols("t t1 t2 s s1 s2 z w", positive=True)

residual = sympy.laplace_transform(sympy.exp(-t * z), t, s, noconds=True)
learned = sympy.laplace_transform(1 - sympy.exp(-t * z), t, s, noconds=True)
pair = sympy.integrate(
    sympy.integrate(sympy.exp(-s1 * t1 - s2 * t2 - z * t1 - w * t2), (t1, 0, sympy.oo)),
    (t2, 0, sympy.oo),
)
train = sympy.inverse_laplace_transform(1 / (s + z), s, t).subs(t, 2 * t)
square = (1 - sympy.exp(-t * z)) ** 2
cases = [
    ("s L[exp(-tz)](s) = ridge residual", s * residual, perturb(s / (s + z))),
    ("s L[1 - exp(-tz)](s) = ridge learned", s * learned, perturb(z / (z + s))),
    ("two-variable transform", pair, perturb(1 / ((s1 + z) * (s2 + w)))),
    (
        "L^-1[1/(s + z)](2t) = training residual",
        train.subs(sympy.Heaviside(2 * t), 1),
        perturb(sympy.exp(-2 * t * z)),
    ),
    (
        "variance split",
        sympy.expand(square),
        perturb(sympy.expand(2 * (1 - sympy.exp(-t * z)) - (1 - sympy.exp(-2 * t * z)))),
    ),
]
report(cases)
