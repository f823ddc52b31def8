"""Solution of the oracle gradient flow on one eigenspace.

On a degree-k eigenspace with eigenvalue xi the population gradient flow on
half the squared loss, df/dt = -xi (f - f_*), started at f = 0, has the solution
f(t) = (1 - exp(-xi t)) f_*, so the excess risk ||f(t) - f_*||^2 decays as
exp(-2 xi t) ||f_*||^2 and the test risk is sigma^2 + F^2 exp(-2 xi t). The label
noise has mean zero and drops out of the population gradient.
"""

import sympy
from _check import perturb, report

t, xi, target, noise, energy = sympy.symbols("t xi f_star sigma2 F2", positive=True)
f = sympy.Function("f")

solution = sympy.dsolve(
    sympy.Eq(f(t).diff(t), -xi * (f(t) - target)), f(t), ics={f(0): 0}
).rhs
excess = sympy.simplify((solution - target) ** 2 / target**2)
cases = [
    ("f(t)", solution, perturb((1 - sympy.exp(-xi * t)) * target)),
    ("||f - f_*||^2 / ||f_*||^2", excess, perturb(sympy.exp(-2 * xi * t))),
    ("risk", noise + energy * excess, perturb(noise + energy * sympy.exp(-2 * xi * t))),
]
report(cases)
