"""Error of the hyperbolic Laplace-inversion rule over a window of times.

The rule (asymptotics.laplace) puts the Bromwich contour on the hyperbola
zeta(u) = m (1 - sin(a) cosh u) + i m cos(a) sinh u, scaled by 1/T, and applies
the trapezoid rule u_j = j h, |j| < M, with weights (h / 2 pi i) zeta'(u_j). The
exact part checks the parametrisation: zeta(0) = m (1 - sin a) is where the
contour crosses the real axis, zeta(-u) = conj zeta(u) (so the lower nodes are
conjugates), and zeta' is the derivative used for the weights.

The numerical part measures the worst error over the test family
f(t) = exp(-c t), F(s) = 1/(s + c), for c = 0 and c in [1e-4, 1e8] (times T = 1),
at every t in the window [1/2, 1]. Every transform of a completely monotone f,
F(s) = int dnu(c) / (s + c) with nu >= 0, is a mixture of this family, so its
error is at most the worst one times f(0). The shape a = 1.12, m = 3.1 M,
h = 1.47 / M came from minimising the log of (worst error + 1e-16 times the
squared sum of |weight e^{zeta t} F|) over (a, m, h) with Nelder-Mead for
M = 10 to 16 and rounding the minimisers, which scale as m ~ 3 M and h ~ 1.5/M;
`python hyperbolic_contour.py --optimise` repeats that search. The checks:

- the worst error is below the bounds quoted in asymptotics.laplace;
- it is largest at the two ends of the window, t = T/2 and t = T, which is
  why empirical_risk checks the first and last time of each window;
- the two-variable rule on the tensor grid inverts exp(-c_1 t_1 - c_2 t_2) at
  t_1 = t_2 = t to within twice the one-variable bound.
"""

import sys

import numpy as np
import sympy
from _check import PERTURBED, perturb, report

# Exact part: the parametrisation and its derivative.
u, m, a = sympy.symbols("u m a", real=True)
zeta = m * (1 + sympy.sin(sympy.I * u - a))
expanded = m * (1 - sympy.sin(a) * sympy.cosh(u)) + sympy.I * m * sympy.cos(a) * sympy.sinh(u)
derivative = m * (-sympy.sin(a) * sympy.sinh(u) + sympy.I * sympy.cos(a) * sympy.cosh(u))
ANGLE, SCALE_PER_NODE, STEP_TIMES_NODES = 1.12, 3.1, 1.47
RATES = np.concatenate([[0.0], np.geomspace(1e-4, 1e8, 3000)])
WINDOW = np.linspace(0.5, 1.0, 41)
# Worst error over the family at M nodes, as quoted in asymptotics.laplace.
BOUNDS = {8: 1e-6, 12: 5e-10, 14: 2e-11, 16: 5e-13, 18: 1e-13}


def rule(nodes, angle=ANGLE, scale=None, step=None):
    """Reduced nodes and weights on the upper half of the hyperbola (window end T = 1)."""
    scale = SCALE_PER_NODE * nodes if scale is None else scale
    step = STEP_TIMES_NODES / nodes if step is None else step
    if PERTURBED:
        step *= 1.3  # a coarser trapezoid rule must break the bounds
    v = np.arange(nodes) * step
    z = scale * (1 - np.sin(angle) * np.cosh(v)) + 1j * scale * np.cos(angle) * np.sinh(v)
    dz = scale * (-np.sin(angle) * np.sinh(v) + 1j * np.cos(angle) * np.cosh(v))
    return z, step * dz / (2j * np.pi)


def errors(z, w, rates=RATES, times=WINDOW):
    """Largest error over the rates at each time, and the rounding amplification."""
    terms = w * np.exp(np.outer(times, z))[:, None, :] / (z + rates[:, None])
    inverse = terms[..., 0].real + 2 * terms[..., 1:].sum(axis=-1).real
    exact = np.exp(-np.outer(times, rates))
    amplification = 2 * np.abs(terms).sum(axis=-1).max()
    return np.abs(inverse - exact).max(axis=1), amplification


