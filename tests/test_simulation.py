"""Tests of the Monte Carlo simulator of kernel gradient flow.

The reference values come from closed forms, from independent Monte Carlo
estimates on fresh test points, or from scipy's matrix exponential. None is a
number printed by the simulator.
"""

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg

from asymptotics import Target, gegenbauer, kernels, multiplicity, spectrum
from asymptotics.simulation import (
    SimulationResult,
    _Schedule,
    _coefficients,
    _draw_curves,
    _generators,
    _sample_draw,
    _sample_harmonic,
    _sample_sphere,
    _spectral_filters,
    simulate,
)

TARGET = Target({0: 0.5, 1: 1.0, 2: 0.5, 3: 0.25}, noise=0.3)


def _kernel_rows(kernel, points, inputs, d):
    """Evaluate ``K(x, x_i)`` for each test point ``x`` (rows) and training input ``x_i``."""
    return kernel.function(np.clip(points @ inputs.T / d, -1.0, 1.0))


def _within(estimate, reference, standard_error, count=4.0):
    return abs(estimate - reference) <= count * standard_error


@pytest.mark.parametrize("harmonics", ["product", "zonal"])
def test_risk_at_time_zero(harmonics):
    kernel = kernels.exponential(1)
    d, n = 6, 30
    times = np.array([0.0, 1.0])
    # f_0 = 0, so the test risk is sigma^2 + ||f_*||^2 = sigma^2 + sum_k F_k^2 in closed form.
    expected = TARGET.noise + sum(TARGET.energies.values())

    result = simulate(kernel, d, n, TARGET, times, seeds=3, harmonics=harmonics, seed=5)
    assert isinstance(result, SimulationResult)
    assert result.test.shape == (2,)
    assert abs(result.test[0] - expected) < 1e-10
    assert result.test_error[0] < 1e-10
    assert abs(result.bias[0] - sum(TARGET.energies.values())) < 1e-10
    assert result.variance[0] == 0.0
    assert abs(result.oracle[0] - expected) < 1e-10

    spec = spectrum(kernel, d, 12)
    for rng in _generators(5, 3):
        draw = _sample_draw(kernel, spec, TARGET, d, n, harmonics, rng)
        curves = _draw_curves(draw, TARGET, times)
        assert abs(curves["test"][0] - expected) < 1e-10
        # The training risk at t = 0 is sigma^2 plus the sample mean of f_*(x_i)^2,
        # computed here from the target's values at the inputs.
        sample_energy = np.mean(draw.target_at(draw.inputs) ** 2)
        assert abs(curves["train"][0] - (TARGET.noise + sample_energy)) < 1e-10


def test_train_at_time_zero_constant_target():
    # A constant target c has f_*(x_i) = c at every input, so the training risk
    # at t = 0 is sigma^2 + c^2 for every draw.
    target = Target({0: 2.0}, noise=0.5)
    result = simulate(kernels.exponential(1), 5, 20, target, [0.0], seeds=4)
    assert abs(result.train[0] - 2.5) < 1e-10
    assert result.train_error[0] < 1e-10


@pytest.mark.parametrize("harmonics", ["product", "zonal"])
def test_harmonics_unit_norm_and_orthogonal(harmonics):
    d, count, max_degree = 6, 200_000, 4
    rng = np.random.default_rng(11)
    family = [_sample_harmonic(harmonics, k, d, rng) for k in range(max_degree + 1)]
    # Lower-degree harmonics of both kinds, drawn in their own random directions.
    others = [
        _sample_harmonic(kind, k, d, rng)
        for kind in ("product", "zonal")
        for k in range(max_degree)
    ]
    other_degrees = list(range(max_degree)) * 2
    # Fresh sample points, independent of the harmonics' directions.
    points = _sample_sphere(np.random.default_rng(12), count, d)

    for k, harmonic in enumerate(family):
        values = harmonic(points)
        # Unit norm under the uniform probability measure: E zeta_k^2 = 1.
        squares = values**2
        assert _within(squares.mean(), 1.0, squares.std(ddof=1) / math.sqrt(count)), k
        for j, other in zip(other_degrees, others):
            if j >= k:
                continue
            # Harmonics of different degrees are orthogonal: E zeta_k zeta_j = 0.
            products = values * other(points)
            assert _within(products.mean(), 0.0, products.std(ddof=1) / math.sqrt(count)), (k, j)


