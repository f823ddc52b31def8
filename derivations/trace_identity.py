"""The trace identity sum_k B(d, k) xi_{d,k} = h(1), for symbolic dimension d.

For a monomial h(u) = u^m the eigenvalue of degree k = m - 2j is
w = (k + 2j)! / (2^(k + 2j) j! (d/2)_(k + j)) and the multiplicity is
B(d, k) = C(d + k - 1, k) - C(d + k - 3, k - 2). The identity says the degree
masses B(d, k) w of u^m add up to h(1) = 1 for every d: a monomial spreads its
unit trace over the degrees m, m - 2, ... . Linearity then gives the identity
for every kernel with a convergent Taylor series. Checked as rational functions
of a symbolic d for m up to 9.
"""

import sympy
from _check import perturb, report

d = sympy.symbols("d", positive=True)


def multiplicity(k):
    if k == 0:
        return sympy.Integer(1)
    if k == 1:
        return d
    return sympy.binomial(d + k - 1, k) - sympy.binomial(d + k - 3, k - 2)


def weight(k, j):
    return sympy.factorial(k + 2 * j) / (2 ** (k + 2 * j) * sympy.factorial(j) * sympy.rf(d / 2, k + j))


cases = []
for m in range(0, 10):
    total = sum(multiplicity(m - 2 * j) * weight(m - 2 * j, j) for j in range(m // 2 + 1))
    total = sympy.simplify(sympy.expand_func(total))
    cases.append((f"m={m}", total, perturb(sympy.Integer(1))))
report(cases)
