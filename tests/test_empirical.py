"""Gradient-flow and ridge deterministic equivalents: limits, identities and inversion checks."""

import numpy as np
import pytest

from asymptotics import AsymptoticsWarning, Target, kernels, laplace, spectrum
from asymptotics.empirical import (
    ABSOLUTE_ACCURACY,
    _clip_rounding,
    _Problem,
    empirical_risk,
    ridge_risk,
)
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
    zeta, weight = laplace.hyperbola_nodes(18)

    def j_curve(tau):
        # Each time on its own contour (window end T = t), unlike empirical_risk.
        s = zeta[None, :] / tau[:, None]
        kappa = problem.solve_contour(s, problem.solve_real(s[:, 0].real))
        return laplace.invert(kappa / s**2, zeta, weight, tau, tau)

    one_point = TARGET.noise * (2 * j_curve(TIMES) - j_curve(2 * TIMES) - 1)
    risk = empirical_risk(exponential_20, TARGET, n, TIMES)
    np.testing.assert_allclose(risk.variance, one_point, atol=1e-7)


def test_train_curve_transforms_to_ridge_resolvent(exponential_20):
    # int_0^inf e^{-lam t} train(t/2) dt = G(lam) = sigma^2/kappa + sum F^2/(xi + kappa)
    # with kappa = kappa(lam) from the real-axis fixed point: this checks the complex
    # contour solver and the Laplace inversion against the real solver.
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
    # The inversion at times just below the frozen range must approach the
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
    # contour nodes zeta/T would overflow there.
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


# Weight decay, gradient descent and the bias per degree.

POPULATION = 1e30  # n so large that kappa(s) = s to float64 precision


def test_bias_by_degree_sums_to_bias(exponential_20):
    # Every path (t = 0, inversion, frozen, t = inf; flow, decay, descent) splits
    # the bias exactly over the degrees: an identity of the formulas.
    times = np.concatenate([[0.0], TIMES, [np.inf]])
    for options in ({}, {"ridge": 1e-3}, {"step_size": 0.5}, {"ridge": 1e-3, "step_size": 0.5}):
        steps = times if "step_size" not in options else np.unique(np.round(times[times > 8] / 0.5) * 0.5)
        risk = empirical_risk(exponential_20, TARGET, 300, steps, **options)
        assert risk.bias_by_degree.shape == (steps.size, 12)
        np.testing.assert_allclose(risk.bias_by_degree.sum(axis=1), risk.bias, rtol=1e-9, atol=1e-12)


def test_bias_by_degree_at_start_is_target(exponential_20):
    risk = empirical_risk(exponential_20, TARGET, 300, 0.0)
    expected = np.zeros(12)
    expected[:4] = [0.3, 1.0, 1.0, 0.5]
    np.testing.assert_array_equal(risk.bias_by_degree[0], expected)