@pytest.mark.parametrize(
    "kernel, harmonics",
    [(kernels.exponential(1), "zonal"), (kernels.relu_ntk(), "product")],
    ids=["exponential-zonal", "relu_ntk-product"],
)
def test_exact_test_risk_matches_test_set(kernel, harmonics):
    d, n, count = 4, 30, 200_000
    target = Target({1: 1.0, 2: 0.5, 3: 0.4}, noise=0.2)
    times = np.array([0.5, 5.0, np.inf])
    spec = spectrum(kernel, d, 12)
    draw = _sample_draw(kernel, spec, target, d, n, harmonics, _generators(3, 1)[0])
    curves = _draw_curves(draw, target, times)
    coefficients = _coefficients(draw, times)

    # Independent estimate from fresh test points: f_t(x) = k(x)^T alpha_t for the
    # noise-free labels, with ||f_*||^2 = sum_k F_k^2 as a control variate.
    points = _sample_sphere(np.random.default_rng(99), count, d)
    rows = _kernel_rows(kernel, points, draw.inputs, d)
    target_values = draw.target_at(points)
    gains, _ = _spectral_filters(draw.eigenvalues, times)
    vectors = draw.eigenvectors
    for j, time in enumerate(times):
        fitted = rows @ coefficients[j]
        samples = fitted**2 - 2.0 * fitted * target_values
        estimate = target.total_energy + samples.mean()
        error = samples.std(ddof=1) / math.sqrt(count)
        assert _within(curves["bias"][j], estimate, error), time

        # The noise adds sigma^2 E_x ||A_t k(x)||^2 with A_t = (1/n) U diag(g_t) U^T.
        operator = (vectors * gains[j] / n) @ vectors.T
        spread = target.noise * np.sum((rows @ operator) ** 2, axis=1)
        assert _within(curves["variance"][j], spread.mean(), spread.std(ddof=1) / math.sqrt(count))
        parts = target.noise + curves["bias"][j] + curves["variance"][j]
        assert abs(curves["test"][j] - parts) < 1e-12


def test_second_moment_diagonal_includes_tail():
    # (K2)_ii = E_x K(x_i, x)^2 = E h(u)^2, where u has density c_d (1 - u^2)^((d-3)/2)
    # with c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2)).
    # The reference is a quadrature in the angle u = cos(theta), where the ReLU NTK is smooth.
    kernel = kernels.relu_ntk()
    d, n = 4, 10
    normaliser = math.gamma(d / 2) / (math.sqrt(math.pi) * math.gamma((d - 1) / 2))
    expected, _ = scipy.integrate.quad(
        lambda theta: kernel.function(math.cos(theta)) ** 2 * math.sin(theta) ** (d - 2),
        0.0,
        math.pi,
        epsabs=1e-14,
        epsrel=1e-13,
    )
    expected *= normaliser
    # max_degree = 3 leaves a tail S_{>3} of about 1e-4, far above the tolerance.
    spec = spectrum(kernel, d, 3)
    assert spec.tail_hilbert_schmidt > 1e-6
    draw = _sample_draw(kernel, spec, Target({1: 1.0}), d, n, "product", _generators(0, 1)[0])
    np.testing.assert_allclose(np.diag(draw.second_moment), expected, rtol=1e-10)


