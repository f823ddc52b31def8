"""Plateaus of the three stages as d -> inf limits of the deterministic equivalent.

Model with n = d^alpha, alpha = 3/2 (so l = 1), written with d = x^2, n = x^3:
a degree-1 level with eigenvalue a/d and multiplicity d, carrying energy F1;
the degrees above 1 as a flat bulk of trace T whose eigenvalue tends to 0
(its df_1 contribution is T/kappa, its df_2 contribution 0), carrying energy
Fh; label noise sigma^2. The effective ridge solves

    s = kappa - T/n - kappa d xi / (n (xi + kappa)),   xi = a/d.

* Stage 1 (t fixed as n -> inf): kappa(s) -> s, so every transform is the
  oracle one; the training transform G = sigma^2/s + F1/(xi + s) + Fh/s
  inverts at 2t to sigma^2 + F1 exp(-2 xi t) + Fh, the oracle risk.
* Stage 1 -> 2 (t = theta n): n kappa(u/n) -> u + T, and the training risk
  tends to (sigma^2 + Fh) exp(-2 T theta) once degree 1 is learned.
* Stages 2 and 3 (t >> n): the test risk sits at its t = inf value, whose
  limit is sigma^2 + Fh: the noise plus the energy above degree l.
* Oracle steps: for h = u^k, d^k xi_{d,k} = k!/(2^k (d/2)_k) d^k -> k! =
  h^(k)(0), so at t = c d^k the degree-k residual exp(-2 xi t) tends to
  exp(-2 c h^(k)(0)) (no 1/k!).
"""

import sympy
from _check import perturb, report

x, s, u, a, T, theta, c = sympy.symbols("x s u a T theta c", positive=True)
noise, F1, Fh = sympy.symbols("sigma2 F1 Fh", positive=True)
d, n = x**2, x**3
xi = a / d


def effective_ridge(ridge, samples):
    """Positive root of kappa^2 + kappa (xi - T/N - d xi/N - s) - (s + T/N) xi = 0."""
    b = xi - T / samples - d * xi / samples - ridge
    return (-b + sympy.sqrt(b**2 + 4 * (ridge + T / samples) * xi)) / 2


N = sympy.Symbol("N", positive=True)
stage_one = sympy.limit(effective_ridge(s, N), N, sympy.oo).replace(
    # sqrt((a + s d)^2) = a + s d for positive symbols, once the square is factored.
    lambda e: e.is_Pow and e.exp == sympy.S.Half,
    lambda e: sympy.sqrt(sympy.factor(e.base)),
)

scaled = sympy.limit(n * effective_ridge(u / n, n), x, sympy.oo)
# Training transform at s = u/n, divided by n: the transform in the time t/n.
kappa_bulk = effective_ridge(u / n, n)
transform = (noise / kappa_bulk + F1 / (xi + kappa_bulk) + Fh / kappa_bulk) / n
train_scaled = sympy.limit(transform, x, sympy.oo)
train_bulk = sympy.inverse_laplace_transform(train_scaled, u, 2 * theta)

kappa0 = sympy.Symbol("kappa0", positive=True)
# kappa_0 solves df_1 = n: d xi/(xi + kappa) + T/kappa = n, a quadratic in kappa.
roots = sympy.solve(sympy.Eq(d * xi / (xi + kappa0) + T / kappa0, n), kappa0)
kappa_inf = next(r for r in roots if sympy.limit(r * n, x, sympy.oo).is_positive)
df2 = d * xi**2 / (xi + kappa_inf) ** 2
test_inf = (noise + kappa_inf**2 * F1 / (xi + kappa_inf) ** 2 + Fh) / (1 - df2 / n)

dimension = sympy.Symbol("D", positive=True)
oracle_steps = []
for degree in range(1, 5):
    # xi_{d,k} of h = u^k (exact, from the monomial weights).
    eigenvalue = sympy.factorial(degree) / (2**degree * sympy.rf(dimension / 2, degree))
    residual = sympy.exp(-2 * eigenvalue * c * dimension**degree)
    oracle_steps.append(
        (
            f"oracle step of u^{degree} at t = c d^{degree}",
            sympy.limit(residual, dimension, sympy.oo),
            perturb(sympy.exp(-2 * c * sympy.factorial(degree))),
        )
    )

cases = [
    ("stage 1: kappa(s) as n -> inf", stage_one, perturb(s)),
    ("stage 1 -> 2: n kappa(u/n)", scaled, perturb(u + T)),
    (
        "stage 1 -> 2: training risk at t = theta n",
        train_bulk.subs(sympy.Heaviside(2 * theta), 1),
        perturb((noise + Fh) * sympy.exp(-2 * T * theta)),
    ),
    ("stages 2-3: test risk at t = inf", sympy.limit(test_inf, x, sympy.oo), perturb(noise + Fh)),
    *oracle_steps,
]
report(cases)
