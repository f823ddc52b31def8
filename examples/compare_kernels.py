"""Compare two kernels on one task: faster training does not imply better test risk.

Two pairs, both at d = 100 with n = 1000 = d^1.5 samples (so the empirical world
learns degrees 0 and 1):

1. ``exp(u)`` against ``exp(u) + 3 u^4``: the same Taylor coefficients up to
   degree 3, but 3 more units of kernel mass above degree 1. The extra mass
   raises T_{>1}, so the training risk falls sooner (t ~ n / (2 T_{>1})), while
   the test risk is no better: its d -> inf plateau sigma^2 + F_{>1}^2 does not
   depend on the kernel, and at finite n the larger effective ridge T_{>1}/n
   shrinks degree 1.
2. ``0.1 + 0.2 u + 8 u^2`` against ``0.1 + 2 u + 0.3 u^2``: the first kernel
   interpolates the noise quickly but learns the linear part of the target ten
   times more slowly, so its training risk halves first while its test risk at
   that time is higher.

Run ``python examples/compare_kernels.py`` (a few seconds); with ``--plot FILE``
and matplotlib installed it also saves the curves.
"""

import argparse
from fractions import Fraction

import mpmath
import numpy as np

from asymptotics import Kernel, Target, compare, kernels, limit_curves

D = 100
N = 1000
TIMES = np.geomspace(1.0, 1e6, 13)


def exponential_plus_monomial(weight, power):
    """Kernel ``exp(u) + weight * u^power`` with its Taylor coefficients."""

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return mpmath.exp(u) + weight * u**power
        u = np.asarray(u, dtype=float)
        return np.exp(u) + weight * u**power

    def coefficient(m):
        return 1 / mpmath.factorial(m) + (weight if m == power else 0)

    return Kernel(
        function,
        name=f"exp(u) + {weight} u^{power}",
        coefficient=coefficient,
        value_at_one=lambda: mpmath.e + weight,
    )


PAIRS = [
    (
        "more high-degree mass",
        kernels.exponential(),
        exponential_plus_monomial(3, 4),
        Target({1: 1.0, 2: 0.5}, noise=0.5),
    ),
    (
        "fast interpolation, slow signal",
        kernels.polynomial([Fraction(1, 10), Fraction(1, 5), 8]),
        kernels.polynomial([Fraction(1, 10), 2, Fraction(3, 10)]),
        Target({1: 1.0, 2: 0.3}, noise=1.0),
    ),
]


def print_pair(title, kernel_a, kernel_b, target):
    result = compare(kernel_a, kernel_b, target, d=D, n=N, t=TIMES)
    print(f"\n== {title}: a = {kernel_a.name}, b = {kernel_b.name}")
    print(f"{'t':>10} {'train a':>9} {'train b':>9} {'test a':>9} {'test b':>9}")
    for row in zip(result.times, result.train_a, result.train_b, result.test_a, result.test_b):
        print(f"{row[0]:10.3g} " + " ".join(f"{v:9.4f}" for v in row[1:]))
    print(
        f"training risk halves at t = {result.halving_time_a:.4g} (a), "
        f"{result.halving_time_b:.4g} (b): kernel {result.faster} trains faster"
    )
    print(
        f"test risk at that time: a {result.test_at_halving[0]:.4f}, "
        f"b {result.test_at_halving[1]:.4f}"
    )
    print(
        f"faster kernel has the lower test risk then: {result.better_at_halving}; "
        f"at t = {TIMES[-1]:.0e}: {result.better_at_end}"
    )
    # The d -> inf stage-2 plateau of the test risk, sigma^2 + F_{>1}^2, is the same for both.
    plateaus = [limit_curves(k, target, 1.5, 1.75).test[0] for k in (kernel_a, kernel_b)]
    print(f"d -> inf test plateau in stage 2: a {plateaus[0]:.4f}, b {plateaus[1]:.4f}")
    return result


def plot(results, path):
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(11, 4))
    for axis, (title, result) in zip(axes, results):
        for label, test, train in (
            ("a", result.test_a, result.train_a),
            ("b", result.test_b, result.train_b),
        ):
            axis.semilogx(result.times, test, label=f"test {label}")
            axis.semilogx(result.times, train, "--", label=f"train {label}")
        axis.set_title(title)
        axis.set_xlabel("t (gradient flow on half the squared loss)")
        axis.legend()
    figure.tight_layout()
    figure.savefig(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="FILE", help="save the curves to FILE (needs matplotlib)")
    arguments = parser.parse_args()
    results = [(pair[0], print_pair(*pair)) for pair in PAIRS]
    if arguments.plot:
        plot(results, arguments.plot)


if __name__ == "__main__":
    main()