def test_train_risk_matches_matrix_exponential():
    kernel = kernels.exponential(1)
    d, n = 5, 25
    times = np.array([0.3, 3.0])
    spec = spectrum(kernel, d, 12)
    draw = _sample_draw(kernel, spec, TARGET, d, n, "product", _generators(8, 1)[0])
    curves = _draw_curves(draw, TARGET, times)
    coefficients = _coefficients(draw, times)
    kernel_matrix = _kernel_rows(kernel, draw.inputs, draw.inputs, d)

    for j, time in enumerate(times):
        # Residual operator exp(-t K/n) from scipy's Pade approximation, not from eigh.
        residual = scipy.linalg.expm(-time * kernel_matrix / n)
        # With R = exp(-tK/n): E_eps (1/n)||R (f + eps)||^2 = (1/n)||R f||^2 + (sigma^2/n)||R||_F^2.
        expected = (
            np.sum((residual @ draw.target_values) ** 2) / n
            + TARGET.noise * np.sum(residual**2) / n
        )
        assert abs(curves["train"][j] - expected) < 1e-10 * expected
        # The fitted values K alpha_t equal (I - exp(-tK/n)) f.
        fitted = kernel_matrix @ coefficients[j]
        expected_fitted = draw.target_values - residual @ draw.target_values
        np.testing.assert_allclose(fitted, expected_fitted, atol=1e-9)


def test_simulate_averages_draws():
    kernel = kernels.exponential(1)
    d, n, seeds = 5, 20, 3
    times = np.array([0.0, 2.0, np.inf])
    result = simulate(kernel, d, n, TARGET, times, seeds=seeds, harmonics="zonal", seed=4)
    spec = spectrum(kernel, d, 12)
    per_draw = [
        _draw_curves(_sample_draw(kernel, spec, TARGET, d, n, "zonal", rng), TARGET, times)
        for rng in _generators(4, seeds)
    ]
    tests = np.array([curves["test"] for curves in per_draw])
    np.testing.assert_allclose(result.test, tests.mean(axis=0), rtol=1e-12)
    # Standard error of the mean: sample standard deviation over sqrt(seeds).
    expected_error = tests.std(axis=0, ddof=1) / math.sqrt(seeds)
    np.testing.assert_allclose(result.test_error, expected_error, rtol=1e-12)
    assert (result.seeds, result.d, result.n, result.harmonics) == (seeds, d, n, "zonal")
    np.testing.assert_array_equal(result.times, times)


def test_simulate_first_draws_stable():
    # Draw s uses the s-th child of SeedSequence(seed), whatever the number of draws.
    kernel = kernels.exponential(1)
    d, n = 5, 20
    times = np.array([1.0])
    result = simulate(kernel, d, n, TARGET, times, seeds=2, seed=7)
    spec = spectrum(kernel, d, 12)
    tests = []
    for rng in _generators(7, 5)[:2]:
        draw = _sample_draw(kernel, spec, TARGET, d, n, "product", rng)
        tests.append(_draw_curves(draw, TARGET, times)["test"])
    np.testing.assert_allclose(result.test, np.mean(tests, axis=0), rtol=1e-12)


def test_linear_kernel_interpolates_linear_target():
    # h(u) = u has rank d on the inputs and spans every linear function, so the
    # flow fits a degree-1 target without noise exactly as t -> inf.
    kernel = kernels.polynomial([0, 1])
    d, n = 5, 40
    times = np.array([1e6, np.inf])
    result = simulate(kernel, d, n, Target({1: 1.0}), times, seeds=3)
    assert np.all(np.abs(result.train) < 1e-8)
    assert np.all(np.abs(result.test) < 1e-8)


def test_linear_kernel_train_risk_rank_formula():
    # With the target inside the span of K, the residual at t = inf is the noise
    # projected on the (n - r)-dimensional null space of K, r = d. Its noise
    # average is sigma^2 (1 - r/n) for every draw.
    kernel = kernels.polynomial([0, 1])
    d, n, noise = 5, 40, 0.3
    result = simulate(kernel, d, n, Target({1: 1.0}, noise=noise), [np.inf], seeds=3)
    assert abs(result.train[0] - noise * (1 - d / n)) < 1e-10
    assert result.train_error[0] < 1e-10


