"""Deep bootstrap window: finite-d deterministic equivalent against the limit."""

import math

import pytest

from asymptotics import Target, deep_bootstrap, kernels, limit_deep_bootstrap, spectrum

TARGET = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.2)


def test_limit_window_relu_ntk():
    # Stage 2 runs from alpha = 1.5 to degree 2; train 0, test = oracle = 0.2 + 1 + 1.
    window = limit_deep_bootstrap(kernels.relu_ntk(), TARGET, 1.5)
    assert (window.gamma_start, window.gamma_end, window.length) == (1.5, 2, 0.5)
    assert window.train_test_gap == pytest.approx(2.2, rel=1e-15)
    assert window.test_oracle_gap == 0.0


def test_limit_window_skips_zero_degree():
    # ReLU NTK at alpha = 2.5: xi_3 = 0, so the oracle moves on only at degree 4.
    target = Target({1: 1.0, 3: 1.0, 4: 1.0}, noise=0.0)
    window = limit_deep_bootstrap(kernels.relu_ntk(), target, 2.5)
    assert (window.gamma_start, window.gamma_end) == (2.5, 4)
    assert window.train_test_gap == 2.0


def test_limit_window_without_high_mass_has_no_gap():
    # h = u + u^2 at alpha = 2.5 has rank ~ d^2/2 << n: nothing is interpolated,
    # and degree 3 (a_3 = a_5 = ... = 0) is never learned, so stage 2 never ends.
    window = limit_deep_bootstrap(kernels.polynomial([0, 1, 1]), Target({1: 1.0, 3: 1.0}), 2.5)
    assert window.train_test_gap == 0.0
    assert window.gamma_end == math.inf


@pytest.mark.parametrize("kernel", [kernels.exponential(), kernels.relu_ntk()])
def test_finite_window_grows_towards_limit(kernel):
    # The window edges sit at t1 ~ n/(2T) and at t ~ tolerance/xi_2, so its length
    # is 0.5 + log_d(constant): it grows with d towards the limit 0.5 from below.
    lengths, gaps = [], []
    for d in [10**3, 10**4, 10**5]:
        s = spectrum(kernel, d, max_degree=8)
        window = deep_bootstrap(s, TARGET, d**1.5)
        assert window.start < window.end
        assert window.test_oracle_gap <= 0.05 * 3.2 + 1e-12
        lengths.append(window.length)
        gaps.append(window.train_test_gap)
    assert lengths[0] < lengths[1] < lengths[2] < 0.5
    assert abs(gaps[2] - 2.2) < abs(gaps[0] - 2.2)
    assert gaps[2] == pytest.approx(2.2, abs=0.01)


def test_no_window_at_small_d():
    # d = 100, n = 1000: test and oracle part before the training risk falls by e.
    s = spectrum(kernels.exponential(), 100, max_degree=8)
    window = deep_bootstrap(s, TARGET, 1000)
    assert window.length == 0.0


@pytest.mark.parametrize("tolerance", [0.0, 1.0, -0.1])
def test_bootstrap_rejects_bad_tolerance(tolerance):
    s = spectrum(kernels.exponential(), 20, max_degree=6)
    with pytest.raises(ValueError, match="tolerance"):
        deep_bootstrap(s, TARGET, 100, tolerance=tolerance)
