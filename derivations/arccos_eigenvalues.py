"""Closed-form eigenvalues of the arc-cosine kernels and the two-layer ReLU NTK.

Let u be one coordinate of a uniform unit vector in R^d, with density
w(u) = (1 - u^2)^nu / c_d, nu = (d - 3)/2, c_d = Gamma(1/2) Gamma((d-1)/2) / Gamma(d/2),
and P_k the Gegenbauer polynomial with P_k(1) = 1. Write mu_k(f) = E[f(u) P_k(u)].

1. Funk-Hecke. For theta uniform on the unit sphere and a function f,
   E_theta[f(<theta, z>) f(<theta, z'>)] = sum_k B(d, k) mu_k(f)^2 P_k(<z, z'>),
   so its eigenvalue of degree k is mu_k(f)^2. With w = r theta Gaussian
   (r^2 ~ chi^2_d) and f positively homogeneous of degree a,
   E_w[f(<w, z>) f(<w, z'>)] = E[r^(2a)] E_theta[...] and E[r^(2a)] = d^a for
   a = 0, 1. Cho and Saul give E_w[step step] = kappa_0 / 2 and
   E_w[relu relu] = kappa_1 / 2, hence
   xi_k(kappa_0) = 2 mu_k(step)^2 and xi_k(kappa_1) = 2 d mu_k(relu)^2.

2. Rodrigues: w(u) P_k(u) c_d = (-1)^k / (2^k ((d-1)/2)_k) D^k (1 - u^2)^(k + nu).
   Integrating over [0, 1] (step) once, or u times it (relu) by parts twice,
   leaves D^(k-1) or D^(k-2) of (1 - u^2)^(k + nu) at u = 0, which is a single
   binomial term. The result:
     mu_0(step) = 1/2,  mu_{2j+1}(step) = (-1)^j Gamma(d/2) Gamma(j+1/2) / (2 pi Gamma(j+(d+1)/2)),
     mu_0(relu) = Gamma(d/2) / (2 sqrt(pi) Gamma((d+1)/2)),  mu_1(relu) = 1/(2d),
     mu_{2j+2}(relu) = (-1)^j Gamma(d/2) Gamma(j+1/2) / (4 pi Gamma(j+(d+3)/2)),
   and zero at the other degrees.

3. NTK h = u kappa_0 + kappa_1: u P_k = k/(2k+d-2) P_{k-1} + (k+d-2)/(2k+d-2) P_{k+1}
   (u P_0 = P_1), so xi_k(u g) = k/(2k+d-2) xi_{k-1}(g) + (k+d-2)/(2k+d-2) xi_{k+1}(g).

Checked exactly: (a) mu_k(step), mu_k(relu) from the formulas against the
integrals at d = 3, 5, 7 for k <= 7; (b) xi_k of kappa_0, kappa_1 and the
NTK against the integrals of h P_k at d = 3 and 5 for k <= 5; (c) the
three-term recurrence for symbolic d and k <= 5; (d) d = 2, where
P_k(cos t) = cos(k t); (e) the ratio recurrences used by the code.
"""

import sympy
from _check import perturb, report

u, t = sympy.symbols("u t", real=True)
D = sympy.symbols("d", positive=True)
half = sympy.Rational(1, 2)


def legendre(k, d, x=u):
    """Gegenbauer polynomial of degree k in dimension d with P_k(1) = 1."""
    lam = sympy.Rational(d - 2, 2) if not isinstance(d, sympy.Symbol) else (d - 2) / 2
    p = sympy.gegenbauer(k, lam, x)
    return sympy.expand(p / p.subs(x, 1))


def average(f, d, a=-1):
    """E[f(u)] restricted to [a, 1], u one coordinate of a uniform unit vector in R^d."""
    weight = (1 - u**2) ** sympy.Rational(d - 3, 2)
    return sympy.integrate(f * weight, (u, a, 1)) / sympy.integrate(weight, (u, -1, 1))


def mu_step(k, d):
    if k == 0:
        return half
    if k % 2 == 0:
        return sympy.Integer(0)
    j = (k - 1) // 2
    return (-1) ** j * sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(j + half) / (
        2 * sympy.pi * sympy.gamma(j + sympy.Rational(d + 1, 2))
    )