def test_oracle_linear_kernel_closed_form():
    # For h(u) = u: xi_1 = E[u P_1(u)] = E u^2 = 1/d and xi_2 = 0, so the oracle
    # risk is sigma^2 + F_1^2 exp(-2t/d) + F_2^2.
    d = 5
    target = Target({1: 1.0, 2: 0.5}, noise=0.2)
    times = np.array([0.0, 1.0, 10.0, np.inf])
    result = simulate(kernels.polynomial([0, 1]), d, 10, target, times, seeds=2)
    expected = 0.2 + np.exp(-2 * times / d) + 0.5
    np.testing.assert_allclose(result.oracle, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "overrides, error, fragment",
    [
        ({"d": 1}, ValueError, "d must be an integer >= 2"),
        ({"n": 0}, ValueError, "n must be an integer >= 1"),
        ({"n": 2.5}, TypeError, "n must be an integer >= 1"),
        ({"seeds": 1}, ValueError, "seeds must be an integer >= 2"),
        ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
        ({"harmonics": "bogus"}, ValueError, "harmonics must be one of"),
        ({"harmonics": 3}, TypeError, "harmonics must be one of"),
        ({"target": Target({4: 1.0}), "d": 3}, ValueError, "k <= d = 3"),
        ({"max_degree": 1}, ValueError, "max_degree must be >= the target's highest degree 2"),
        ({"t": [1.0, -1.0]}, ValueError, "t must be >= 0"),
        ({"kernel": np.exp}, TypeError, "kernel must be an asymptotics.Kernel"),
        ({"target": {1: 1.0}}, TypeError, "target must be an asymptotics.Target"),
    ],
)
def test_invalid_arguments_raise(overrides, error, fragment):
    arguments = {
        "kernel": kernels.exponential(1),
        "d": 4,
        "n": 10,
        "target": Target({1: 1.0, 2: 0.5}),
        "t": [0.0, 1.0],
        "seeds": 2,
        "harmonics": "product",
        "seed": 0,
    }
    arguments.update(overrides)
    with pytest.raises(error, match=fragment):
        simulate(**arguments)


# Weight decay, gradient descent and the bias per degree.


def _small_draw(seed=8, d=5, n=25, target=TARGET):
    kernel = kernels.exponential(1)
    spec = spectrum(kernel, d, 12)
    draw = _sample_draw(kernel, spec, target, d, n, "product", _generators(seed, 1)[0])
    return kernel, draw, _kernel_rows(kernel, draw.inputs, draw.inputs, d)


def test_descent_coefficients_match_explicit_steps():
    # alpha <- alpha - eta ((K alpha - y)/n + lam alpha), iterated step by step,
    # against the spectral filter of the simulator.
    kernel, draw, kernel_matrix = _small_draw()
    n = len(draw.eigenvalues)
    eta, ridge = 0.4, 0.05
    schedule = _Schedule(ridge, eta)
    steps = np.array([1, 7, 60])
    coefficients = _coefficients(draw, steps * eta, schedule)
    alpha = np.zeros(n)
    for step in range(1, steps.max() + 1):
        alpha = alpha - eta * ((kernel_matrix @ alpha - draw.target_values) / n + ridge * alpha)
        if step in steps:
            row = list(steps).index(step)
            np.testing.assert_allclose(coefficients[row], alpha, rtol=1e-9, atol=1e-12)


def test_weight_decay_coefficients_match_matrix_exponential():
    # alpha_t = (K/n + lam)^{-1} (I - exp(-t (K/n + lam))) y/n, by scipy's expm.
    kernel, draw, kernel_matrix = _small_draw()
    n = len(draw.eigenvalues)
    ridge = 0.03
    times = np.array([0.5, 20.0, np.inf])
    coefficients = _coefficients(draw, times, _Schedule(ridge, None))
    shifted = kernel_matrix / n + ridge * np.eye(n)
    for j, time in enumerate(times):
        decay = np.zeros((n, n)) if np.isinf(time) else scipy.linalg.expm(-time * shifted)
        expected = np.linalg.solve(shifted, (np.eye(n) - decay) @ draw.target_values / n)
        np.testing.assert_allclose(coefficients[j], expected, rtol=1e-8, atol=1e-10)


