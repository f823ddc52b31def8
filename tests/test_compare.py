"""Kernel comparison: training speed against test risk, on computed curves."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from asymptotics import (
    Kernel,
    Target,
    compare,
    halving_time,
    kernels,
    limit_curves,
    simulate,
    spectrum,
)

TIMES = np.geomspace(1.0, 1e6, 13)


def exponential_plus_quartic(weight):
    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return mpmath.exp(u) + weight * u**4
        u = np.asarray(u, dtype=float)
        return np.exp(u) + weight * u**4

    return Kernel(
        function,
        name=f"exp(u) + {weight} u^4",
        coefficient=lambda m: 1 / mpmath.factorial(m) + (weight if m == 4 else 0),
        value_at_one=lambda: mpmath.e + weight,
    )


def test_halving_time_of_linear_kernel():
    # h = u, xi_1 = 1/d; as n -> inf the training risk is exp(-2 t/d), so it halves
    # at t = d ln 2 / 2; at n = 10^8 the deterministic equivalent is within 1e-6.
    d = 10
    s = spectrum(kernels.polynomial([0, 1]), d)
    assert halving_time(s, Target({1: 1.0}), 10**8) == pytest.approx(d * math.log(2) / 2, rel=1e-6)


def test_halving_time_infinite_when_training_risk_stays():
    # h = u has rank d = 10 < n = 100: the training risk stays at (1 - 10/100) * noise.
    s = spectrum(kernels.polynomial([0, 1]), 10)
    assert halving_time(s, Target({}, noise=1.0), 100) == math.inf


def test_more_high_degree_mass_trains_faster_not_better():
    # Same coefficients up to degree 3; exp(u) + 3 u^4 has 3 more units of mass above degree 1.
    target = Target({1: 1.0, 2: 0.5}, noise=0.5)
    result = compare(
        kernels.exponential(), exponential_plus_quartic(3), target, d=100, n=1000, t=TIMES
    )
    assert result.faster == "b"
    assert result.halving_time_b < 0.6 * result.halving_time_a
    assert not result.better_at_halving
    assert not result.better_at_end
    assert not result.faster_generalises_better
    # In the limit the stage-2 test plateau sigma^2 + F_{>1}^2 = 1 is the same for both.
    for kernel in (kernels.exponential(), exponential_plus_quartic(3)):
        assert limit_curves(kernel, target, 1.5, 1.75).test[0] == 1.0


def test_first_to_fit_has_higher_test_risk():
    # a interpolates the noise fast (mass 8 above degree 1) but learns degree 1
    # ten times more slowly than b.
    target = Target({1: 1.0, 2: 0.3}, noise=1.0)
    a = kernels.polynomial([Fraction(1, 10), Fraction(1, 5), 8])
    b = kernels.polynomial([Fraction(1, 10), 2, Fraction(3, 10)])
    result = compare(a, b, target, d=100, n=1000, t=TIMES)
    assert result.faster == "a"
    assert result.test_at_halving[0] > result.test_at_halving[1] + 0.5
    assert not result.better_at_halving
    # Where a's training risk is lower, its test risk is higher.
    lower_train_a = result.train_a < result.train_b
    assert lower_train_a.any()
    assert (result.test_a[lower_train_a] > result.test_b[lower_train_a]).all()


def test_compare_rejects_spectrum_of_other_dimension():
    s = spectrum(kernels.exponential(), 20, max_degree=6)
    with pytest.raises(ValueError, match="dimension 20"):
        compare(s, kernels.exponential(), Target({1: 1.0}), d=30, n=100, t=[1.0])


@pytest.mark.slow
def test_first_to_fit_conclusion_holds_in_simulation():
    # Reference: exact gradient flow on sampled data (4 draws, d = 100, n = 1000).
    # Take the time at which a's deterministic-equivalent training risk halves.
    # There the simulated training risk of a is half its start (1.15), and a's
    # simulated test risk is higher than b's. The equivalent matches the
    # simulation to 2 %.
    target = Target({1: 1.0, 2: 0.3}, noise=1.0)
    a = kernels.polynomial([Fraction(1, 10), Fraction(1, 5), 8])
    b = kernels.polynomial([Fraction(1, 10), 2, Fraction(3, 10)])
    result = compare(a, b, target, d=100, n=1000, t=TIMES)
    t = result.halving_time_a
    simulated = [simulate(k, 100, 1000, target, [t], seeds=4) for k in (a, b)]
    assert simulated[0].train[0] == pytest.approx(1.15, rel=0.02)
    assert simulated[0].test[0] > simulated[1].test[0] + 0.5
    for sim, expected in zip(simulated, result.test_at_halving):
        assert sim.test[0] == pytest.approx(expected, rel=0.02)