def mu_relu(k, d):
    if k == 0:
        return sympy.gamma(sympy.Rational(d, 2)) / (2 * sympy.sqrt(sympy.pi) * sympy.gamma(sympy.Rational(d + 1, 2)))
    if k == 1:
        return sympy.Rational(1, 2 * d)
    if k % 2 == 1:
        return sympy.Integer(0)
    j = (k - 2) // 2
    return (-1) ** j * sympy.gamma(sympy.Rational(d, 2)) * sympy.gamma(j + half) / (
        4 * sympy.pi * sympy.gamma(j + sympy.Rational(d + 3, 2))
    )


def xi_ntk(k, d):
    step = lambda m: 2 * mu_step(m, d) ** 2  # noqa: E731
    times_u = step(1) if k == 0 else (k * step(k - 1) + (k + d - 2) * step(k + 1)) / (2 * k + d - 2)
    return times_u + 2 * d * mu_relu(k, d) ** 2


kappa0 = 1 - sympy.acos(u) / sympy.pi
kappa1 = (sympy.sqrt(1 - u**2) + (sympy.pi - sympy.acos(u)) * u) / sympy.pi

cases = []
# (a) the Rodrigues closed forms against the integrals.
for d in (3, 5, 7):
    for k in range(8):
        p = legendre(k, d)
        cases.append((f"mu_{k}(step), d={d}", average(p, d, 0), perturb(mu_step(k, d))))
        cases.append((f"mu_{k}(relu), d={d}", average(u * p, d, 0), perturb(mu_relu(k, d))))
# (b) the eigenvalues of the kernels against the integrals of h P_k.
for d in (3, 5):
    for k in range(6):
        p = legendre(k, d)
        cases.append((f"xi_{k}(kappa_0), d={d}", average(kappa0 * p, d), perturb(2 * mu_step(k, d) ** 2)))
        cases.append((f"xi_{k}(kappa_1), d={d}", average(kappa1 * p, d), perturb(2 * d * mu_relu(k, d) ** 2)))
        cases.append((f"xi_{k}(ntk), d={d}", average((u * kappa0 + kappa1) * p, d), perturb(xi_ntk(k, d))))
# (c) the three-term recurrence for symbolic d.
cases.append(("u P_0 = P_1", sympy.expand(u * legendre(0, D)), perturb(legendre(1, D))))
for k in range(1, 6):
    right = (k * legendre(k - 1, D) + (k + D - 2) * legendre(k + 1, D)) / (2 * k + D - 2)
    cases.append((f"u P_{k}, symbolic d", sympy.simplify(u * legendre(k, D) - right), perturb(sympy.Integer(0))))
# (d) d = 2: E[f(cos t) cos(k t)] over t uniform on [0, pi].
for k in range(8):
    step_integral = sympy.integrate(sympy.cos(k * t), (t, 0, sympy.pi / 2)) / sympy.pi
    relu_integral = sympy.integrate(sympy.cos(t) * sympy.cos(k * t), (t, 0, sympy.pi / 2)) / sympy.pi
    cases.append((f"mu_{k}(step), d=2", step_integral, perturb(mu_step(k, 2))))
    cases.append((f"mu_{k}(relu), d=2", relu_integral, perturb(mu_relu(k, 2))))
# (e) the ratio recurrences of _squares, for symbolic d.
J = sympy.symbols("j", positive=True, integer=True)


def gamma_step(j):
    return sympy.gamma(D / 2) * sympy.gamma(j + half) / (2 * sympy.pi * sympy.gamma(j + (D + 1) / 2))


def gamma_relu(j):
    return sympy.gamma(D / 2) * sympy.gamma(j + half) / (4 * sympy.pi * sympy.gamma(j + (D + 3) / 2))


cases.append(("mu_{2j+1}/mu_{2j-1} (step)", sympy.expand_func(gamma_step(J) / gamma_step(J - 1)),
              perturb((2 * J - 1) / (2 * J + D - 1))))  # fmt: skip
cases.append(("mu_{2j+2}/mu_{2j} (relu)", sympy.expand_func(gamma_relu(J) / gamma_relu(J - 1)),
              perturb((2 * J - 1) / (2 * J + D + 1))))  # fmt: skip
report(cases)
