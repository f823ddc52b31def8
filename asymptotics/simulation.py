"""Monte Carlo simulation of kernel gradient flow on sampled data.

The simulator runs exact finite-``n`` kernel gradient flow on inputs sampled
uniformly from the sphere and returns risk curves averaged over independent
draws, with their standard errors. It exists to validate the analytic curves of
the package against real training runs.

The conventions are those of the package:

- inputs are uniform on the sphere of radius ``sqrt(d)`` in ``R^d``;
- the kernel is ``K(x, x') = h(<x, x'>/d)``;
- gradient flow runs on half the squared loss averaged over ``n`` plus
  ``(ridge/2) ||f||_H^2``,
  ``d/dt f = -(1/n) sum_i K(., x_i) (f(x_i) - y_i) - ridge f``, from ``f_0 = 0``;
  gradient descent takes steps of ``step_size`` on the same objective;
- the test risk ``E(y - f(x))^2`` includes the noise ``sigma^2``;
- the training risk is ``(1/n) sum_i (y_i - f(x_i))^2``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_degree,
    check_dimension,
    check_integer,
    check_nonnegative,
    check_times,
)
from .empirical import whole_steps
from .harmonics import gegenbauer, multiplicity
from .kernels import Kernel
from .oracle import oracle_risk
from .spectrum import DEFAULT_MAX_DEGREE, spectrum
from .targets import Target

__all__ = ["SimulationResult", "simulate"]

HARMONIC_KINDS = ("product", "zonal")
# Extra degrees resolved in the second-moment matrix above the target's highest degree.
EXTRA_DEGREES = 2


@dataclass(frozen=True)
class SimulationResult:
    """Risk curves of kernel gradient flow averaged over independent draws.

    Every curve is an array over ``times``. The means and standard errors are
    taken over the draws of inputs and target directions. The label noise is
    averaged exactly for each draw.

    Attributes
    ----------
    times : numpy.ndarray
        The times ``t``, possibly including ``0`` and ``inf``.
    test : numpy.ndarray
        Mean test risk ``E(y - f_t(x))^2``, including the noise ``sigma^2``.
    train : numpy.ndarray
        Mean training risk ``(1/n) sum_i (y_i - f_t(x_i))^2``.
    bias : numpy.ndarray
        Mean of ``||E_eps f_t - f_*||^2``, the excess risk of the flow trained
        on noise-free labels.
    variance : numpy.ndarray
        Mean of ``E_eps ||f_t - E_eps f_t||^2``, the excess risk caused by the
        label noise; ``test = noise + bias + variance`` for each draw.
    test_error, train_error, bias_error, variance_error : numpy.ndarray
        Standard errors of the means above: the sample standard deviation over
        draws (``ddof=1``) divided by ``sqrt(seeds)``.
    bias_by_degree, bias_by_degree_error : numpy.ndarray, shape (len(times), max_degree + 2)
        Mean and standard error of ``||P_k (E_eps f_t - f_*)||^2`` for degree
        ``k = 0..max_degree``. The last column contains the degrees above
        ``max_degree`` (see the note on ``K2``). Each row of a draw sums to its bias.
    oracle : numpy.ndarray
        Exact oracle risk ``sigma^2 + sum_k F_k^2 exp(-2 xi_k t)`` from the
        spectrum, with ``exp(-2 xi_k t) = 1`` for every ``t`` when ``xi_k = 0``.
    seeds : int
        Number of independent draws.
    d : int
        Dimension.
    n : int
        Number of training samples per draw.
    harmonics : str
        ``"product"`` or ``"zonal"``: the kind of harmonic the target was built from.
    """

    times: np.ndarray
    test: np.ndarray
    train: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    bias_error: np.ndarray
    variance_error: np.ndarray
    bias_by_degree: np.ndarray
    bias_by_degree_error: np.ndarray
    oracle: np.ndarray
    seeds: int
    d: int
    n: int
    harmonics: str
    ridge: float = 0.0
    step_size: float | None = None


def simulate(
    kernel,
    d,
    n,
    target,
    t,
    seeds=20,
    max_degree=None,
    harmonics="product",
    seed=0,
    *,
    ridge=0.0,
    step_size=None,
):
    """Run exact kernel gradient flow or descent on sampled data and average its risk curves.

    Each draw samples ``n`` inputs ``x_i = sqrt(d) g_i/||g_i||`` with
    ``g_i ~ N(0, I_d)`` and a target ``f_* = sum_k c_k zeta_k`` with
    ``c_k = sqrt(F_k^2)`` and ``zeta_k`` a unit-norm degree-``k`` harmonic in a
    random direction. The flow is solved exactly through one eigendecomposition
    ``K/n = U diag(mu) U^T``: ``f_t(x) = k(x)^T alpha_t`` with
    ``alpha_t = (1/n) U diag(g_t(mu)) U^T y`` and
    ``g_t(mu) = (1 - exp(-t (mu + ridge)))/(mu + ridge)``, or
    ``(1 - (1 - step_size (mu + ridge))^(t/step_size))/(mu + ridge)`` for
    gradient descent. Without weight decay the fitted values are
    ``(I - exp(-t K/n)) y``.

    Parameters
    ----------
    kernel : Kernel
        The dot-product kernel ``h``. Its ``function`` is evaluated on the
        Gram matrix of normalised inner products ``<x_i, x_j>/d``.
    d : int
        Dimension, ``d >= 2``.
    n : int
        Training-set size, an integer ``>= 1``.
    target : Target
        Degree energies ``F_k^2`` and label-noise variance ``sigma^2``.
    t : float or array_like
        Times, each in ``[0, inf]``.
    seeds : int
        Number of independent draws, an integer ``>= 2`` (two draws are the
        fewest that give a standard error).
    max_degree : int, optional
        Highest degree resolved by the spectrum and by the second-moment matrix
        ``K2`` below. It must be at least ``target.max_degree``. Defaults to the
        larger of the default of :func:`asymptotics.spectrum` (the degree of a
        polynomial kernel, otherwise 12) and ``target.max_degree + 2``.
    harmonics : {"product", "zonal"}
        The unit-norm harmonic ``zeta_k`` of each target degree ``k``.
        ``"product"``: ``x_{a_1} ... x_{a_k} sqrt(prod_{j=1}^{k-1} (d + 2j) / d^(k-1))``
        on ``k`` distinct coordinates chosen at random, which needs ``k <= d``.
        ``"zonal"``: ``sqrt(B(d, k)) P_k(<x, e_k>/d)`` with ``e_k`` uniform on
        the sphere of radius ``sqrt(d)``. Degree 0 is the constant 1 in both.
        Product harmonics are light-tailed. Zonal harmonics of high degree are
        heavy-tailed and need more draws.
    seed : int
        Root seed, an integer ``>= 0``. Draw ``s`` uses a generator seeded by
        the ``s``-th child of ``numpy.random.SeedSequence(seed)``, so the first
        draws do not change when ``seeds`` grows.
    ridge : float
        Weight decay ``lambda >= 0`` (keyword only); at ``t = inf`` the
        predictor is kernel ridge regression ``k(x)^T (K + n lambda I)^{-1} y``.
    step_size : float, optional
        Step ``eta > 0`` of gradient descent (keyword only); ``None`` runs
        gradient flow. Every finite time must be a whole number of steps, and
        ``eta (mu_max + ridge) < 2`` for the largest eigenvalue ``mu_max`` of
        ``K/n`` in every draw, since otherwise descent diverges.

    Returns
    -------
    SimulationResult
        Mean test, training, bias and variance curves over the draws, their
        standard errors and the exact oracle curve.

    Raises
    ------
    TypeError
        If ``kernel`` is not a :class:`Kernel`, ``target`` not a :class:`Target`,
        or a number or string argument has the wrong type.
    ValueError
        If an argument is out of range, if ``max_degree`` is below the target's
        highest degree, if a product harmonic needs more than ``d`` coordinates,
        if the kernel returns non-finite values, or if gradient descent
        diverges on a draw.

    Notes
    -----
    The test risk is computed exactly without a test set. By Funk-Hecke,
    ``||f_t - f_*||^2 = alpha_t^T K2 alpha_t - 2 alpha_t^T chi + ||f_*||^2``, where
    ``(K2)_ij = E_x[K(x_i, x) K(x, x_j)] = sum_k B(d, k) xi_k^2 P_k(<x_i, x_j>/d)``
    and ``chi_i = (H f_*)(x_i) = sum_k c_k xi_k zeta_k(x_i)``.

    The label noise is averaged exactly for each draw of inputs, so no noise
    vector is ever sampled. With ``f = (f_*(x_i))_i`` and
    ``A_t = (1/n) U diag(g_t(mu)) U^T``::

        bias     = ||f_*||^2 + (A_t f)^T K2 (A_t f) - 2 (A_t f)^T chi
        variance = (sigma^2/n^2) sum_i g_t(mu_i)^2 (U^T K2 U)_ii
        test     = sigma^2 + bias + variance
        train    = (1/n) ||exp(-t K/n) f||^2 + (sigma^2/n) sum_i exp(-2 t mu_i)

    With weight decay or descent, ``exp(-t mu)`` in the training risk becomes
    the residual factor ``1 - mu g_t(mu)`` of the same schedule.

    This removes the label-noise part of the scatter between draws. The
    formulas use only ``E eps = 0`` and ``E eps^2 = sigma^2``, so they hold
    for Gaussian noise and for any other noise with these two moments.

    NOTE: ``K2`` keeps the degrees ``k <= max_degree`` and adds the tail
    Hilbert-Schmidt norm ``S = sum_{k > max_degree} B(d, k) xi_k^2`` on its
    diagonal, where ``P_k(1) = 1``. The off-diagonal tail terms are neglected.
    Each is at most ``S * max_{k > max_degree} |P_k(u_ij)|``. The resulting
    error grows with ``t``, because ``g_t(mu) -> 1/mu`` amplifies ``K2`` on the
    directions of small ``mu``. For a non-smooth kernel at ``t = inf``, raise
    ``max_degree`` until the curves stop changing.

    Eigenvalues ``mu_i`` at most ``n * eps * max(mu)`` are treated as
    round-off of exact zeros and set to 0, as are round-off negatives. Here
    ``eps`` is the float64 machine epsilon, and the threshold is the default
    tolerance of ``numpy.linalg.matrix_rank``. On these null directions the
    flow leaves the residual unchanged (``exp(-t mu) = 1``) and uses
    ``g = 0`` at every ``t``. In exact arithmetic a null direction of ``K``
    adds the zero function to ``f_t``, so its value of ``g`` does not matter.
    Setting it to 0 keeps round-off from being amplified by ``g = t`` at large
    ``t``. At ``t = inf`` the remaining directions use ``g = 1/mu`` and
    ``exp(-t mu) = 0``. So ``f_inf`` is the minimum-norm interpolant, built
    with the pseudo-inverse of ``K``, and the residual stays on the null space.

    Examples
    --------
    >>> import numpy as np
    >>> from asymptotics import Target, kernels
    >>> result = simulate(kernels.exponential(1), d=10, n=50,
    ...                   target=Target({1: 1.0, 2: 0.5}, noise=0.1),
    ...                   t=[0.0, 1.0, 10.0, np.inf], seeds=2)
    >>> result.test.shape, result.test_error.shape
    ((4,), (4,))
    >>> round(float(result.test[0]), 12)  # at t = 0: sigma^2 + sum_k F_k^2
    1.6
    """
    settings = _check_arguments(kernel, d, n, target, t, seeds, max_degree, harmonics, seed)
    d, n, times, seeds, max_degree, harmonics, seed = settings
    ridge = check_nonnegative(ridge, "ridge")
    if math.isinf(ridge):
        raise ValueError("ridge must be finite; ridge = inf keeps the predictor at 0")
    if step_size is not None:
        step_size = check_nonnegative(step_size, "step_size")
        if step_size == 0 or math.isinf(step_size):
            raise ValueError(f"step_size must be a finite number > 0, got {step_size}")
        times = whole_steps(times, step_size)
    schedule = _Schedule(ridge, step_size)
    spec = spectrum(kernel, d, max_degree)

    curves = {name: [] for name in ("test", "train", "bias", "variance", "bias_by_degree")}
    for rng in _generators(seed, seeds):
        draw = _sample_draw(kernel, spec, target, d, n, harmonics, rng)
        for name, values in _draw_curves(draw, target, times, schedule).items():
            curves[name].append(values)

    means, errors = {}, {}
    for name, per_draw in curves.items():
        stacked = np.array(per_draw)
        means[name] = stacked.mean(axis=0)
        errors[name + "_error"] = stacked.std(axis=0, ddof=1) / math.sqrt(seeds)
    return SimulationResult(
        times=times,
        **means,
        **errors,
        oracle=oracle_risk(spec, target, times),
        seeds=seeds,
        d=d,
        n=n,
        harmonics=harmonics,
        ridge=ridge,
        step_size=step_size,
    )


@dataclass(frozen=True)
class _Schedule:
    """Weight decay and, for gradient descent, the step size."""

    ridge: float
    step_size: float | None


GRADIENT_FLOW = _Schedule(0.0, None)


def _check_arguments(kernel, d, n, target, t, seeds, max_degree, harmonics, seed):
    """Validate the arguments of :func:`simulate` and return them normalised."""
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be an asymptotics.Kernel, got {type(kernel).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"target must be an asymptotics.Target, got {type(target).__name__}")
    d = check_dimension(d)
    n = check_integer(n, "n", 1)
    times = check_times(t)
    seeds = check_integer(seeds, "seeds", 2)
    seed = check_integer(seed, "seed", 0)
    if not isinstance(harmonics, str):
        raise TypeError(f"harmonics must be one of {HARMONIC_KINDS}, got {harmonics!r}")
    if harmonics not in HARMONIC_KINDS:
        raise ValueError(f"harmonics must be one of {HARMONIC_KINDS}, got {harmonics!r}")
    if harmonics == "product" and target.max_degree > d:
        raise ValueError(
            f"product harmonics of degree k need k distinct coordinates, so k <= d = {d}, "
            f"but the target has degree {target.max_degree}. Use harmonics='zonal' or a larger d"
        )

    if max_degree is None:
        default = kernel.polynomial_degree
        if default is None:
            default = DEFAULT_MAX_DEGREE
        max_degree = max(default, target.max_degree + EXTRA_DEGREES)
    max_degree = check_degree(max_degree, name="max_degree")
    if max_degree < target.max_degree:
        raise ValueError(
            f"max_degree must be >= the target's highest degree {target.max_degree}, "
            f"got {max_degree}"
        )
    _check_memory(d, n)
    return d, n, times, seeds, max_degree, harmonics, seed


def _check_memory(d, n):
    """Raise ``ValueError`` when one draw needs more memory than the machine has.

    The estimate counts about ten float64 ``n x n`` arrays alive at once (Gram,
    kernel and second-moment matrices, eigenvectors, temporaries) and three
    ``n x d`` arrays of inputs.
    """
    estimate = 8 * (10 * n * n + 3 * n * d)
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf, e.g. on Windows
        return
    if estimate > available:
        raise ValueError(
            f"simulate with n = {n} and d = {d} needs about {estimate / 2**30:.3g} GiB of "
            f"memory, more than the {available / 2**30:.3g} GiB of this machine; use a smaller "
            f"n or d (the deterministic equivalents in empirical_risk need no sampling)"
        )


def _generators(seed, count):
    """Return ``count`` independent generators spawned from ``SeedSequence(seed)``."""
    children = np.random.SeedSequence(seed).spawn(count)
    return [np.random.default_rng(child) for child in children]


def _sample_sphere(rng, count, d):
    """Sample ``count`` points uniformly on the sphere of radius ``sqrt(d)`` in ``R^d``."""
    gaussian = rng.standard_normal((count, d))
    return math.sqrt(d) * gaussian / np.linalg.norm(gaussian, axis=1, keepdims=True)


def _log_product_scale(k, d):
    """Return the log of ``prod_{j=1}^{k-1} (d + 2j) / d^(k-1)``.

    This is the squared normalising factor of a degree-``k`` product harmonic.
    """
    return math.fsum(math.log1p(2 * j / d) for j in range(1, k))


def _sample_harmonic(kind, k, d, rng):
    """Draw a unit-norm degree-``k`` harmonic in a random direction.

    Returns a function of an ``(m, d)`` array of points on the sphere that
    returns the harmonic's ``m`` values.
    """
    if k == 0:
        return lambda x: np.ones(len(x))
    if kind == "product":
        coordinates = np.sort(rng.choice(d, size=k, replace=False))
        scale = math.exp(0.5 * _log_product_scale(k, d))
        return lambda x: scale * np.prod(x[:, coordinates], axis=1)
    direction = _sample_sphere(rng, 1, d)[0]
    scale = math.sqrt(multiplicity(d, k))

    def zonal(x):
        inner = np.clip(x @ direction / d, -1.0, 1.0)
        return scale * gegenbauer(k, d, inner)

    return zonal


@dataclass(frozen=True)
class _Draw:
    """One sampled training set with its target and the eigendecomposition of ``K/n``."""

    inputs: np.ndarray
    components: tuple  # (degree, coefficient c_k, harmonic zeta_k) per target degree
    target_values: np.ndarray  # f_*(x_i)
    operator_values: np.ndarray  # chi_i = (H f_*)(x_i)
    eigenvalues: np.ndarray  # mu, with round-off zeros set to 0
    eigenvectors: np.ndarray  # U
    second_moment: np.ndarray  # K2
    gram: np.ndarray  # <x_i, x_j>/d
    degree_weights: np.ndarray  # B(d, k) xi_k^2 for k = 0..max_degree
    tail_hilbert_schmidt: float  # S, on the diagonal of K2
    operator_by_degree: dict  # k -> c_k xi_k zeta_k(x_i)

    def target_at(self, x):
        """Evaluate ``f_*`` at the rows of ``x``."""
        values = np.zeros(len(x))
        for _, coefficient, harmonic in self.components:
            values += coefficient * harmonic(x)
        return values


def _sample_draw(kernel, spec, target, d, n, harmonics, rng):
    """Sample inputs and target directions, and prepare the exact flow of one draw."""
    inputs = _sample_sphere(rng, n, d)
    components = []
    target_values = np.zeros(n)
    operator_values = np.zeros(n)
    operator_by_degree = {}
    for k, energy in target.energies.items():
        harmonic = _sample_harmonic(harmonics, k, d, rng)
        coefficient = math.sqrt(energy)
        values = harmonic(inputs)
        components.append((k, coefficient, harmonic))
        target_values += coefficient * values
        operator_by_degree[k] = coefficient * float(spec.eigenvalues[k]) * values
        operator_values += operator_by_degree[k]

    gram = inputs @ inputs.T / d
    gram = np.clip(0.5 * (gram + gram.T), -1.0, 1.0)
    # ||x_i||^2 = d by construction, so the diagonal is 1 up to rounding.
    np.fill_diagonal(gram, 1.0)
    kernel_matrix = np.asarray(kernel.function(gram), dtype=float)
    if kernel_matrix.shape != gram.shape:
        raise ValueError(
            f"kernel {kernel.name!r} must return one value per entry of its array argument: "
            f"got shape {kernel_matrix.shape} for input shape {gram.shape}"
        )
    if not np.all(np.isfinite(kernel_matrix)):
        raise ValueError(
            f"kernel {kernel.name!r} returned non-finite values on inner products in [-1, 1]"
        )
    eigenvalues, eigenvectors = np.linalg.eigh(kernel_matrix / n)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    threshold = n * np.finfo(float).eps * eigenvalues.max()
    eigenvalues[eigenvalues <= threshold] = 0.0
    return _Draw(
        inputs=inputs,
        components=tuple(components),
        target_values=target_values,
        operator_values=operator_values,
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors,
        second_moment=_second_moment_matrix(spec, d, gram),
        gram=gram,
        degree_weights=_degree_weights(spec),
        tail_hilbert_schmidt=float(spec.tail_hilbert_schmidt),
        operator_by_degree=operator_by_degree,
    )


def _degree_weights(spec):
    """``B(d, k) xi_k^2`` per degree, formed as mass times eigenvalue (``B`` can overflow)."""
    return np.asarray(spec.degree_masses, dtype=float) * np.asarray(spec.eigenvalues, dtype=float)


def _gegenbauer_matrices(d, gram, count):
    """Yield ``P_k(gram)`` elementwise for ``k = 0..count-1`` by the three-term recurrence."""
    previous = np.ones_like(gram)
    yield previous
    if count > 1:
        current = gram.copy()
        yield current
        for k in range(1, count - 1):
            following = ((2 * k + d - 2) * gram * current - k * previous) / (k + d - 2)
            previous, current = current, following
            yield current


def _second_moment_matrix(spec, d, gram):
    """Build ``(K2)_ij = sum_k B(d, k) xi_k^2 P_k(u_ij)`` plus the tail on the diagonal.

    The Gegenbauer recurrence runs elementwise on the Gram matrix and keeps only
    two polynomials in memory. ``B(d, k) xi_k^2`` is formed as the degree mass
    times the eigenvalue, because ``B(d, k)`` alone can overflow float64.
    """
    weights = _degree_weights(spec)
    result = np.zeros_like(gram)
    for weight, polynomial in zip(weights, _gegenbauer_matrices(d, gram, len(weights))):
        result += weight * polynomial
    result[np.diag_indices_from(result)] += float(spec.tail_hilbert_schmidt)
    return result


def _spectral_filters(eigenvalues, times, schedule=GRADIENT_FLOW):
    """Return ``g_t(mu)`` and the training residual factor ``1 - mu g_t(mu)``, shape ``(len(times), n)``.

    With ``rate = mu + ridge`` and decay ``exp(-t rate)`` (flow) or
    ``(1 - step_size rate)^(t/step_size)`` (descent),
    ``g = (1 - decay)/rate`` and ``1 - mu g = (ridge + mu decay)/rate``.
    Zero eigenvalues (the null space) get ``g = 0`` and residual factor 1 at
    every time, ``t = inf`` included. :func:`simulate` explains why.
    """
    positive = eigenvalues > 0
    rates = np.where(positive, eigenvalues, 1.0) + schedule.ridge
    if schedule.step_size is None:
        with np.errstate(over="ignore", invalid="ignore"):
            exponents = times[:, None] * rates
            decay = np.exp(-exponents)
            complement = -np.expm1(-exponents)
    else:
        largest = eigenvalues.max() + schedule.ridge
        if schedule.step_size * largest >= 2:
            raise ValueError(
                f"gradient descent with step_size={schedule.step_size} diverges on this draw: "
                f"it needs step_size * (mu_max + ridge) < 2, and mu_max + ridge = {largest:.6g}"
            )
        # Whole steps (t = inf is replaced below); a factor may be negative.
        steps = np.where(np.isinf(times), 0.0, times / schedule.step_size)[:, None]
        decay = np.power(1 - schedule.step_size * rates, steps)
        complement = 1 - decay
    infinite = np.isinf(times)[:, None]
    decay = np.where(infinite, 0.0, decay)
    complement = np.where(infinite, 1.0, complement)
    mu = np.where(positive, eigenvalues, 0.0)
    gains = np.where(positive, complement / rates, 0.0)
    residuals = np.where(positive, (schedule.ridge + mu * decay) / rates, 1.0)
    return gains, residuals


def _coefficients(draw, times, schedule=GRADIENT_FLOW):
    """Return ``alpha_t`` for the noise-free labels ``f_*(x_i)``, one row per time."""
    gains, _ = _spectral_filters(draw.eigenvalues, times, schedule)
    projected = draw.eigenvectors.T @ draw.target_values
    n = len(draw.eigenvalues)
    return (gains * projected / n) @ draw.eigenvectors.T


def _draw_curves(draw, target, times, schedule=GRADIENT_FLOW):
    """Return the noise-averaged test, training, bias and variance curves of one draw."""
    n = len(draw.eigenvalues)
    noise = target.noise
    gains, residuals = _spectral_filters(draw.eigenvalues, times, schedule)
    vectors = draw.eigenvectors
    projected_target = vectors.T @ draw.target_values
    projected_operator = vectors.T @ draw.operator_values
    rotated_second_moment = vectors.T @ draw.second_moment @ vectors

    # A_t f in the eigenbasis of K/n, one row per time.
    fitted = gains * projected_target / n
    quadratic = np.sum((fitted @ rotated_second_moment) * fitted, axis=1)
    cross = fitted @ projected_operator
    bias = target.total_energy + quadratic - 2.0 * cross
    variance = noise / n**2 * (gains**2 @ np.diag(rotated_second_moment))
    train = (residuals**2 @ projected_target**2) / n + noise / n * np.sum(residuals**2, axis=1)
    return {
        "test": noise + bias + variance,
        "train": train,
        "bias": bias,
        "variance": variance,
        "bias_by_degree": _bias_by_degree(draw, target, fitted @ vectors.T),
    }


def _bias_by_degree(draw, target, coefficients):
    """Split the bias of ``f = k(x)^T alpha`` (rows of ``coefficients``) over degrees.

    Degree ``k`` contributes ``F_k^2 + B xi_k^2 alpha^T P_k(G) alpha - 2 alpha^T chi_k``
    with ``chi_k = c_k xi_k zeta_k(x_i)`` (Funk-Hecke); the last column is the
    tail term ``S ||alpha||^2`` of ``K2``.
    """
    weights = draw.degree_weights
    columns = np.zeros((coefficients.shape[0], len(weights) + 1))
    d = draw.inputs.shape[1]
    for k, polynomial in enumerate(_gegenbauer_matrices(d, draw.gram, len(weights))):
        columns[:, k] = weights[k] * np.sum((coefficients @ polynomial) * coefficients, axis=1)
        if k in draw.operator_by_degree:
            columns[:, k] += target.energy(k) - 2 * coefficients @ draw.operator_by_degree[k]
    columns[:, -1] = draw.tail_hilbert_schmidt * np.sum(coefficients**2, axis=1)
    return columns