def test_population_weight_decay_closed_form(exponential_20):
    # n -> inf: degree k keeps the residual (lam + xi e^{-(xi + lam) t})/(xi + lam)
    # of its energy (closed form of the population flow with weight decay).
    lam = 0.02
    times = np.geomspace(0.1, 1e4, 9)
    risk = empirical_risk(exponential_20, TARGET, POPULATION, times, ridge=lam)
    xi = np.exp(exponential_20.log_eigenvalues[:4])
    residual = (lam + xi * np.exp(-np.outer(times, xi + lam))) / (xi + lam)
    expected = residual**2 * np.array([0.3, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(risk.bias_by_degree[:, :4], expected, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(risk.train, 0.5 + expected.sum(axis=1), rtol=1e-8)
    np.testing.assert_allclose(risk.variance, 0.0, atol=1e-10)


def test_population_descent_closed_form(exponential_20):
    # n -> inf: k steps of descent keep (1 - eta xi)^k of each degree, exactly.
    eta = 0.3
    steps = np.array([9, 30, 100, 1000, 10000])
    risk = empirical_risk(exponential_20, TARGET, POPULATION, steps * eta, step_size=eta)
    xi = np.exp(exponential_20.log_eigenvalues[:4])
    expected = (1 - eta * xi) ** (2 * steps[:, None]) * np.array([0.3, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(risk.bias_by_degree[:, :4], expected, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(risk.train, 0.5 + expected.sum(axis=1), rtol=1e-8)


def test_small_ridge_recovers_flow(exponential_20):
    # The weight-decay path (two-variable training risk) against the flow path
    # (one-variable training risk): lam t <= 1e-7 here, so they agree to ~1e-7.
    times = np.geomspace(0.1, 1e5, 13)
    flow = empirical_risk(exponential_20, TARGET, 300, times)
    decayed = empirical_risk(exponential_20, TARGET, 300, times, ridge=1e-12)
    np.testing.assert_allclose(decayed.test, flow.test, rtol=1e-7)
    np.testing.assert_allclose(decayed.train, flow.train, rtol=1e-6, atol=1e-9)


def test_descent_converges_to_flow_at_first_order(exponential_20):
    # Descent differs from the flow by O(eta): halving eta halves the gap.
    times = np.array([10.0, 100.0, 1000.0])
    flow = empirical_risk(exponential_20, TARGET, 300, times)
    gaps = []
    for eta in (0.04, 0.02, 0.01):
        descent = empirical_risk(exponential_20, TARGET, 300, times, step_size=eta)
        gaps.append(np.abs(descent.test - flow.test).max())
    assert gaps[2] < 1e-3
    assert gaps[0] / gaps[1] == pytest.approx(2, rel=0.05)
    assert gaps[1] / gaps[2] == pytest.approx(2, rel=0.05)


def test_weight_decay_end_is_ridge_regression(exponential_20):
    # t = inf with weight decay lam is kernel ridge regression at lam.
    end = empirical_risk(exponential_20, TARGET, 300, [np.inf], ridge=0.01)
    ridge = ridge_risk(exponential_20, TARGET, 300, 0.01)
    for field in ("test", "train", "bias", "variance", "bias_by_degree"):
        np.testing.assert_allclose(getattr(end, field), getattr(ridge, field), rtol=1e-13)


def test_weight_decay_approaches_ridge_regression(exponential_20):
    # The inversion late in the flow must approach the closed form at t = inf.
    risk = empirical_risk(exponential_20, TARGET, 300, [3000.0, np.inf], ridge=0.01)
    assert risk.test[0] == pytest.approx(risk.test[1], rel=1e-9)
    assert risk.train[0] == pytest.approx(risk.train[1], rel=1e-9)


def test_top_edge_is_marchenko_pastur_edge():
    # h(u) = u has one level (degree 1, B = d, xi = 1/d): K/n = X X^T/(d n) and the
    # upper edge is the Marchenko-Pastur edge (1/d)(1 + sqrt(d/n))^2 in closed form.
    d, n = 100, 400
    problem = _Problem(spectrum(kernels.polynomial([0, 1]), d), Target({1: 1.0}), n)
    assert problem.top_edge() == pytest.approx((1 + np.sqrt(d / n)) ** 2 / d, rel=1e-10)


def test_top_edge_bounds_sampled_spike():
    # Degree 0 is a single direction: the sampled top eigenvalue of K/n is an
    # outlier near xi_0 (mean over 20 draws, exponential kernel, d = 20, n = 400),
    # below the deterministic edge, which lies about 2 xi_0/sqrt(n) above xi_0.
    d, n = 20, 400
    s = spectrum(kernels.exponential(), d, max_degree=10)
    problem = _Problem(s, TARGET, n)
    rng = np.random.default_rng(0)
    tops = []
    for _ in range(20):
        x = rng.standard_normal((n, d))
        x *= np.sqrt(d) / np.linalg.norm(x, axis=1, keepdims=True)
        tops.append(np.linalg.eigvalsh(np.exp(x @ x.T / d) / n)[-1])
    xi0 = float(s.eigenvalues[0])
    assert xi0 < np.mean(tops) < problem.top_edge()
    assert problem.top_edge() == pytest.approx(xi0 * (1 + 2 / np.sqrt(n)), rel=0.02)


def test_descent_rejects_divergent_step(exponential_20):
    top = _Problem(exponential_20, TARGET, 300).top_edge()
    with pytest.raises(ValueError, match="diverges"):
        empirical_risk(exponential_20, TARGET, 300, 100 * 2.0 / top, step_size=2.0 / top)
    with pytest.raises(NotImplementedError, match="computed only for step_size"):
        empirical_risk(exponential_20, TARGET, 300, 100 * 1.5 / top, step_size=1.5 / top)


def test_descent_rejects_partial_steps(exponential_20):
    with pytest.raises(ValueError, match="whole number of steps"):
        empirical_risk(exponential_20, TARGET, 300, [10.0, 10.05], step_size=0.1)
    with pytest.raises(NotImplementedError, match="fewer than"):
        empirical_risk(exponential_20, TARGET, 300, 0.3, step_size=0.1)


@pytest.mark.parametrize("step_size", [0.0, -0.1, np.inf, np.nan])
def test_descent_rejects_bad_step_size(exponential_20, step_size):
    with pytest.raises(ValueError, match="step_size"):
        empirical_risk(exponential_20, TARGET, 300, 1.0, step_size=step_size)


def test_few_nodes_warn_about_accuracy(exponential_20):
    # 8 nodes truncate at about 1e-6 of the initial risk; the check against 12 nodes must warn.
    with pytest.warns(AsymptoticsWarning, match="Laplace inversion with 8 and 12 nodes"):
        empirical_risk(exponential_20, TARGET, 300, TIMES, nodes=8)


def test_negative_rounding_is_reported_as_zero():
    # A curve is a mean of squares: below 0 within the accuracy it is 0 silently,
    # beyond it 0 with a warning.
    scale = 2.0
    quiet = _clip_rounding([np.array([-0.5 * ABSOLUTE_ACCURACY * scale, 1.0])], scale)
    np.testing.assert_array_equal(quiet[0], [0.0, 1.0])
    with pytest.warns(AsymptoticsWarning, match="reported as 0"):
        loud = _clip_rounding([np.array([-3 * ABSOLUTE_ACCURACY * scale, 1.0])], scale)
    np.testing.assert_array_equal(loud[0], [0.0, 1.0])


def test_ridge_risk_broadcasts_samples_and_ridges(exponential_20):
    sizes = np.array([[50.0], [300.0], [2000.0]])
    ridges = np.array([0.0, 1e-4, 1e-2])
    grid = ridge_risk(exponential_20, TARGET, sizes, ridges)
    assert grid.test.shape == (3, 3)
    assert grid.bias_by_degree.shape == (3, 3, 12)
    for i, n in enumerate(sizes[:, 0]):
        single = ridge_risk(exponential_20, TARGET, n, ridges)
        np.testing.assert_array_equal(grid.test[i], single.test)
        np.testing.assert_array_equal(grid.n[i], n)


def test_ridge_curve_peaks_at_interpolation_threshold():
    # The cubic kernel 0.2 + u + u^2/2 + u^3/4 at d = 20 has rank
    # 1 + 20 + B(20, 2) + B(20, 3) = 1770. With a tiny ridge and label noise the
    # test risk over n peaks at the rank, where K/n has eigenvalues near 0.
    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5, 0.25]), 20)
    sizes = np.arange(1000.0, 3000.0, 10.0)
    risk = ridge_risk(s, Target({1: 1.0, 2: 1.0}, noise=0.5), sizes, 1e-6)
    peak = sizes[np.argmax(risk.test)]
    assert 1700 <= peak <= 1850
    assert risk.test.max() > 2 * risk.test[0]


def test_inversion_accurate_across_many_time_scales():
    # Rates xi_k from 1e-1 down to about 1e-15 (exponential kernel, d = 100,
    # degrees 1-6) and times 1 to 1e17: at n = 1e30 the equivalent is the exact
    # oracle curve, so the float64 inversion error is measured directly.
    s = spectrum(kernels.exponential(), 100, max_degree=10)
    target = Target({k: 1.0 for k in range(1, 7)})
    times = np.geomspace(1.0, 1e17, 18)
    risk = empirical_risk(s, target, POPULATION, times)
    oracle = oracle_risk(s, target, times)
    floor = ABSOLUTE_ACCURACY * target.total_energy
    assert np.abs(risk.test - oracle).max() <= floor
    assert np.abs(risk.train - oracle).max() <= floor


def _talbot(nodes):
    """Fixed Talbot rule (Abate and Valko 2004): nodes zeta_j and weights for s = zeta / t."""
    theta = np.arange(nodes) * np.pi / nodes
    zeta = np.full(nodes, 2 * nodes / 5, dtype=complex)
    sigma = np.zeros(nodes)
    cot = 1 / np.tan(theta[1:])
    zeta[1:] = (2 * nodes / 5) * theta[1:] * (cot + 1j)
    sigma[1:] = theta[1:] + (theta[1:] * cot - 1) * cot
    return zeta, (1 + 1j * sigma) * np.exp(zeta) / 5


@pytest.mark.parametrize("n", [50, 400, 5000])
def test_windowed_inversion_matches_talbot_per_time(exponential_20, n):
    # An independent contour: the fixed Talbot rule placed separately at each time,
    # applied to the same two-variable transforms of the bias and the variance and to
    # the one-variable transform of the training risk at 2t.
    problem = _Problem(exponential_20, TARGET, n)
    zeta, weight = _talbot(18)
    full_zeta = np.concatenate([zeta, np.conj(zeta[1:])])
    full_weight = np.concatenate([weight, np.conj(weight[1:])])
    doubled = np.where(np.arange(zeta.size) > 0, 2.0, 1.0) * weight
    times = np.geomspace(0.3, 3e4, 7)
    risk = empirical_risk(exponential_20, TARGET, n, times)
    for i, t in enumerate(times):
        s = zeta[None, :] / t
        kappa = problem.solve_contour(s, problem.solve_real(s[:, 0].real))[0]
        kappa_full = np.concatenate([kappa, np.conj(kappa[1:])])
        s_full = full_zeta / t
        rows = 1 / (problem.eigenvalues + kappa[:, None])
        columns = 1 / (problem.eigenvalues + kappa_full[:, None])
        share = problem.masses * problem.eigenvalues / n
        energy = (rows * problem.energies) @ columns.T
        overlap = (rows * share) @ columns.T
        common = 1 / (np.outer(zeta / t, s_full) * (1 - overlap))
        kappas = np.outer(kappa, kappa_full)

        def pair(transform):
            return (doubled @ (transform @ full_weight)).real / t**2

        bias = pair(kappas * energy * common)
        variance = TARGET.noise * pair(overlap * common)
        s_train = zeta / (2 * t)
        kappa_train = problem.solve_contour(
            s_train[None, :], problem.solve_real(s_train[:1].real)
        )[0]
        g = TARGET.noise / kappa_train + (
            problem.energies / (problem.eigenvalues + kappa_train[:, None])
        ).sum(axis=-1)
        train = (doubled @ g).real / (2 * t)
        scale = TARGET.noise + TARGET.total_energy
        assert abs(risk.bias[i] - bias) <= 1e-10 * scale
        assert abs(risk.variance[i] - variance) <= 1e-10 * scale
        assert abs(risk.train[i] - train) <= 1e-10 * scale


def test_rank_below_n_reaches_end_point():
    # h(u) = 0.2 + u + u^2/2 at d = 10 has rank 1 + 10 + 54 = 65 < n: beyond the
    # smallest non-zero rate of K/n the curves sit at the closed-form t = inf values,
    # also at times where s_1 s_2 on the contour would underflow.
    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5]), 10)
    target = Target({1: 1.0, 2: 1.0}, noise=0.1)
    late = empirical_risk(s, target, 1e4, [1e6, 1e100, 1e300, 1.7e308])
    end = empirical_risk(s, target, 1e4, np.inf)
    for field in ("test", "train", "bias", "variance"):
        np.testing.assert_allclose(getattr(late, field), getattr(end, field)[0], rtol=1e-12)


