"""Large-d limit of the eigenvalues and its first correction in 1/d.

Identity: for h(u) = sum_m a_m u^m, with the monomial eigenvalues
w_{k,j} = (k + 2j)! / (2^(k + 2j) j! (d/2)_(k + j)) (monomial_eigenvalues.py),

    d^k xi_{d,k} = k! a_k + [(k + 2)! a_(k+2) / 2 - k (k - 1) k! a_k] / d + O(d^-2),
    B(d, k) xi_{d,k} = a_k + [(k + 1)(k + 2) a_(k+2) - k (k - 1) a_k] / (2d) + O(d^-2),
    T_{>l} = h(1) - sum_{k<=l} a_k - [l (l + 1) a_(l+1) + (l + 1)(l + 2) a_(l+2)] / (2d) + O(d^-2).

The limits d^k xi_{d,k} -> h^(k)(0) = k! a_k and B xi -> a_k are the leading terms.
Checked exactly with sympy for symbolic coefficients a_0 .. a_(k+6) and symbolic d:
d^k xi_{d,k} and B(d, k) xi_{d,k} are expanded in e = 1/d to first order, and the
tail T_{>l} = sum over all degrees above l of the (finite) polynomial spectrum.
"""

import sympy
from _check import perturb, report

e = sympy.symbols("e", positive=True)  # e = 1/d
a = sympy.symbols("a0:16")


def weight(k, j, d):
    return sympy.factorial(k + 2 * j) / (2 ** (k + 2 * j) * sympy.factorial(j) * sympy.rf(d / 2, k + j))


def multiplicity(d, k):
    if k == 0:
        return sympy.Integer(1)
    return (2 * k + d - 2) * sympy.rf(d - 1, k - 1) / sympy.factorial(k)


def eigenvalue(k, d, degree):
    return sum(a[k + 2 * j] * weight(k, j, d) for j in range((degree - k) // 2 + 1))


def first_order(expression):
    """Value and first derivative at e = 0 of a rational function of e, as f(0) + f'(0) e."""
    numerator, denominator = sympy.fraction(sympy.together(expression))
    value = numerator.subs(e, 0) / denominator.subs(e, 0)
    slope = sympy.diff(numerator / denominator, e).subs(e, 0)
    return sympy.expand(sympy.simplify(value) + sympy.simplify(slope) * e)


DEGREE = 7
d = 1 / e
cases = []
for k in range(0, 4):
    scaled = first_order(d**k * eigenvalue(k, d, DEGREE))
    formula = sympy.factorial(k) * a[k] + (
        sympy.factorial(k + 2) * a[k + 2] / 2 - k * (k - 1) * sympy.factorial(k) * a[k]
    ) * e
    cases.append((f"d^k xi_k to O(1/d), k={k}", scaled, perturb(sympy.expand(formula))))

    mass = first_order(multiplicity(d, k) * eigenvalue(k, d, DEGREE))
    formula = a[k] + ((k + 1) * (k + 2) * a[k + 2] - k * (k - 1) * a[k]) * e / 2
    cases.append((f"B xi_k to O(1/d), k={k}", mass, perturb(sympy.expand(formula))))

for level in range(0, 3):
    tail = sum(multiplicity(d, k) * eigenvalue(k, d, DEGREE) for k in range(level + 1, DEGREE + 1))
    tail = first_order(tail)
    limit = sum(a[m] for m in range(level + 1, DEGREE + 1))
    leak = level * (level + 1) * a[level + 1] + (level + 1) * (level + 2) * a[level + 2]
    cases.append((f"T_>l to O(1/d), l={level}", tail, perturb(sympy.expand(limit - leak * e / 2))))
report(cases)
