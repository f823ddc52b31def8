"""Block formulas at n = psi B(d, l): Marchenko-Pastur integrals, closed forms, finite-d check."""

import math

import numpy as np
import pytest

from asymptotics import (
    Target,
    block_risk,
    early_stopping,
    empirical_risk,
    kernels,
    multiplicity,
    polynomial_regime_ridge,
    polynomial_regime_risk,
    ridge_risk,
    spectrum,
)
from asymptotics.polynomial_regime import (
    block_factors,
    marchenko_pastur_integral,
    ridge_block_factors,
)


@pytest.mark.parametrize("q", [0.25, 0.9, 1.0, 1.1, 2.0, 4.0])
def test_marchenko_pastur_moments(q):
    # M_q has mass 1, mean 1 and second moment 1 + q (moments of Z^T Z / n).
    assert marchenko_pastur_integral(np.ones_like, q) == pytest.approx(1.0, abs=1e-13)
    assert marchenko_pastur_integral(lambda z: z, q) == pytest.approx(1.0, abs=1e-13)
    assert marchenko_pastur_integral(lambda z: z**2, q) == pytest.approx(1 + q, abs=1e-12)


@pytest.mark.parametrize(
    "q, rho, bias, variance",
    # Reference values of the t = inf block, computed independently of this
    # package and rounded to the digits given.
    [
        (1.0, 0.01, "0.0499376", "4.518731"),
        (0.5, 0.1, "0.0345225", "0.5690450"),
        (2.0, 0.01, "0.5000943", "0.9617163"),
    ],
)
def test_infinite_time_matches_table(q, rho, bias, variance):
    closed = ridge_block_factors(q, rho)
    for value, reference in zip(closed, (bias, variance)):
        decimals = len(reference.split(".")[1])
        assert f"{value:.{decimals}f}" == reference
    integrals = block_factors(q, rho, math.inf)
    assert integrals.bias[0] == pytest.approx(closed[0], rel=1e-11)
    assert integrals.variance[0] == pytest.approx(closed[1], rel=1e-11)
    assert integrals.train_signal[0] == 0.0


@pytest.mark.parametrize("q", [0.5, 2.0])
def test_ridgeless_limits(q):
    # rho -> 0: q < 1 gives beta = 0, v = q/(1 - q); q > 1 gives 1 - 1/q, 1/(q - 1).
    bias, variance = ridge_block_factors(q, 0.0)
    if q < 1:
        assert (bias, variance) == pytest.approx((0.0, q / (1 - q)), abs=1e-15)
    else:
        assert (bias, variance) == pytest.approx((1 - 1 / q, 1 / (q - 1)), rel=1e-14)


def test_time_zero_factors():
    factors = block_factors(0.7, 0.2, 0.0)
    assert factors.bias[0] == pytest.approx(1.0, abs=1e-14)
    assert factors.variance[0] == 0.0
    assert factors.train_signal[0] == pytest.approx(1.0, abs=1e-14)
    assert factors.train_noise[0] == pytest.approx(1.0, abs=1e-14)


def test_peak_height_at_psi_one():
    # Near q = 1 with small rho, kappa/xi_l ~ sqrt(rho) and v(inf) ~ 1/(2 sqrt(rho)).
    for rho in [1e-4, 1e-6]:
        _, variance = ridge_block_factors(1.0, rho)
        assert variance * 2 * math.sqrt(rho) == pytest.approx(1.0, rel=2 * math.sqrt(rho))


def test_ridgeless_risk_peaks_at_psi_one():
    # exp(0.05 u): T^inf_{>2}/a_2 = 0.0169, so the variance peak at psi = 1 dominates.
    kernel = kernels.exponential(0.05)
    target = Target({2: 1.0}, noise=0.5)
    psis = np.geomspace(0.25, 4, 41)
    risks = [polynomial_regime_ridge(kernel, target, 2, psi, 0.0)[0] for psi in psis]
    assert psis[int(np.argmax(risks))] == pytest.approx(1.0, rel=0.08)


