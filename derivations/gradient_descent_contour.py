"""Contour representations of gradient flow and descent with weight decay.

On an eigenvalue mu of K/n, gradient flow on (1/2n) sum (f(x_i) - y_i)^2 +
(lam/2) ||f||_H^2 from f = 0 leaves the training residual factor
(lam + mu exp(-t (mu + lam)))/(mu + lam); gradient descent with step eta leaves
(lam + mu (1 - eta (mu + lam))^k)/(mu + lam) after k steps. Both are contour
integrals of T(s) = (1/s) r/(mu + r), the ridge residual at r = s + lam
divided by s, against exp(t s) or (1 + eta s)^k: the residues at s = 0 and
s = -(mu + lam) give the factors. The substitution s = (exp(eta w) - 1)/eta turns
(1 + eta s)^k into exp(t w) with t = k eta and ds = exp(eta w) dw, so descent is
a Laplace inversion in w of exp(eta w) T(s(w)).

The two-variable deterministic equivalent of (1/n) y^T (A + r_1)^{-1} (A + r_2)^{-1} y,
(sigma^2/(kappa_1 kappa_2) + E_12)/(1 - Q_12), must agree with the resolvent
identity (G(r_1) - G(r_2))/(r_2 - r_1) applied to the one-variable equivalent
G(r) = sigma^2/kappa + sum_k F_k^2/(xi_k + kappa), where r = kappa (1 - df_1(kappa)/n).
The per-degree split of the bias must sum to the bias. Checked with two levels.
"""

import sympy
from _check import perturb, report

s, t, w, mu, lam, eta, k = sympy.symbols("s t w mu lambda eta k", positive=True)


def residual_transform(s):
    return (s + lam) / (s * (mu + lam + s))


flow = sum(
    sympy.residue(sympy.exp(t * s) * residual_transform(s), s, pole) for pole in (0, -(mu + lam))
)
descent = sum(
    sympy.residue((1 + eta * s) ** 5 * residual_transform(s), s, pole)
    for pole in (0, -(mu + lam))
)
mapped = (sympy.exp(eta * w) - 1) / eta

# Deterministic equivalents with two levels (xi_a, xi_b), masses m = B xi and energies F^2.
kappa1, kappa2, n, noise = sympy.symbols("kappa_1 kappa_2 n sigma2", positive=True)
xis = sympy.symbols("xi_a xi_b", positive=True)
masses = sympy.symbols("m_a m_b", positive=True)
energies = sympy.symbols("F2_a F2_b", positive=True)


def ridge_of(kappa):
    return kappa * (1 - sum(m / (x + kappa) for m, x in zip(masses, xis)) / n)


def resolvent(kappa):
    return noise / kappa + sum(e / (x + kappa) for e, x in zip(energies, xis))


pair_energy = sum(e / ((x + kappa1) * (x + kappa2)) for e, x in zip(energies, xis))
overlap = sum(m * x / (n * (x + kappa1) * (x + kappa2)) for m, x in zip(masses, xis))
shares = [
    kappa1 * kappa2 * (e * (1 - overlap) + m * x / n * pair_energy)
    / ((x + kappa1) * (x + kappa2) * (1 - overlap))
    for e, m, x in zip(energies, masses, xis)
]

report(
    [
        ("flow residual factor", flow, perturb((lam + mu * sympy.exp(-t * (mu + lam))) / (mu + lam))),
        (
            "descent residual factor after 5 steps",
            descent,
            perturb((lam + mu * (1 - eta * (mu + lam)) ** 5) / (mu + lam)),
        ),
        ("(1 + eta s(w))^k", (1 + eta * mapped) ** k, perturb(sympy.exp(eta * k * w))),
        ("ds/dw", sympy.diff(mapped, w), perturb(sympy.exp(eta * w))),
        (
            "two-ridge training resolvent",
            (noise / (kappa1 * kappa2) + pair_energy) / (1 - overlap),
            perturb(
                (resolvent(kappa1) - resolvent(kappa2)) / (ridge_of(kappa2) - ridge_of(kappa1))
            ),
        ),
        (
            "bias per degree sums to the bias",
            sum(shares),
            perturb(kappa1 * kappa2 * pair_energy / (1 - overlap)),
        ),
    ]
)