def test_weight_decay_train_matches_residual():
    # Training residual y - K alpha_t on the sampled inputs, noise averaged as
    # (1/n)||R f||^2 + (sigma^2/n)||R||_F^2 with R = I - K A_t.
    kernel, draw, kernel_matrix = _small_draw()
    n = len(draw.eigenvalues)
    schedule = _Schedule(0.03, 0.5)
    times = np.array([5.0, 50.0])
    curves = _draw_curves(draw, TARGET, times, schedule)
    gains, _ = _spectral_filters(draw.eigenvalues, times, schedule)
    vectors = draw.eigenvectors
    for j in range(times.size):
        operator = (vectors * gains[j] / n) @ vectors.T
        residual = np.eye(n) - kernel_matrix @ operator
        expected = (
            np.sum((residual @ draw.target_values) ** 2) / n + TARGET.noise * np.sum(residual**2) / n
        )
        assert curves["train"][j] == pytest.approx(expected, rel=1e-9)


def test_divergent_descent_raises():
    # K/n has top eigenvalue above 1 for the exponential kernel, so eta = 2 diverges.
    with pytest.raises(ValueError, match="diverges on this draw"):
        simulate(kernels.exponential(1), 5, 20, TARGET, [2.0, 4.0], seeds=2, step_size=2.0)


def test_descent_rejects_partial_steps():
    with pytest.raises(ValueError, match="whole number of steps"):
        simulate(kernels.exponential(1), 5, 20, TARGET, [0.25], seeds=2, step_size=0.1)


def test_bias_by_degree_sums_to_bias():
    result = simulate(
        kernels.exponential(1), 6, 40, TARGET, [0.0, 1.0, 30.0, np.inf], seeds=3, ridge=0.01
    )
    assert result.bias_by_degree.shape == (4, 14)
    np.testing.assert_allclose(result.bias_by_degree.sum(axis=1), result.bias, rtol=1e-10)
    np.testing.assert_allclose(result.bias_by_degree[0, :4], [0.5, 1.0, 0.5, 0.25], rtol=1e-12)


def test_bias_by_degree_matches_test_points():
    # Independent estimate of ||P_k g||^2 = B E_{x,x'}[g(x) g(x') P_k(<x,x'>/d)] for
    # g = f_t - f_*, a U-statistic over fresh test points; its standard error comes
    # from the spread over blocks of points.
    d, n = 4, 30
    target = Target({1: 1.0, 2: 0.5, 3: 0.4})
    kernel, draw, _ = _small_draw(seed=3, d=d, n=n, target=target)
    times = np.array([2.0, np.inf])
    curves = _draw_curves(draw, target, times)
    coefficients = _coefficients(draw, times)
    blocks, size = 20, 600
    points = _sample_sphere(np.random.default_rng(7), blocks * size, d)
    rows = _kernel_rows(kernel, points, draw.inputs, d)
    for j in range(times.size):
        residual = rows @ coefficients[j] - draw.target_at(points)
        for k in range(4):
            estimates = []
            for block in range(blocks):
                z = points[block * size : (block + 1) * size]
                g = residual[block * size : (block + 1) * size]
                legendre = gegenbauer(k, d, np.clip(z @ z.T / d, -1, 1))
                np.fill_diagonal(legendre, 0.0)
                estimates.append(multiplicity(d, k) * g @ legendre @ g / (size * (size - 1)))
            error = np.std(estimates, ddof=1) / math.sqrt(blocks)
            assert _within(curves["bias_by_degree"][j, k], np.mean(estimates), error), (j, k)