def test_edge_below_rank_matches_sampled_eigenvalues():
    # Simulation: the smallest non-zero eigenvalue of K/n over 4 draws of n = 400
    # points on the sphere in d = 10, for the kernel of rank 65 above.
    d, n = 10, 400
    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5]), d)
    edge = _Problem(s, Target({1: 1.0}), n).smallest_rate()
    rng = np.random.default_rng(3)
    sampled = []
    for _ in range(4):
        x = rng.standard_normal((n, d))
        x *= np.sqrt(d) / np.linalg.norm(x, axis=1, keepdims=True)
        gram = x @ x.T / d
        eigenvalues = np.linalg.eigvalsh((0.2 + gram + 0.5 * gram**2) / n)
        sampled.append(eigenvalues[eigenvalues > 1e-10 * eigenvalues.max()].min())
    assert abs(np.mean(sampled) / edge - 1) < 0.15


def test_zero_kernel_never_moves():
    # h = 0 has rank 0: the predictor stays at 0, so every risk keeps its t = 0 value.
    s = spectrum(kernels.polynomial([0.0]), 5)
    target = Target({1: 1.0}, noise=0.2)
    risk = empirical_risk(s, target, 10, [0.0, 1.0, 1e10, np.inf])
    np.testing.assert_array_equal(risk.test, 1.2)
    np.testing.assert_array_equal(risk.train, 1.2)