def test_early_stopping_beats_interpolation_at_peak():
    kernel = kernels.exponential(0.05)
    target = Target({2: 1.0}, noise=0.5)
    _, best_peak, final_peak = early_stopping(kernel, target, 2, 1.0)
    _, best_far, final_far = early_stopping(kernel, target, 2, 4.0)
    assert best_peak < 0.5 * final_peak
    assert final_peak - best_peak > final_far - best_far


@pytest.mark.parametrize("kernel", [kernels.exponential(), kernels.relu_ntk()])
def test_block_proxy_converges_to_deterministic_equivalent(kernel):
    # n = B(d, 2): the block formulas with finite-d values differ from the full
    # deterministic equivalent by O(1/d) (the noise fitted into degrees < 2 is
    # about sigma_eff^2 N(d, <=1)/n ~ 2 sigma_eff^2 / d).
    target = Target({0: 0.5, 1: 1.0, 2: 1.0, 3: 0.5}, noise=0.3)
    theta = np.array([0.3, 1.0, 3.0, 10.0, np.inf])
    errors = []
    for d in [100, 300, 1000]:
        s = spectrum(kernel, d, max_degree=8)
        n = float(multiplicity(d, 2))
        times = theta / s.eigenvalues[2]
        exact = empirical_risk(s, target, n, times)
        proxy = block_risk(s, target, n, times, degree=2)
        errors.append(
            max(np.abs(proxy.test - exact.test).max(), np.abs(proxy.train - exact.train).max())
        )
    assert errors[0] > errors[1] > errors[2]
    # O(1/d): the error times d stays bounded (within 20 % of its value at d = 300).
    assert errors[2] * 1000 <= 1.2 * errors[1] * 300
    assert errors[2] < 0.005


def test_limit_block_matches_large_d():
    # The d -> inf block (q = 1/psi, rho = T^inf/(psi a_l)) against the finite-d
    # deterministic equivalent at d = 3000, n = B(d, 2), t = theta / xi_2.
    kernel = kernels.exponential()
    target = Target({0: 0.5, 1: 1.0, 2: 1.0, 3: 0.5}, noise=0.3)
    theta = np.array([0.3, 1.0, 10.0, np.inf])
    d = 3000
    s = spectrum(kernel, d, max_degree=8)
    exact = empirical_risk(s, target, float(multiplicity(d, 2)), theta / s.eigenvalues[2])
    limit = polynomial_regime_risk(kernel, target, 2, 1.0, theta)
    np.testing.assert_allclose(limit.test, exact.test, atol=2e-3)
    np.testing.assert_allclose(limit.train, exact.train, atol=2e-3)


def test_limit_ridge_matches_large_d():
    # Ridge lambda = r xi_2 at n = B(d, 2): reduced ridge r in the limit.
    kernel = kernels.exponential(0.05)
    target = Target({1: 1.0, 2: 1.0}, noise=0.5)
    reduced = np.array([0.0, 0.1, 1.0])
    d = 3000
    s = spectrum(kernel, d, max_degree=8)
    exact = ridge_risk(s, target, float(multiplicity(d, 2)), reduced * s.eigenvalues[2])
    limit = polynomial_regime_ridge(kernel, target, 2, 1.0, reduced)
    np.testing.assert_allclose(limit, exact.test, rtol=2e-2)


def test_time_zero_is_initial_risk():
    target = Target({1: 1.0, 2: 1.0}, noise=0.5)
    risk = polynomial_regime_risk(kernels.exponential(), target, 2, 1.0, 0.0)
    assert risk.test[0] == risk.train[0] == 2.5


def test_block_rejects_zero_coefficient_degree():
    with pytest.raises(ValueError, match="no block"):
        polynomial_regime_risk(kernels.relu_ntk(), Target({3: 1.0}), 3, 1.0, 1.0)
