"""Empirical world: kernel gradient flow and ridge regression on ``n`` samples.

Deterministic equivalents at finite ``(d, n)``. The effective ridge ``kappa(s)``
at a complex ridge ``s`` solves

    s = kappa (1 - df_1(kappa)/n),   df_1(kappa) = sum_k B(d,k) xi_k / (xi_k + kappa),

on the branch that continues the positive solution for ``s > 0``. Kernel ridge
regression at ridge ``lambda`` is the value at ``s = lambda``; gradient flow is
an inverse Laplace transform over ``s`` (one variable for the training risk,
two for the bias and variance), evaluated with the fixed Talbot rule.

Conventions: gradient flow on half the squared loss with the empirical loss
averaged over ``n``, from ``f_0 = 0``; test risk ``E(y - f(x))^2`` includes the
noise; training risk is ``(1/n) sum_i (y_i - f(x_i))^2``; both are averages
over the draw of the training set.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import laplace
from ._levels import all_levels
from ._validation import check_sample_size, check_times, warn

__all__ = ["EmpiricalRisk", "RidgeRisk", "empirical_risk", "ridge_risk", "ABSOLUTE_ACCURACY"]

# Absolute accuracy of the float64 Talbot inversion, relative to the initial risk.
ABSOLUTE_ACCURACY = 1e-11

# Newton iterations allowed per contour node before sub-stepping takes over.
NEWTON_ITERATIONS = 40
# Relative residual accepted in the fixed-point equation s(kappa) = s.
RESIDUAL_TOLERANCE = 1e-12
# Halvings of a contour step tried before the solver gives up.
MAX_SUBSTEP_HALVINGS = 12
# exp(-FROZEN_EXPONENT) is below float64 resolution with a margin for the
# spread of sampled smallest eigenvalues around the deterministic edge.
FROZEN_EXPONENT = 80.0


class EmpiricalRisk(NamedTuple):
    """Risks of gradient flow on ``n`` samples, one entry per time.

    Attributes
    ----------
    times : numpy.ndarray
        Gradient-flow times ``t`` (half squared loss averaged over ``n``).
    test : numpy.ndarray
        Test risk ``E(y - f_t(x))^2``, including the noise:
        ``test = noise + bias + variance``.
    train : numpy.ndarray
        Training risk ``(1/n) sum_i (y_i - f_t(x_i))^2``.
    bias : numpy.ndarray
        Excess risk of the flow trained on noiseless labels.
    variance : numpy.ndarray
        Excess risk added by the label noise.
    """

    times: np.ndarray
    test: np.ndarray
    train: np.ndarray
    bias: np.ndarray
    variance: np.ndarray


class RidgeRisk(NamedTuple):
    """Risks of kernel ridge regression ``f = k(x)^T (K + n ridge I)^{-1} y``, one entry per ridge.

    Attributes
    ----------
    ridge : numpy.ndarray
        Ridge ``lambda``; the regularised matrix is ``K/n + lambda I``.
    test, train, bias, variance : numpy.ndarray
        As in :class:`EmpiricalRisk`; ``test`` includes the noise.
    effective_ridge : numpy.ndarray
        ``kappa(lambda)``, the solution of the fixed-point equation.
    """

    ridge: np.ndarray
    test: np.ndarray
    train: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    effective_ridge: np.ndarray


class _Problem:
    """Levels, energies and sample size of one deterministic-equivalent problem."""

    def __init__(self, spectrum, target, n):
        self.n = check_sample_size(n)
        eigenvalues, masses, energies = all_levels(spectrum, target)
        self.eigenvalues = eigenvalues
        self.masses = masses
        self.energies = energies
        self.noise = target.noise
        self.rank = _rank(spectrum)
        self.finite_rank = spectrum.tail_trace == 0
        self.spectrum = spectrum
        # Energy on degrees with a zero eigenvalue is never learned: it acts as noise.
        self.unlearnable = float(energies[eigenvalues == 0].sum())

    def smallest_rate(self):
        """Deterministic equivalent of the smallest eigenvalue of ``K/n`` (0 when rank <= n).

        The edge of the spectrum is where ``ds/dkappa = 1 - df_2(kappa)/n``
        vanishes: ``df_2(kappa_e) = n`` with ``0 < kappa_e < kappa_0``, and the
        edge is ``-s(kappa_e) = kappa_e (df_1(kappa_e)/n - 1)``.
        """
        if self.rank <= self.n:
            return 0.0
        kappa0 = _interpolation_ridge(self)
        lower, upper = kappa0, kappa0
        while self.df2(lower) < self.n:
            lower /= 16
            if lower < 1e-300:
                return 0.0
        for _ in range(200):
            middle = np.sqrt(lower * upper)
            if self.df2(middle) > self.n:
                lower = middle
            else:
                upper = middle
            if upper - lower <= 1e-12 * upper:
                break
        value, _ = self.s_of_kappa(np.array(upper))
        return max(-float(value), 0.0)

    def df2(self, kappa):
        """``df_2(kappa) = sum_k B xi_k^2 / (xi_k + kappa)^2`` for each entry of ``kappa``."""
        kappa = np.asarray(kappa)[..., None]
        # The ratio first keeps (xi + kappa)^2 from overflowing at huge ridges.
        ratio = self.eigenvalues / (self.eigenvalues + kappa)
        return (self.masses * ratio / (self.eigenvalues + kappa)).sum(axis=-1)

    def s_of_kappa(self, kappa):
        """``s(kappa) = kappa (1 - df_1/n)`` and its derivative ``1 - df_2/n``."""
        ratio = self.eigenvalues / (self.eigenvalues + kappa[..., None])
        df1 = (self.masses / (self.eigenvalues + kappa[..., None])).sum(axis=-1)
        df2 = (self.masses * ratio / (self.eigenvalues + kappa[..., None])).sum(axis=-1)
        return kappa * (1 - df1 / self.n), 1 - df2 / self.n

    def solve_real(self, s):
        """``kappa(s)`` for real ``s > 0`` by Newton's method from the right.

        ``s(kappa)`` is increasing and convex to the right of the root, and
        ``kappa = s + h(1)/n`` lies there, so the iterates decrease monotonically.
        """
        kappa = s + self.masses.sum() / self.n
        for _ in range(200):
            value, slope = self.s_of_kappa(kappa)
            step = (value - s) / slope
            kappa = kappa - step
            if np.all(np.abs(step) <= 1e-15 * kappa):
                return kappa
        # Near the interpolation threshold 1 - df_1/n is ill-conditioned and the
        # steps stall at rounding level; accept a root whose residual is that small.
        value, _ = self.s_of_kappa(kappa)
        if np.all(np.abs(value - s) <= RESIDUAL_TOLERANCE * np.maximum(s, kappa)):
            return kappa
        raise ArithmeticError(
            f"the effective ridge kappa(s) did not converge at n = {self.n}; the sample size "
            f"may be too close to the rank of the kernel ({self.rank:.6g})"
        )

    def solve_contour(self, s, start):
        """``kappa`` along each row of ``s`` (complex nodes), continuing from ``start``.

        Column ``j`` is reached from column ``j-1`` by a predictor step and
        Newton's method; where Newton fails the step is halved repeatedly.
        """
        kappa = np.empty(s.shape, dtype=complex)
        kappa[:, 0] = start
        for j in range(1, s.shape[1]):
            kappa[:, j] = self._step(s[:, j - 1], kappa[:, j - 1], s[:, j])
        return kappa

    def _step(self, s_from, kappa_from, s_to, depth=0):
        kappa, ok = self._newton(s_from, kappa_from, s_to)
        if ok.all():
            return kappa
        if depth >= MAX_SUBSTEP_HALVINGS:
            raise ArithmeticError(
                "the complex fixed point kappa(s) did not converge along the Talbot contour "
                f"even with steps shortened {2**depth} times"
            )
        bad = ~ok
        middle = (s_from[bad] + s_to[bad]) / 2
        kappa_middle = self._step(s_from[bad], kappa_from[bad], middle, depth + 1)
        kappa[bad] = self._step(middle, kappa_middle, s_to[bad], depth + 1)
        return kappa

    def _newton(self, s_from, kappa_from, s_to):
        _, slope = self.s_of_kappa(kappa_from)
        kappa = kappa_from + (s_to - s_from) / slope
        for _ in range(NEWTON_ITERATIONS):
            value, slope = self.s_of_kappa(kappa)
            step = (value - s_to) / slope
            kappa = kappa - step
            if np.all(np.abs(step) <= 1e-15 * np.abs(kappa)):
                break
        value, _ = self.s_of_kappa(kappa)
        scale = np.maximum(np.abs(s_to), np.abs(kappa))
        ok = np.abs(value - s_to) <= RESIDUAL_TOLERANCE * scale
        # The right branch maps the upper half plane into itself.
        ok &= kappa.imag >= -RESIDUAL_TOLERANCE * np.abs(kappa)
        ok &= np.isfinite(kappa)
        return kappa, ok


def _rank(spectrum):
    """Number of positive float64 eigenvalues counted with multiplicity (tail included).

    Degrees whose eigenvalue underflows float64 are left out, as they are in
    the fixed point; a tail whose Hilbert-Schmidt norm underflows has an
    unbounded multiplicity.
    """
    eigenvalues = np.exp(spectrum.log_eigenvalues)
    rank = sum(b for b, x in zip(spectrum.multiplicities, eigenvalues) if x > 0)
    if spectrum.tail_trace > 0:
        if float(spectrum.tail_hilbert_schmidt) == 0:
            return np.inf
        return float(rank) + float(spectrum.tail_multiplicity)
    return float(rank)


def empirical_risk(spectrum, target, n, t, *, nodes=laplace.DEFAULT_NODES):
    """Test and training risk of kernel gradient flow on ``n`` samples, at finite ``d`` and ``n``.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel in dimension ``d``; its ``max_degree`` must
        cover the target's degrees, and the lumped tail should lie well below
        the effective ridge (a warning is issued when it does not).
    target : Target
        Degree energies and label noise ``sigma^2``.
    n : float
        Number of samples, ``>= 1`` (non-integer values such as ``d**1.5``
        are accepted).
    t : float or array_like
        Times ``>= 0`` in the unit of gradient flow on half the squared loss
        averaged over ``n``; ``inf`` gives the ridgeless interpolant.
    nodes : int
        Talbot nodes ``M`` per variable, in ``[8, 24]`` (16 to 20 is best in
        float64).

    Returns
    -------
    EmpiricalRisk
        At every time, averaged over the draw of the training set: ``test``
        ``= E(y - f_t(x))^2 = noise + bias + variance`` (the noise included),
        ``train = (1/n) sum_i (y_i - f_t(x_i))^2`` (no factor 1/2), ``bias``
        (excess risk with noiseless labels) and ``variance`` (excess risk added
        by the noise).

    Notes
    -----
    ``train(t) = L^{-1}[G](2t)`` with ``G(s) = sigma^2/kappa + sum_k F_k^2/(xi_k + kappa)``;
    ``bias`` and ``variance`` are two-variable inverse transforms at ``(t, t)``
    of ``kappa_1 kappa_2 sum_k F_k^2 / ((xi_k + kappa_1)(xi_k + kappa_2)) / (s_1 s_2 (1 - Q_12))``
    and ``sigma^2 Q_12 / (s_1 s_2 (1 - Q_12))`` with
    ``Q_12 = (1/n) sum_k B xi_k^2 / ((xi_k + kappa_1)(xi_k + kappa_2))``.
    These are deterministic equivalents: they approximate the mean over
    training sets, to about 1-2 % for ``d >= 20``.

    NOTE: energy in degree 0 (the constant) is where the equivalent is least
    accurate at small ``n``: for ``n`` of a few samples it can be off by tens of
    percent (a constant target with ``n = 1`` gives 0.39 at ``t = 1`` where
    the exact mean is ``exp(-2) = 0.135``).

    NOTE: the float64 Talbot inversion is accurate to about ``1e-11`` times
    ``noise + sum_k F_k^2`` in absolute terms; training risks below that level
    are rounding noise. Beyond the slowest time scale of ``K/n`` the closed-form
    ``t = inf`` values are returned.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=20, max_degree=8)
    >>> risk = empirical_risk(s, Target({1: 1.0, 2: 1.0}, noise=0.1), n=400, t=[0.0, np.inf])
    >>> float(risk.test[0]), float(risk.train[0])
    (2.1, 2.1)
    >>> float(risk.train[1])
    0.0
    """
    if isinstance(nodes, bool) or not isinstance(nodes, (int, np.integer)) or not 8 <= nodes <= 24:
        raise ValueError(
            f"nodes must be an integer in [8, 24], got {nodes!r}: rounding grows as "
            f"exp(2 nodes / 5), so more nodes lose accuracy in float64"
        )
    problem = _Problem(spectrum, target, n)
    times = check_times(t)
    test = np.empty_like(times)
    train = np.empty_like(times)
    bias = np.empty_like(times)
    variance = np.empty_like(times)

    # Below this time every rate t * mu of K/n is under float64 resolution, so the
    # curves equal their t = 0 values (and the Talbot nodes zeta/t would overflow).
    # The zero kernel has rate 0: every finite time is at the start (t = inf is handled below).
    rate = float(problem.masses.sum() / problem.n + problem.eigenvalues.max())
    start = times < (1e-17 / rate if rate > 0 else np.inf)
    bias[start] = target.total_energy
    variance[start] = 0.0
    train[start] = target.noise + target.total_energy

    end = np.isinf(times)
    if end.any():
        bias[end], variance[end], train[end] = _ridgeless(problem)

    # Beyond the slowest empirical time scale the curves sit at their t = inf
    # values to float64 precision; Talbot inversion would only add round-off.
    rate = problem.smallest_rate()
    frozen = ~end & (times >= FROZEN_EXPONENT / rate if rate > 0 else False)
    if frozen.any():
        bias[frozen], variance[frozen], train[frozen] = _ridgeless(problem)

    middle = ~(start | end | frozen)
    if middle.any():
        values = _flow(problem, times[middle], nodes)
        scale = target.noise + target.total_energy
        bias[middle], variance[middle], train[middle] = _clip_rounding(values, scale)
    test[:] = target.noise + bias + variance
    return EmpiricalRisk(times, test, train, bias, variance)


def _flow(problem, times, nodes):
    """Bias, variance and training risk at positive finite times by Talbot inversion."""
    zeta, weight = laplace.talbot_nodes(nodes)
    both = np.concatenate([times, 2 * times])
    s = zeta[None, :] / both[:, None]
    kappa = problem.solve_contour(s, problem.solve_real(s[:, 0].real))
    _check_tail(problem, kappa)

    count = times.size
    s_train, kappa_train = s[count:], kappa[count:]
    g = problem.noise / kappa_train + (
        problem.energies / (problem.eigenvalues + kappa_train[..., None])
    ).sum(axis=-1)
    train = laplace.invert(g, weight, 2 * times)

    # Two-variable transforms: rows over the upper nodes, columns over the whole
    # contour; conjugate symmetry supplies the lower rows (see laplace.invert_pair_diagonal).
    full_s, full_weight = laplace.full_contour(zeta, weight)
    s_rows = s[:count]
    s_columns = full_s[None, :] / times[:, None]
    kappa_rows = kappa[:count]
    kappa_columns = np.concatenate([kappa_rows, np.conj(kappa_rows[:, 1:])], axis=1)
    rows = 1 / (problem.eigenvalues + kappa_rows[..., None])
    columns = np.swapaxes(1 / (problem.eigenvalues + kappa_columns[..., None]), 1, 2)
    energy = (rows * problem.energies) @ columns
    overlap = (rows * (problem.masses * problem.eigenvalues / problem.n)) @ columns
    denominator = s_rows[:, :, None] * s_columns[:, None, :] * (1 - overlap)
    bias_transform = kappa_rows[:, :, None] * kappa_columns[:, None, :] * energy / denominator
    bias = laplace.invert_pair_diagonal(bias_transform, weight, full_weight, times)
    variance = problem.noise * laplace.invert_pair_diagonal(
        overlap / denominator, weight, full_weight, times
    )
    return bias, variance, train


def _clip_rounding(values, scale):
    """Set negative Talbot values to 0: each curve is a mean of squares, so it is ``>= 0``.

    A negative value within ``ABSOLUTE_ACCURACY * scale`` is rounding of a risk
    that is 0 to that accuracy, and 0 is within the stated error. A more
    negative value is also returned as 0, with a warning that the inversion
    missed its accuracy.
    """
    bound = ABSOLUTE_ACCURACY * scale
    clipped = []
    for curve in values:
        if (curve < -bound).any():
            warn(
                f"the Talbot inversion returned a risk of {curve.min():.3g} < 0, beyond its "
                f"absolute accuracy {bound:.3g}; it is reported as 0"
            )
        clipped.append(np.maximum(curve, 0.0))
    return clipped


def _check_tail(problem, kappa):
    """Warn when the lumped tail level is not small against the effective ridge."""
    if problem.finite_rank:
        return
    tail = problem.eigenvalues[-1]
    smallest = np.abs(kappa).min()
    if tail > 1e-2 * smallest:
        warn(
            f"the lumped tail eigenvalue {tail:.3g} is not small against the effective ridge "
            f"{smallest:.3g}; compute the spectrum with a larger max_degree "
            f"(now {problem.spectrum.max_degree}) for accurate curves"
        )


def _ridgeless(problem):
    """Bias, variance and training risk at ``t = inf`` (the minimum-norm interpolant)."""
    n = problem.n
    noise = problem.noise
    if problem.rank > n:
        kappa = _interpolation_ridge(problem)
        _check_tail(problem, np.array([kappa]))
        df2 = problem.df2(kappa)
        inflation = 1 / (1 - df2 / n)
        bias = inflation * (problem.energies * (kappa / (problem.eigenvalues + kappa)) ** 2).sum()
        variance = noise * (df2 / n) * inflation
        return bias, variance, 0.0
    if not problem.finite_rank:
        warn(
            f"the levels up to max_degree={problem.spectrum.max_degree} and the lumped tail "
            f"have rank {problem.rank:.6g} <= n = {n}, but the kernel has infinite rank; "
            f"increase max_degree for the t = inf values"
        )
    if problem.rank == n:
        # At the interpolation threshold only noise and unlearnable energy blow up.
        bias = np.inf if problem.unlearnable > 0 else 0.0
        return bias, np.inf if noise > 0 else 0.0, 0.0
    # Rank r < n: the r learnable directions are fitted exactly, the rest of the
    # labels (noise and unlearnable energy) is split as in a least-squares fit.
    fraction = problem.rank / n
    bias = problem.unlearnable / (1 - fraction)
    variance = noise * fraction / (1 - fraction)
    train = (1 - fraction) * (noise + problem.unlearnable)
    return bias, variance, train


def _interpolation_ridge(problem):
    """``kappa_0 > 0`` with ``df_1(kappa_0) = n``, by bisection in ``log kappa``."""
    n = problem.n

    def excess(kappa):
        return (problem.masses / (problem.eigenvalues + kappa)).sum() - n

    upper = problem.masses.sum() / n
    lower = upper
    while excess(lower) < 0:
        lower /= 16
        if lower < 1e-300:
            raise ArithmeticError("no interpolation ridge kappa_0 found above 1e-300")
    for _ in range(200):
        middle = np.sqrt(lower * upper)
        if excess(middle) > 0:
            lower = middle
        else:
            upper = middle
        if upper - lower <= 1e-15 * upper:
            break
    return np.sqrt(lower * upper)


def ridge_risk(spectrum, target, n, ridge):
    """Test and training risk of kernel ridge regression on ``n`` samples.

    The estimator is ``f(x) = k(x)^T (K + n ridge I)^{-1} y`` with the kernel
    matrix ``K_ij = h(<x_i, x_j>/d)``.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel.
    target : Target
        Degree energies and label noise ``sigma^2``.
    n : float
        Number of samples, ``>= 1``.
    ridge : float or array_like
        Ridge ``lambda >= 0``; ``0`` gives the ridgeless interpolant.

    Returns
    -------
    RidgeRisk
        ``test`` (including the noise) ``= noise + bias + variance``, and
        ``train = (ridge/kappa)^2 test``, averaged over training sets.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=20, max_degree=8)
    >>> risk = ridge_risk(s, Target({1: 1.0}, noise=0.1), n=100, ridge=[1e-3, 1.0])
    >>> bool(risk.test[0] < risk.test[1])
    True
    """
    problem = _Problem(spectrum, target, n)
    ridges = check_times(ridge, name="ridge")
    test = np.empty_like(ridges)
    train = np.empty_like(ridges)
    bias = np.empty_like(ridges)
    variance = np.empty_like(ridges)
    kappa = np.empty_like(ridges)

    if np.isinf(ridges).any():
        raise ValueError("ridge must be finite; ridge = inf is the zero predictor")
    zero = ridges == 0
    if zero.any():
        bias[zero], variance[zero], train[zero] = _ridgeless(problem)
        kappa[zero] = _interpolation_ridge(problem) if problem.rank > problem.n else 0.0
    positive = ~zero
    if positive.any():
        lam = ridges[positive]
        k = problem.solve_real(lam)
        df2 = problem.df2(k)
        inflation = 1 / (1 - df2 / problem.n)
        shrink = (k[:, None] / (problem.eigenvalues + k[:, None])) ** 2
        bias[positive] = inflation * (problem.energies * shrink).sum(axis=-1)
        variance[positive] = problem.noise * inflation * df2 / problem.n
        kappa[positive] = k
        train[positive] = (lam / k) ** 2 * (problem.noise + bias[positive] + variance[positive])
    test[:] = problem.noise + bias + variance
    return RidgeRisk(ridges, test, train, bias, variance, kappa)
