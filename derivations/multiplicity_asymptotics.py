"""Multiplicities of spherical harmonics at large d.

Identity: B(d, k) = C(d + k - 1, k) - C(d + k - 3, k - 2) equals
(2k + d - 2)(k + d - 3)! / (k! (d - 2)!), and for fixed k as d -> infinity

    B(d, k) = d^k / k! * (1 + k (k - 1) / (2d) + O(d^-2)),

so that B(d, k) ~ d^k / k!. Checked exactly with sympy: the closed form against
the binomial difference for symbolic d, and the expansion in e = 1/d to first
order for k = 0 .. 8.
"""

import sympy
from _check import perturb, report

d = sympy.symbols("d", positive=True, integer=True)
e = sympy.symbols("e", positive=True)


def binomial_difference(k):
    second = sympy.binomial(d + k - 3, k - 2) if k >= 2 else 0
    return sympy.expand_func(sympy.binomial(d + k - 1, k) - second)


def closed_form(k):
    if k == 0:
        return sympy.Integer(1)
    return (2 * k + d - 2) * sympy.rf(d - 1, k - 1) / sympy.factorial(k)


cases = []
for k in range(0, 9):
    cases.append((f"closed form, k={k}", sympy.expand(binomial_difference(k)),
                  perturb(sympy.expand(closed_form(k)))))
    scaled = closed_form(k).subs(d, 1 / e) * sympy.factorial(k) * e**k
    scaled = sympy.together(scaled)
    expansion = sympy.expand(scaled.subs(e, 0) + sympy.diff(scaled, e).subs(e, 0) * e)
    cases.append((f"k! B / d^k to O(1/d), k={k}", expansion,
                  perturb(1 + sympy.Rational(k * (k - 1), 2) * e)))
report(cases)
