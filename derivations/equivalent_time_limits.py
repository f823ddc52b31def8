"""The t = 0 and t = inf limits of the gradient-flow deterministic equivalent.

Model: one level with eigenvalue xi and multiplicity m, one level with
eigenvalue 0 carrying energy F0 (unlearnable), the learnable energy F and
noise sigma^2. The effective ridge kappa(s) is the positive root of

    s = kappa (1 - m xi / (n (xi + kappa))).

The training risk is L^{-1}[G](2t) with G = sigma^2/kappa + F/(xi + kappa) + F0/kappa,
the bias and variance are two-variable inverse transforms of
B = kappa^2 (F/(xi + kappa)^2 + F0/kappa^2) / (s^2 (1 - Q)) and
V = Q / (s^2 (1 - Q)), Q = m xi^2 / (n (xi + kappa)^2), on the diagonal.
The initial and final value theorems f(0+) = lim_{s->inf} s F(s) and
f(inf) = lim_{s->0+} s F(s) (s^2 F(s, s) in two variables) give:

* t = 0: training risk sigma^2 + F + F0, bias F + F0, variance 0;
* t = inf with m = (1 + r) n > n: kappa_0 = r xi > 0, the training risk is 0
  and the test risk is the ridgeless value
  sigma^2 + r F/(1 + r) + (1 + r) F0/r + sigma^2/r;
* t = inf with m = (1 - r) n < n: kappa -> 0, the training risk is
  r (sigma^2 + F0) and the test risk (sigma^2 + F0) / r, the least-squares
  values with the unlearnable energy acting as noise.
"""

import sympy
from _check import perturb, report

s, xi, n, noise, F, F0, r = sympy.symbols("s xi n sigma2 F F0 r", positive=True)


def effective_ridge(m):
    """Positive root of kappa^2 + kappa (xi - m xi/n - s) - s xi = 0."""
    b = xi - m * xi / n - s
    return (-b + sympy.sqrt(b**2 + 4 * s * xi)) / 2


def transforms(m):
    kappa = effective_ridge(m)
    g = noise / kappa + F / (xi + kappa) + F0 / kappa
    q = m * xi**2 / (n * (xi + kappa) ** 2)
    bias = kappa**2 * (F / (xi + kappa) ** 2 + F0 / kappa**2) / (s**2 * (1 - q))
    variance = q / (s**2 * (1 - q))
    return kappa, g, bias, variance


m_large = n * (1 + r)  # rank above n: the flow interpolates
m_small = n * (1 - r)  # rank below n (0 < r < 1): least squares with m parameters
kappa, g, bias, variance = transforms(m_large)
_, g_small, bias_small, variance_small = transforms(m_small)

cases = [
    ("t = 0 training risk", sympy.limit(s * g, s, sympy.oo), perturb(noise + F + F0)),
    ("t = 0 bias", sympy.limit(s**2 * bias, s, sympy.oo), perturb(F + F0)),
    ("t = 0 variance", sympy.limit(s**2 * variance, s, sympy.oo), perturb(sympy.Integer(0))),
    ("kappa_0 for m > n", sympy.limit(kappa, s, 0), perturb(xi * r)),
    ("t = inf training risk, m > n", sympy.limit(s * g, s, 0), perturb(sympy.Integer(0))),
    (
        "t = inf test risk, m > n",
        sympy.simplify(
            noise + sympy.limit(s**2 * bias, s, 0) + noise * sympy.limit(s**2 * variance, s, 0)
        ),
        perturb(noise + r * F / (1 + r) + F0 * (1 + r) / r + noise / r),
    ),
    ("t = inf training risk, m < n", sympy.limit(s * g_small, s, 0), perturb(r * (noise + F0))),
    (
        "t = inf test risk, m < n",
        sympy.simplify(
            noise
            + sympy.limit(s**2 * bias_small, s, 0)
            + noise * sympy.limit(s**2 * variance_small, s, 0)
        ),
        perturb((noise + F0) / r),
    ),
]
report(cases)
