"""Gradient-flow and ridge deterministic equivalents: limits, identities and inversion checks."""

import numpy as np
import pytest

from asymptotics import Target, kernels, laplace, spectrum
from asymptotics.empirical import _Problem, empirical_risk, ridge_risk
from asymptotics.oracle import oracle_risk


@pytest.fixture(scope="module")
def exponential_20():
    return spectrum(kernels.exponential(), 20, max_degree=10)


@pytest.fixture(scope="module")
def ntk_100():
    return spectrum(kernels.relu_ntk(), 100)


TARGET = Target({0: 0.3, 1: 1.0, 2: 1.0, 3: 0.5}, noise=0.5)
TIMES = np.geomspace(0.1, 1e8, 25)


def test_start_equals_noise_plus_energy(exponential_20):
    # At t = 0 the predictor is 0: test = train = sigma^2 + sum_k F_k^2 exactly.
    risk = empirical_risk(exponential_20, TARGET, 300, 0.0)
    assert risk.test[0] == 0.5 + 2.8
    assert risk.train[0] == 0.5 + 2.8
    assert risk.variance[0] == 0.0


def test_test_is_noise_plus_bias_plus_variance(exponential_20):
    risk = empirical_risk(exponential_20, TARGET, 300, TIMES)
    np.testing.assert_allclose(risk.test, TARGET.noise + risk.bias + risk.variance, rtol=1e-15)


def test_infinite_samples_recover_oracle(ntk_100):
    # n -> inf gives kappa(s) = s and the exact oracle curve for test and train.
    target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    times = np.geomspace(0.1, 1e4, 9)
    risk = empirical_risk(ntk_100, target, 1e15, times)
    oracle = oracle_risk(ntk_100, target, times)
    np.testing.assert_allclose(risk.test, oracle, rtol=1e-9)
    np.testing.assert_allclose(risk.train, oracle, rtol=1e-9)


def test_talbot_node_counts_agree(exponential_20):
    # Rounding is amplified by about e^(2M/5) per variable; M = 16 and M = 20
    # must agree to the float64 accuracy of the two-variable rule (about 1e-11).
    for n in (100, 1000):
        a = empirical_risk(exponential_20, TARGET, n, TIMES, nodes=16)
        b = empirical_risk(exponential_20, TARGET, n, TIMES, nodes=20)
        for field in ("test", "train", "bias", "variance"):
            np.testing.assert_allclose(getattr(a, field), getattr(b, field), atol=1e-9)


def test_variance_matches_one_point_formula(exponential_20):
    # var(t) = sigma^2 [2 J(t) - J(2t) - 1] with J = L^-1[kappa(s)/s^2]: a one-variable
    # route that shares only the fixed point with the two-variable inversion.
    n = 400
    problem = _Problem(exponential_20, TARGET, n)
    zeta, weight = laplace.talbot_nodes(18)

    def j_curve(tau):
        s = zeta[None, :] / tau[:, None]
        kappa = problem.solve_contour(s, problem.solve_real(s[:, 0].real))
        return laplace.invert(kappa / s**2, weight, tau)

    one_point = TARGET.noise * (2 * j_curve(TIMES) - j_curve(2 * TIMES) - 1)
    risk = empirical_risk(exponential_20, TARGET, n, TIMES)
    np.testing.assert_allclose(risk.variance, one_point, atol=1e-7)


def test_train_curve_transforms_to_ridge_resolvent(exponential_20):
    # int_0^inf e^{-lam t} train(t/2) dt = G(lam) = sigma^2/kappa + sum F^2/(xi + kappa)
    # with kappa = kappa(lam) from the real-axis fixed point: this checks the complex
    # contour solver and the Talbot inversion against the real solver.
    n, lam = 300, 0.05
    x = np.linspace(np.log(1e-6), np.log(2000 / lam), 4001)
    t = np.exp(x)
    train = empirical_risk(exponential_20, TARGET, n, t / 2).train
    integral = np.trapezoid(np.exp(-lam * t) * train * t, x)
    problem = _Problem(exponential_20, TARGET, n)
    kappa = problem.solve_real(np.array([lam]))[0]
    resolvent = TARGET.noise / kappa + (problem.energies / (problem.eigenvalues + kappa)).sum()
    # The head of the integral below t = 1e-6 is about 1e-6 * train(0).
    assert integral + 1e-6 * 3.3 == pytest.approx(resolvent, rel=1e-6)


def test_late_times_reach_ridgeless_values(exponential_20):
    # Talbot inversion at times just below the frozen range must approach the
    # closed-form t = inf values (ridgeless kernel regression).
    n = 300
    problem = _Problem(exponential_20, TARGET, n)
    late = 40.0 / problem.smallest_rate()
    risk = empirical_risk(exponential_20, TARGET, n, [late, np.inf])
    assert risk.test[0] == pytest.approx(risk.test[1], rel=1e-9)
    assert risk.train[0] == pytest.approx(0.0, abs=1e-9)
    assert risk.train[1] == 0.0