def test_tiny_eigenvalue_far_below_ridge_scale():
    # h(u) = 1e-300 + u at d = 10, n = 1e6: the fixed point at s = 1e-50 lies
    # 44 decades below its starting point. Degree 0 (rate 1e-300) is not learned
    # by t = 1e50, and degree 1 (B = 10 directions) is fitted up to its share
    # B/n of the unfitted energy, as in a least-squares fit: 1e-5.
    s = spectrum(kernels.polynomial([1e-300, 1.0]), 10)
    target = Target({0: 1.0, 1: 1.0}, noise=0.1)
    risk = empirical_risk(s, target, 1e6, [1.0, 1e50])
    assert risk.bias_by_degree[1, 0] == pytest.approx(1.0, rel=1e-9)
    assert risk.bias_by_degree[1, 1] == pytest.approx(1e-5, rel=1e-4)


def test_interpolant_one_rounding_step_below_rank():
    # n = r - e with e = 1.4e-14 below the rank r = 65: to leading order in e the
    # variance is sigma^2 n / e (1 - df_2/n = e/n at kappa_0), and the interpolant
    # still fits every training label.
    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5]), 10)
    n = 64.99999999999999
    risk = ridge_risk(s, Target({1: 1.0, 2: 0.5}, noise=0.1), n, 0.0)
    assert risk.train[0] == 0.0
    assert risk.variance[0] == pytest.approx(0.1 * n / (65 - n), rel=1e-6)


