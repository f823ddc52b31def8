"""Oracle-world risk against its closed form."""

import math

import numpy as np
import pytest

from asymptotics import Target, kernels, spectrum
from asymptotics.oracle import oracle_risk


def test_oracle_matches_closed_form_for_linear_kernel():
    # h(u) = u has xi_1 = 1/d exactly, so R(t) = noise + F_1^2 exp(-2 t / d).
    d = 7
    s = spectrum(kernels.polynomial([0, 1]), d)
    times = np.array([0.0, 0.3, 7.0, 100.0])
    risk = oracle_risk(s, Target({1: 2.0}, noise=0.5), times)
    expected = 0.5 + 2.0 * np.exp(-2 * times / d)
    np.testing.assert_allclose(risk, expected, rtol=1e-15)


def test_oracle_per_degree_exponentials():
    # Closed form with the exact rational eigenvalues of (1 + u)^2 at d = 10: 11/10, 1/5, 1/60.
    s = spectrum(kernels.polynomial([1, 2, 1]), 10)
    target = Target({0: 0.5, 1: 1.0, 2: 2.0}, noise=0.1)
    t = 3.7
    expected = 0.1 + 0.5 * math.exp(-2.2 * t) + math.exp(-0.4 * t) + 2.0 * math.exp(-t / 30)
    assert oracle_risk(s, target, t)[0] == pytest.approx(expected, rel=1e-14)


def test_oracle_at_infinity_keeps_unlearnable_energy():
    # The ReLU NTK has xi_3 = 0 exactly: energy in degree 3 is never learned.
    s = spectrum(kernels.relu_ntk(), 30)
    risk = oracle_risk(s, Target({1: 1.0, 3: 0.7}, noise=0.2), [0.0, np.inf])
    assert risk[0] == pytest.approx(1.9, rel=1e-15)
    assert risk[1] == pytest.approx(0.9, rel=1e-15)


def test_oracle_time_order_irrelevant():
    s = spectrum(kernels.exponential(), 20)
    target = Target({1: 1.0, 2: 1.0}, noise=0.3)
    times = np.array([5.0, 0.0, 1e4, np.inf, 30.0])
    permuted = times[[3, 1, 4, 0, 2]]
    np.testing.assert_array_equal(
        oracle_risk(s, target, times)[[3, 1, 4, 0, 2]], oracle_risk(s, target, permuted)
    )


@pytest.mark.parametrize("bad", [-1.0, np.nan, [[1.0]]])
def test_oracle_rejects_bad_times(bad):
    s = spectrum(kernels.exponential(), 20)
    with pytest.raises(ValueError, match="t"):
        oracle_risk(s, Target({1: 1.0}), bad)


def test_oracle_rejects_degree_beyond_spectrum():
    s = spectrum(kernels.exponential(), 20, max_degree=3)
    with pytest.raises(ValueError, match="max_degree"):
        oracle_risk(s, Target({5: 1.0}), 1.0)


def test_oracle_learns_underflowed_degree_at_infinity():
    # xi_45 of e^u at d = 10^8 is about exp(-829): below float64, but positive, so the
    # degree is learned at t = inf (its log stays finite in log_eigenvalues).
    import asymptotics

    with pytest.warns(asymptotics.AsymptoticsWarning, match="below the float64 range"):
        s = spectrum(kernels.exponential(), 10**8, max_degree=45)
    assert oracle_risk(s, Target({45: 1.0}), [np.inf])[0] == 0.0
