"""Eigenvalues of the monomial kernel h(u) = u^m on the sphere.

Identity: for u = <x, x'>/d with density c_d (1 - u^2)^((d-3)/2) on [-1, 1],

    E[u^m P_k(u)] = (k + 2j)! / (2^(k + 2j) j! (d/2)_(k + j))   if m = k + 2j, j >= 0,
    E[u^m P_k(u)] = 0                                             otherwise,

where P_k is the Gegenbauer polynomial of dimension d normalised by P_k(1) = 1.
Checked two ways: by exact sympy integration at d = 3 and d = 5 (where the
density is a polynomial), and for a symbolic d by expanding P_k in powers of u
and using the moments E[u^(2i)] = (1/2)_i / (d/2)_i of the density.
"""

import sympy
from _check import perturb, report

u = sympy.symbols("u")
dimension = sympy.symbols("d", positive=True)


def gegenbauer(k, d):
    values = [sympy.Integer(1), u]
    for j in range(1, k):
        values.append(sympy.expand(((2 * j + d - 2) * u * values[j] - j * values[j - 1]) / (j + d - 2)))
    return values[k]


def integrated_moment(m, k, d):
    density = sympy.gamma(sympy.Rational(d, 2)) / (
        sympy.sqrt(sympy.pi) * sympy.gamma(sympy.Rational(d - 1, 2))
    )
    weight = (1 - u**2) ** sympy.Rational(d - 3, 2)
    return sympy.simplify(density * sympy.integrate(u**m * gegenbauer(k, d) * weight, (u, -1, 1)))


def symbolic_moment(m, k):
    polynomial = sympy.Poly(sympy.expand(u**m * gegenbauer(k, dimension)), u)
    total = 0
    for (power,), coefficient in polynomial.terms():
        if power % 2 == 0:
            i = power // 2
            total += coefficient * sympy.rf(sympy.Rational(1, 2), i) / sympy.rf(dimension / 2, i)
    return sympy.factor(sympy.simplify(total))


def formula(m, k, d):
    if m < k or (m - k) % 2:
        return sympy.Integer(0)
    j = (m - k) // 2
    return sympy.factorial(k + 2 * j) / (
        2 ** (k + 2 * j) * sympy.factorial(j) * sympy.rf(sympy.Rational(1, 2) * d, k + j)
    )


cases = []
for d in (3, 5):
    for m in range(0, 7):
        for k in range(0, m + 1):
            cases.append((f"d={d} m={m} k={k}", integrated_moment(m, k, d), perturb(formula(m, k, d))))
for m in range(0, 7):
    for k in range(0, m + 1):
        left = symbolic_moment(m, k)
        cases.append((f"symbolic d, m={m} k={k}", left, perturb(sympy.factor(formula(m, k, dimension)))))
report(cases)