def test_ridgeless_matches_small_ridge(exponential_20):
    # t = inf uses df_1(kappa_0) = n by bisection; ridge_risk solves at lam > 0 by Newton.
    n = 300
    end = empirical_risk(exponential_20, TARGET, n, np.inf)
    ridge = ridge_risk(exponential_20, TARGET, n, 1e-12)
    assert ridge.test[0] == pytest.approx(end.test[0], rel=1e-8)


def test_finite_rank_ridgeless_formula():
    # Rank r = 1 + d + B(d, 2) for (1 + u)^2; with r < n the interpolant has
    # test = (sigma^2 + F_0^2)/(1 - r/n) and train = (1 - r/n)(sigma^2 + F_0^2),
    # where F_0^2 is the energy on degrees with xi = 0 (here degree 3).
    d, n = 10, 200
    s = spectrum(kernels.polynomial([1, 2, 1]), d)
    rank = 1 + 10 + 54
    target = Target({1: 1.0, 3: 0.4}, noise=0.3)
    risk = empirical_risk(s, target, n, np.inf)
    assert risk.test[0] == pytest.approx(0.7 / (1 - rank / n), rel=1e-14)
    assert risk.train[0] == pytest.approx(0.7 * (1 - rank / n), rel=1e-14)


def test_train_never_exceeds_test_late(ntk_100):
    target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    risk = empirical_risk(ntk_100, target, 1000, TIMES)
    assert np.all(np.diff(risk.train) <= 1e-12)
    assert np.all(risk.train <= risk.test + 1e-12)


def test_ridge_train_identity(exponential_20):
    # KRR: train = (lam / kappa)^2 test, and kappa > lam.
    risk = ridge_risk(exponential_20, TARGET, 300, [1e-4, 1e-2, 1.0])
    assert np.all(risk.effective_ridge > risk.ridge)
    np.testing.assert_allclose(risk.train, (risk.ridge / risk.effective_ridge) ** 2 * risk.test)


def test_ridge_large_samples_is_population_ridge(exponential_20):
    # n -> inf: kappa = lam and the bias is sum_k F_k^2 (lam/(xi_k + lam))^2.
    lam = 0.01
    risk = ridge_risk(exponential_20, TARGET, 1e15, lam)
    xi = exponential_20.eigenvalues
    expected = sum(e * (lam / (xi[k] + lam)) ** 2 for k, e in TARGET.energies.items())
    assert risk.bias[0] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    "n, message", [(0, "n must"), (-5.0, "n must"), (np.nan, "n must"), ("100", "n must")]
)
def test_rejects_bad_sample_size(exponential_20, n, message):
    with pytest.raises((ValueError, TypeError), match=message):
        empirical_risk(exponential_20, TARGET, n, 1.0)


def test_rejects_negative_time(exponential_20):
    with pytest.raises(ValueError, match="t must be >= 0"):
        empirical_risk(exponential_20, TARGET, 100, [1.0, -2.0])


def test_rejects_negative_ridge(exponential_20):
    with pytest.raises(ValueError, match="ridge"):
        ridge_risk(exponential_20, TARGET, 100, -1.0)


def test_tiny_times_equal_start(exponential_20):
    # For t * mu below float64 resolution the curves are their t = 0 values; the
    # Talbot nodes zeta/t would overflow there.
    risk = empirical_risk(exponential_20, TARGET, 300, [1e-300, 1e-30])
    assert np.all(risk.test == 0.5 + 2.8)
    assert np.all(risk.train == 0.5 + 2.8)


def test_huge_ridge_predicts_zero(exponential_20):
    # lam -> inf shrinks the predictor to 0: test = noise + total energy.
    risk = ridge_risk(exponential_20, TARGET, 300, 1e300)
    assert risk.test[0] == pytest.approx(3.3, rel=1e-12)


def test_rejects_infinite_ridge(exponential_20):
    with pytest.raises(ValueError, match="ridge must be finite"):
        ridge_risk(exponential_20, TARGET, 300, [1.0, np.inf])


def test_threshold_without_noise_is_finite():
    # n = rank = 11 for h = 1 + u at d = 10: with no noise and no unlearnable energy
    # the interpolant recovers the target exactly, so test risk 0, not inf.
    s = spectrum(kernels.polynomial([1, 1]), 10)
    assert empirical_risk(s, Target({1: 1.0}), 11, np.inf).test[0] == 0.0
    assert empirical_risk(s, Target({1: 1.0}, noise=0.1), 11, np.inf).test[0] == np.inf


@pytest.mark.parametrize("nodes", [4, 60, 1000, True])
def test_rejects_unsafe_node_counts(exponential_20, nodes):
    with pytest.raises(ValueError, match="nodes must be an integer in"):
        empirical_risk(exponential_20, TARGET, 300, 1.0, nodes=nodes)