def test_ridge_at_rank_matches_high_precision():
    # Reference: the same fixed point and risk formulas in 80-digit mpmath, in the
    # direct form 1 - df_1/n, where float64 cancels to rounding at n = rank = 65.
    import mpmath

    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5]), 10)
    target = Target({1: 1.0, 2: 0.5}, noise=0.1)
    ridges = [1e-20, 1e-40]
    risk = ridge_risk(s, target, 65, ridges)
    with mpmath.workdps(80):
        xi = [mpmath.mpf(float(x)) for x in s.eigenvalues]
        counts = s.multiplicities
        n = mpmath.mpf(65)
        for ridge, test in zip(ridges, risk.test):
            lam = mpmath.mpf(ridge)

            def excess(kappa):
                return kappa * (1 - sum(b * x / (x + kappa) for b, x in zip(counts, xi)) / n) - lam

            lower, upper = lam, mpmath.mpf(1)  # excess < 0 below the root, > 0 above
            for _ in range(300):
                middle = mpmath.sqrt(lower * upper)
                lower, upper = (lower, middle) if excess(middle) > 0 else (middle, upper)
            kappa = upper
            df2 = sum(b * x**2 / (x + kappa) ** 2 for b, x in zip(counts, xi))
            inflation = 1 / (1 - df2 / n)
            energies = {1: mpmath.mpf(1), 2: mpmath.mpf("0.5")}
            bias = inflation * sum(e * (kappa / (xi[k] + kappa)) ** 2 for k, e in energies.items())
            reference = mpmath.mpf("0.1") * (1 + inflation * df2 / n) + bias
            assert test == pytest.approx(float(reference), rel=1e-9)


def test_underflowing_tail_gives_finite_late_curves():
    # At d = 2 and max_degree 100 the tail's Hilbert-Schmidt norm underflows, so
    # its multiplicity is unbounded: the curves must still reach finite end values.
    with pytest.warns(AsymptoticsWarning, match="below the float64 range"):
        s = spectrum(kernels.exponential(), 2, max_degree=100)
    risk = empirical_risk(s, Target({1: 1.0, 2: 0.5}, noise=0.1), 1000, [1e150, 1e200, np.inf])
    assert np.isfinite(risk.test).all()
    assert risk.test[1] == pytest.approx(risk.test[2], rel=1e-9)


@pytest.mark.parametrize(
    ("n", "ridge", "name"),
    [(True, 0.1, "n"), (100, "0.1", "ridge"), (100, None, "ridge"), (100, 0.1 + 1j, "ridge")],
)
def test_ridge_risk_rejects_non_real(exponential_20, n, ridge, name):
    with pytest.raises(TypeError, match=f"{name} must be a real number"):
        ridge_risk(exponential_20, TARGET, n, ridge)


def test_zero_kernel_descent_never_moves():
    s = spectrum(kernels.polynomial([0.0]), 10)
    risk = empirical_risk(s, Target({1: 1.0}, noise=0.2), 10, [10.0], step_size=1.0)
    np.testing.assert_array_equal(risk.test, 1.2)


def test_time_beyond_inversion_range_rejected():
    # Rank 65 = n: no late shortcut, and the training risk would need 2t > 2e307.
    s = spectrum(kernels.polynomial([0.2, 1.0, 0.5]), 10)
    with pytest.raises(ValueError, match="use t = inf"):
        empirical_risk(s, Target({1: 1.0}, noise=0.1), 65, [1e308])


def test_subnormal_eigenvalues_skip_late_shortcut():
    # exponential() at d = 2 to degree 200 has eigenvalues below the float64 range
    # whose masses survive as subnormals; at n = 1e15 the curve is the oracle's.
    with pytest.warns(AsymptoticsWarning):
        s = spectrum(kernels.exponential(), 2, max_degree=200)
    target = Target({1: 1.0}, noise=0.2)
    risk = empirical_risk(s, target, 1e15, [1.0, 10.0])
    np.testing.assert_allclose(risk.test, oracle_risk(s, target, [1.0, 10.0]), rtol=1e-9)