def optimise(nodes):
    """Nelder-Mead over (a, log m, log h) for the worst error plus rounding at ``nodes``."""
    from scipy.optimize import minimize

    coarse = np.concatenate([[0.0], np.geomspace(1e-3, 1e6, 400)])

    def objective(p):
        if not 0.05 < p[0] < 1.5:
            return 10.0
        z, w = rule(nodes, p[0], np.exp(p[1]), np.exp(p[2]))
        worst, amplification = errors(z, w, coarse, np.linspace(0.5, 1, 60))
        return np.log10(worst.max() + 1e-16 * amplification**2)

    start = [1.0, np.log(3 * nodes), np.log(1.5 / nodes)]
    best = minimize(objective, start, method="Nelder-Mead", options={"maxiter": 600})
    return best.x[0], np.exp(best.x[1]) / nodes, np.exp(best.x[2]) * nodes


if "--optimise" in sys.argv:
    for count in (10, 12, 14, 16):
        angle, scale, step = optimise(count)
        print(f"M = {count}: a = {angle:.3f}, m = {scale:.2f} M, h = {step:.2f} / M")
    sys.exit(0)

failed = 0
for nodes, bound in BOUNDS.items():
    z, w = rule(nodes)
    by_time, amplification = errors(z, w)
    worst = by_time.max()
    ok = worst <= bound
    failed += not ok
    print(
        f"{'ok  ' if ok else 'FAIL'} M = {nodes}: worst error {worst:.2e} <= {bound:.0e} "
        f"(rounding amplification {amplification:.0f})"
    )
    if nodes in (12, 16):
        ends = max(by_time[0], by_time[-1])
        ok = ends >= by_time[1:-1].max()
        failed += not ok
        print(
            f"{'ok  ' if ok else 'FAIL'} M = {nodes}: error at the window ends {ends:.2e} >= "
            f"inside {by_time[1:-1].max():.2e}"
        )

# Two variables on the tensor grid: rows over the upper nodes, columns over the whole contour.
z, w = rule(16)
full_z, full_w = np.concatenate([z, np.conj(z[1:])]), np.concatenate([w, np.conj(w[1:])])
pair_rates = np.concatenate([[0.0], np.geomspace(1e-3, 1e5, 60)])
worst = 0.0
for t in WINDOW[::4]:
    rows = w * np.exp(z * t) / (z[None, :] + pair_rates[:, None])  # (rate, node)
    columns = full_w * np.exp(full_z * t) / (full_z[None, :] + pair_rates[:, None])
    upper = rows.copy()
    upper[:, 1:] *= 2
    values = (upper.sum(axis=1)[:, None] * columns.sum(axis=1)[None, :]).real
    exact = np.exp(-t * (pair_rates[:, None] + pair_rates[None, :]))
    worst = max(worst, np.abs(values - exact).max())
ok = worst <= 2 * BOUNDS[16]
failed += not ok
print(
    f"{'ok  ' if ok else 'FAIL'} two variables, M = 16: worst error {worst:.2e} "
    f"<= {2 * BOUNDS[16]:.0e}"
)
if failed:
    print(f"{failed} numerical case(s) failed", file=sys.stderr)
report(
    [
        (
            "zeta(u) in real and imaginary parts",
            sympy.expand(zeta.rewrite(sympy.exp)),
            sympy.expand(perturb(expanded).rewrite(sympy.exp)),
        ),
        ("zeta(0)", expanded.subs(u, 0), perturb(m * (1 - sympy.sin(a)))),
        ("zeta(-u) = conj zeta(u)", expanded.subs(u, -u), perturb(sympy.conjugate(expanded))),
        ("zeta'(u)", sympy.diff(expanded, u), perturb(derivative)),
    ]
)
if failed:
    sys.exit(1)
