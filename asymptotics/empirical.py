"""Empirical world: kernel gradient flow and ridge regression on ``n`` samples.

Deterministic equivalents at finite ``(d, n)``. The effective ridge ``kappa(s)``
at a complex ridge ``s`` solves

    s = kappa (1 - df_1(kappa)/n),   df_1(kappa) = sum_k B(d,k) xi_k / (xi_k + kappa),

on the branch that continues the positive solution for ``s > 0``. Kernel ridge
regression at ridge ``lambda`` is the value at ``s = lambda``; gradient flow is
an inverse Laplace transform over ``s`` (one variable for the training risk,
two for the bias and variance), evaluated with the fixed Talbot rule. Weight
decay shifts the ridge to ``s + lambda``; gradient descent with step ``eta``
uses the contour ``s = (exp(eta w) - 1)/eta``.

Conventions: gradient flow on half the squared loss with the empirical loss
averaged over ``n`` (plus ``(lambda/2) ||f||_H^2`` with weight decay), from
``f_0 = 0``; test risk ``E(y - f(x))^2`` includes the noise; training risk is
``(1/n) sum_i (y_i - f(x_i))^2``; both are averages over the draw of the
training set.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import laplace
from ._levels import all_levels
from ._validation import check_nonnegative, check_sample_size, check_times, warn

__all__ = ["EmpiricalRisk", "RidgeRisk", "empirical_risk", "ridge_risk", "ABSOLUTE_ACCURACY"]

# Absolute accuracy of the float64 Talbot inversion, as a fraction of the
# initial risk noise + sum_k F_k^2. Measured errors at 18 nodes are 1e-12 to
# 1e-10 of it, also for eigenvalues and times spanning 17 orders of magnitude
# (exponential kernel, d = 100, degrees 1-6, against the exact oracle limit);
# every inversion is checked against a second node count and warns above this.
ABSOLUTE_ACCURACY = 1e-9

# Times at which the inversion is repeated with a second node count. The
# inversion error varies smoothly with t because the transform is analytic in s,
# so times spread over the whole range bound it. A solver failure at any time raises.
CHECKED_TIMES = 64
# Times inverted together: the two-variable sums hold about 40 kB per time at
# 18 nodes, so a block stays near 40 MB.
TIME_BLOCK = 1000

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
    bias_by_degree : numpy.ndarray, shape (len(times), max_degree + 2)
        ``||P_k (E_eps f_t - f_*)||^2`` for degree ``k = 0..max_degree`` of the
        spectrum. The last column contains all degrees above ``max_degree``.
        Each row sums to ``bias``.
    """

    times: np.ndarray
    test: np.ndarray
    train: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    bias_by_degree: np.ndarray


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
    n : numpy.ndarray
        Number of samples of each entry.
    bias_by_degree : numpy.ndarray
        The bias per degree ``0..max_degree`` with the degrees above in the
        last entry of the last axis, as in :class:`EmpiricalRisk`.
    """

    ridge: np.ndarray
    test: np.ndarray
    train: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    effective_ridge: np.ndarray
    n: np.ndarray
    bias_by_degree: np.ndarray


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
        # Levels above max_degree (the lumped tail, zero levels of a polynomial
        # kernel) share the last column of the per-degree breakdown.
        self.columns = spectrum.max_degree + 2
        column = np.minimum(np.arange(eigenvalues.size), self.columns - 1)
        self._collapse = np.zeros((eigenvalues.size, self.columns))
        self._collapse[np.arange(eigenvalues.size), column] = 1.0

    def collapse(self, per_level):
        """Sum the last axis (one entry per level) into degrees ``0..max_degree`` and the rest."""
        return per_level.real @ self._collapse if np.iscomplexobj(per_level) else per_level @ self._collapse

    def top_edge(self):
        """Upper edge of the deterministic-equivalent spectrum of ``K/n``.

        For ``u`` above every ``xi_k`` the equation ``s(kappa) = -u`` has the
        real solution ``kappa = -v`` where ``u = v (1 + (1/n) sum_k m_k/(v - xi_k))``;
        the spectrum ends at the minimum of this convex function of ``v > xi_max``,
        found by bisection on its derivative ``1 - (1/n) sum_k m_k xi_k/(v - xi_k)^2``.
        A top level of multiplicity 1 (degree 0) gives an edge about
        ``2 xi_0/sqrt(n)`` above ``xi_0``, above the sampled outlier eigenvalue,
        so as an estimate of the largest eigenvalue it errs on the high side.
        """
        top = self.eigenvalues.max()
        weights = self.masses * self.eigenvalues / self.n

        def slope(v):
            return 1 - (weights / (v - self.eigenvalues) ** 2).sum()

        lower = top * (1 + 1e-15) + 1e-300
        upper = top + math.sqrt(weights.sum()) + 1e-300
        if slope(lower) >= 0:
            return top + (self.masses / (lower - self.eigenvalues)).sum() * lower / self.n
        for _ in range(200):
            middle = 0.5 * (lower + upper)
            if slope(middle) < 0:
                lower = middle
            else:
                upper = middle
            if upper - lower <= 1e-14 * upper:
                break
        return upper * (1 + (self.masses / (upper - self.eigenvalues)).sum() / self.n)

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
        inverse = 1 / (self.eigenvalues + kappa[..., None])
        weighted = self.masses * inverse
        df1 = weighted.sum(axis=-1)
        df2 = (weighted * (self.eigenvalues * inverse)).sum(axis=-1)
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


def empirical_risk(
    spectrum, target, n, t, *, ridge=0.0, step_size=None, nodes=laplace.DEFAULT_NODES
):
    """Test and training risk of kernel gradient flow or descent on ``n`` samples.

    The predictor ``f_t = k(x)^T alpha_t`` follows gradient flow on
    ``(1/2n) sum_i (f(x_i) - y_i)^2 + (ridge/2) ||f||_H^2`` from ``f_0 = 0``,
    or, with ``step_size = eta``, gradient descent on the same objective for
    ``t/eta`` steps. On an eigenvalue ``mu`` of ``K/n`` the fitted values are
    ``mu/(mu + ridge) (1 - exp(-t (mu + ridge)))`` times the labels for the
    flow and ``mu/(mu + ridge) (1 - (1 - eta (mu + ridge))^(t/eta))`` for descent.

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
        averaged over ``n``; ``inf`` gives the end point (the ridgeless
        interpolant when ``ridge = 0``, kernel ridge regression otherwise).
        With ``step_size`` every finite time must be a whole number of steps.
    ridge : float
        Weight decay ``lambda >= 0`` (keyword only).
    step_size : float, optional
        Step ``eta > 0`` of gradient descent (keyword only); ``None`` gives
        gradient flow. Descent diverges unless ``eta (mu_max + ridge) < 2``
        with ``mu_max`` the largest eigenvalue of ``K/n``; these curves need
        ``eta (mu_max + ridge) < 1``, where every factor ``1 - eta (mu + ridge)``
        is positive. Both checks use for ``mu_max`` the upper edge of the
        deterministic spectrum of ``K/n``, which lies about ``2 xi_0/sqrt(n)``
        above the sampled largest eigenvalue when degree 0 is the top level.
    nodes : int
        Talbot nodes ``M`` per variable, in ``[8, 24]`` (16 to 20 is best in
        float64).

    Returns
    -------
    EmpiricalRisk
        At every time, averaged over the draw of the training set: ``test``
        ``= E(y - f_t(x))^2 = noise + bias + variance`` (the noise included),
        ``train = (1/n) sum_i (y_i - f_t(x_i))^2`` (no factor 1/2), ``bias``
        (excess risk with noiseless labels), ``variance`` (excess risk added by
        the noise) and ``bias_by_degree`` (the bias split over degrees).

    Raises
    ------
    ValueError
        For invalid arguments, a divergent step size, or a time that is not a
        whole number of steps.
    NotImplementedError
        For a stable step size with ``eta (mu_max + ridge) >= 1``, or fewer
        steps than the inversion resolves (about ``0.4 nodes``).
    ArithmeticError
        When the fixed point ``kappa(s)`` cannot be found.

    Notes
    -----
    With ``r = s + ridge`` and ``kappa = kappa(r)``, the Laplace transform in
    ``t`` of the residual operator is ``(1/s) r (K/n + r)^{-1}``: a kernel
    ridge residual at ridge ``r``. Hence ``bias`` and ``variance`` are
    two-variable inverse transforms at ``(t, t)`` of
    ``kappa_1 kappa_2 E_12 / (s_1 s_2 (1 - Q_12))`` and
    ``sigma^2 Q_12 / (s_1 s_2 (1 - Q_12))``, with
    ``E_12 = sum_k F_k^2 / ((xi_k + kappa_1)(xi_k + kappa_2))`` and
    ``Q_12 = (1/n) sum_k B xi_k^2 / ((xi_k + kappa_1)(xi_k + kappa_2))``.
    Degree ``k`` of the bias is the term ``F_k^2`` of ``E_12`` plus the share
    ``(1/n) B xi_k^2 / ((xi_k + kappa_1)(xi_k + kappa_2))`` of ``E_12 / (1 - Q_12)``.
    Without weight decay ``train(t) = L^{-1}[G](2t)`` with
    ``G(s) = sigma^2/kappa + sum_k F_k^2/(xi_k + kappa)``; with it, ``train`` is
    the two-variable inverse of ``r_1 r_2 (sigma^2/(kappa_1 kappa_2) + E_12) /
    (s_1 s_2 (1 - Q_12))``. Gradient descent uses the same transforms on the
    contour ``s = (exp(eta w) - 1)/eta`` with the Jacobian ``exp(eta w)``,
    because ``(1 + eta s)^(t/eta) = exp(t w)`` there. The derivation is in
    ``derivations/gradient_descent_contour.py``.

    These are deterministic equivalents: they approximate the mean over
    training sets, to about 1-2 % for ``d >= 20`` (``docs/validation.md``).

    NOTE: energy in degree 0 (the constant, a single direction) is where the
    equivalent is least accurate. Its eigenvalue of ``K/n`` is an outlier,
    while the equivalent spreads it over a band of width about ``4 xi_0/sqrt(n)``.
    Measured for the exponential kernel at ``d = 20`` with a constant target and
    no noise (``simulate``, 60-200 draws): the mean test risk lies 21 %, 12 %
    and 4 % below the equivalent at ``n = 20, 100, 400`` when ``t = 3``, where
    the constant is half learned. With energy also in degrees 1 and 2
    (``F^2 = 0.5, 1, 1``, noise 0.1) the total stays within 2 % from ``n = 1``.

    The float64 Talbot inversion is checked against a second node count
    (``nodes + 4``, or ``nodes - 4`` above 20) at up to 64 of the finite times,
    spread over their range, and a warning is issued where they differ by more than
    ``ABSOLUTE_ACCURACY`` times ``noise + sum_k F_k^2``; training risks below
    that level are rounding noise. Beyond the slowest time scale of ``K/n``
    the closed-form ``t = inf`` values are returned.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=20, max_degree=8)
    >>> risk = empirical_risk(s, Target({1: 1.0, 2: 1.0}, noise=0.1), n=400, t=[0.0, np.inf])
    >>> float(risk.test[0]), float(risk.train[0])
    (2.1, 2.1)
    >>> float(risk.train[1])
    0.0
    >>> decayed = empirical_risk(s, Target({1: 1.0}), n=400, t=[10.0], ridge=0.1, step_size=0.1)
    >>> bool(np.isclose(decayed.bias_by_degree.sum(axis=1)[0], decayed.bias[0]))
    True
    """
    nodes = _check_nodes(nodes)
    problem = _Problem(spectrum, target, n)
    times = check_times(t)
    ridge = check_nonnegative(ridge, "ridge")
    if math.isinf(ridge):
        raise ValueError("ridge must be finite; ridge = inf keeps the predictor at 0")
    if step_size is not None:
        step_size = _check_step_size(problem, step_size, ridge)
        times = whole_steps(times, step_size)

    count = times.size
    test, train, bias, variance = (np.empty(count) for _ in range(4))
    by_degree = np.empty((count, problem.columns))

    # Below this time every rate t * (mu + ridge) is under float64 resolution, so
    # the curves equal their t = 0 values (and the Talbot nodes zeta/t would overflow).
    # The zero kernel without weight decay has rate 0: every finite time is at the start.
    scale = float(problem.masses.sum() / problem.n + problem.eigenvalues.max() + ridge)
    start = times < (1e-17 / scale if scale > 0 else np.inf)
    bias[start] = target.total_energy
    variance[start] = 0.0
    train[start] = target.noise + target.total_energy
    by_degree[start] = problem.collapse(problem.energies)

    # Beyond the slowest empirical time scale the curves sit at their t = inf
    # values to float64 precision; Talbot inversion would only add round-off.
    rate = problem.smallest_rate() + ridge
    if step_size is not None:
        rate = -math.log1p(-step_size * rate) / step_size
    late = np.isinf(times) | (times >= FROZEN_EXPONENT / rate if rate > 0 else False)
    if late.any():
        bias[late], variance[late], train[late], by_degree[late] = _stationary(problem, ridge)

    middle = ~(start | late)
    if middle.any():
        values = _flow(problem, times[middle], nodes, ridge, step_size)
        scale = target.noise + target.total_energy
        clipped = _clip_rounding(values, scale)
        bias[middle], variance[middle], train[middle], by_degree[middle] = clipped
    test[:] = target.noise + bias + variance
    return EmpiricalRisk(times, test, train, bias, variance, by_degree)


def _check_nodes(nodes):
    if isinstance(nodes, bool) or not isinstance(nodes, (int, np.integer)) or not 8 <= nodes <= 24:
        raise ValueError(
            f"nodes must be an integer in [8, 24], got {nodes!r}: rounding grows as "
            f"exp(2 nodes / 5), so more nodes lose accuracy in float64"
        )
    return int(nodes)


def _check_step_size(problem, step_size, ridge):
    """Check ``eta`` against the divergence limit and the limit of the contour."""
    step_size = check_nonnegative(step_size, "step_size")
    if step_size == 0 or math.isinf(step_size):
        raise ValueError(f"step_size must be a finite number > 0, got {step_size}")
    top = problem.top_edge() + ridge
    if step_size * top >= 2:
        raise ValueError(
            f"gradient descent with step_size={step_size} diverges: it needs "
            f"step_size * (mu_max + ridge) < 2, where mu_max + ridge = {top:.6g} with mu_max "
            f"the upper edge of the deterministic spectrum of K/n, so step_size < {2 / top:.6g}"
        )
    if step_size * top >= 1:
        raise NotImplementedError(
            f"step_size={step_size} is stable but makes 1 - step_size * (mu + ridge) negative "
            f"near the top eigenvalue mu_max + ridge = {top:.6g}; the descent curves are "
            f"computed only for step_size < {1 / top:.6g}"
        )
    return step_size


def whole_steps(times, step_size):
    """Return the finite times rounded to whole steps, after checking they are whole."""
    finite = np.isfinite(times)
    steps = times[finite] / step_size
    whole = np.round(steps)
    if np.any(np.abs(steps - whole) > 1e-9 * np.maximum(1.0, whole)):
        bad = times[finite][np.argmax(np.abs(steps - whole))]
        raise ValueError(
            f"t must be a whole number of steps of step_size={step_size}; t = {bad} is "
            f"{bad / step_size} steps"
        )
    rounded = times.copy()
    rounded[finite] = whole * step_size
    return rounded


def _contour(zeta, times, step_size):
    """Nodes ``s``, Jacobians ``ds/dw`` and the reduced variable ``w = zeta / t``."""
    w = zeta[None, :] / times[:, None]
    if step_size is None:
        return w, np.ones_like(w)
    # The map w -> (exp(eta w) - 1)/eta wraps the contour once around the
    # spectrum only while eta Im(w) < pi on it.
    steps = times / step_size
    minimum = zeta.imag.max() / np.pi
    if np.any(steps <= minimum):
        raise NotImplementedError(
            f"gradient descent over fewer than {math.floor(minimum) + 1} steps is outside the "
            f"range of the {zeta.size}-node contour; got {steps.min():g} steps"
        )
    return np.expm1(step_size * w) / step_size, np.exp(step_size * w)


def _flow(problem, times, nodes, ridge, step_size):
    """Bias, variance, training risk and bias per degree at finite times, with a self-check.

    The times are inverted in blocks of ``TIME_BLOCK``, which bounds the memory
    of the two-variable sums. The Talbot sum is then repeated with 4 more nodes
    (4 fewer above 20 nodes, where rounding would dominate) at ``CHECKED_TIMES``
    of the times. Truncation errors fall by about two decades per 4 nodes, so a
    small difference means both sums are accurate. A large one flags
    truncation, rounding, or a contour that the solver got wrong.
    """
    blocks = [
        _invert(problem, times[start : start + TIME_BLOCK], nodes, ridge, step_size)
        for start in range(0, times.size, TIME_BLOCK)
    ]
    values = tuple(np.concatenate(parts) for parts in zip(*blocks))
    other = nodes + 4 if nodes <= 20 else nodes - 4
    checked = _spread_indices(times, CHECKED_TIMES)
    check = _invert(problem, times[checked], other, ridge, step_size, per_level=False)
    tolerance = ABSOLUTE_ACCURACY * (problem.noise + problem.energies.sum())
    gap = max(np.max(np.abs(a[checked] - b)) for a, b in zip(values[:3], check[:3]))
    if not gap <= tolerance:
        warn(
            f"the Talbot inversion with {nodes} and {other} nodes differs by {gap:.3g}, "
            f"more than the stated accuracy {tolerance:.3g}; the curves may be inaccurate "
            f"at some of the times {times.min():.3g} to {times.max():.3g}"
        )
    return values


def _spread_indices(times, count):
    """Indices of at most ``count`` times spread evenly in rank over the sorted times."""
    order = np.argsort(times, kind="stable")
    if times.size <= count:
        return order
    return order[np.unique(np.linspace(0, times.size - 1, count).round().astype(int))]


def _invert(problem, times, nodes, ridge, step_size, per_level=True):
    zeta, weight = laplace.talbot_nodes(nodes)
    full_zeta, full_weight = laplace.full_contour(zeta, weight)
    separate_train = ridge == 0
    both = np.concatenate([times, 2 * times]) if separate_train else times
    s, jacobian = _contour(zeta, both, step_size)
    kappa = problem.solve_contour(s + ridge, problem.solve_real(s[:, 0].real + ridge))
    _check_tail(problem, kappa)

    count = times.size
    if separate_train:
        # Without weight decay the squared residual is one exponential in 2t.
        kappa_train = kappa[count:]
        g = problem.noise / kappa_train + (
            problem.energies / (problem.eigenvalues + kappa_train[..., None])
        ).sum(axis=-1)
        train = laplace.invert(jacobian[count:] * g, weight, 2 * times)

    # Two-variable transforms: rows over the upper nodes, columns over the whole
    # contour; conjugate symmetry supplies the lower rows (see laplace.invert_pair_diagonal).
    s_rows, kappa_rows, jacobian_rows = s[:count], kappa[:count], jacobian[:count]

    def columns_of(rows):
        return np.concatenate([rows, np.conj(rows[:, 1:])], axis=1)

    s_columns, kappa_columns = columns_of(s_rows), columns_of(kappa_rows)
    jacobian_columns = columns_of(jacobian_rows)
    rows = 1 / (problem.eigenvalues + kappa_rows[..., None])
    columns = np.swapaxes(1 / (problem.eigenvalues + kappa_columns[..., None]), 1, 2)
    energy = (rows * problem.energies) @ columns
    overlap = (rows * (problem.masses * problem.eigenvalues / problem.n)) @ columns
    common = (jacobian_rows[:, :, None] * jacobian_columns[:, None, :]) / (
        s_rows[:, :, None] * s_columns[:, None, :] * (1 - overlap)
    )
    kappas = kappa_rows[:, :, None] * kappa_columns[:, None, :]

    def pair(transform):
        return laplace.invert_pair_diagonal(transform, weight, full_weight, times)

    bias = pair(kappas * energy * common)
    variance = problem.noise * pair(overlap * common)
    if not separate_train:
        ridges = (s_rows[:, :, None] + ridge) * (s_columns[:, None, :] + ridge)
        train = pair(ridges * (problem.noise / kappas + energy) * common)

    if not per_level:
        return bias, variance, train, None
    # Level k: kappa_1 kappa_2 R_1 R_2 (F_k^2 (1 - Q) + (m_k xi_k/n) E) times common,
    # with R = 1/(xi_k + kappa). The sum over levels is kappa_1 kappa_2 E common.
    # The column sum with the contour weights is a batched matrix product, so no
    # array over (time, level, row, column) is formed.
    weighted = kappas * common * full_weight
    signal = ((1 - overlap) * weighted) @ columns.transpose(0, 2, 1)
    shared = (energy * weighted) @ columns.transpose(0, 2, 1)
    share = problem.masses * problem.eigenvalues / problem.n
    values = rows * (problem.energies * signal + share * shared)
    by_level = laplace.invert(values.transpose(0, 2, 1), weight, times[:, None]) / times[:, None]
    return bias, variance, train, problem.collapse(by_level)


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


def _ridge_parts(problem, kappa, ridge):
    """Kernel ridge regression at effective ridges ``kappa`` (shape ``(m,)``) and ridges ``ridge``.

    Returns bias, variance, training risk and bias per degree. The bias of
    level ``k`` is ``F_k^2 kappa^2/(xi_k + kappa)^2 + (1/n) B xi_k^2/(xi_k + kappa)^2 bias``.
    """
    kappa = np.atleast_1d(np.asarray(kappa, dtype=float))
    df2 = problem.df2(kappa)
    inflation = 1 / (1 - df2 / problem.n)
    inverse = 1 / (problem.eigenvalues + kappa[:, None])
    direct = problem.energies * (kappa[:, None] * inverse) ** 2
    bias = inflation * direct.sum(axis=-1)
    share = problem.masses * problem.eigenvalues * inverse**2 / problem.n
    by_level = direct + share * bias[:, None]
    variance = problem.noise * inflation * df2 / problem.n
    train = (ridge / kappa) ** 2 * (problem.noise + bias + variance)
    return bias, variance, train, problem.collapse(by_level)


def _stationary(problem, ridge):
    """End point ``t = inf``: kernel ridge regression at ``ridge`` (the interpolant at 0)."""
    if ridge > 0:
        kappa = problem.solve_real(np.array([ridge]))
        _check_tail(problem, kappa)
        return tuple(value[0] for value in _ridge_parts(problem, kappa, ridge))
    return _ridgeless(problem)


def _ridgeless(problem):
    """Bias, variance, training risk and bias per degree at ``t = inf`` (minimum-norm interpolant)."""
    n = problem.n
    noise = problem.noise
    if problem.rank > n:
        kappa = _interpolation_ridge(problem)
        _check_tail(problem, np.array([kappa]))
        return tuple(value[0] for value in _ridge_parts(problem, np.array([kappa]), 0.0))
    if not problem.finite_rank:
        warn(
            f"the levels up to max_degree={problem.spectrum.max_degree} and the lumped tail "
            f"have rank {problem.rank:.6g} <= n = {n}, but the kernel has infinite rank; "
            f"increase max_degree for the t = inf values"
        )
    learnable = problem.eigenvalues > 0
    if problem.rank == n:
        # At the interpolation threshold only noise and unlearnable energy blow up.
        bias = np.inf if problem.unlearnable > 0 else 0.0
        by_level = np.where(learnable, bias, problem.energies)
        return bias, np.inf if noise > 0 else 0.0, 0.0, problem.collapse(by_level)
    # Rank r < n: the r learnable directions are fitted exactly, the rest of the
    # labels (noise and unlearnable energy) is split as in a least-squares fit;
    # each learnable level takes the share B_k/n of the bias.
    fraction = problem.rank / n
    bias = problem.unlearnable / (1 - fraction)
    variance = noise * fraction / (1 - fraction)
    train = (1 - fraction) * (noise + problem.unlearnable)
    multiplicities = np.divide(
        problem.masses, problem.eigenvalues, out=np.zeros_like(problem.masses), where=learnable
    )
    by_level = np.where(learnable, multiplicities / n * bias, problem.energies)
    return bias, variance, train, problem.collapse(by_level)


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
    """Test and training risk of kernel ridge regression, over sample sizes and ridges.

    The estimator is ``f(x) = k(x)^T (K + n ridge I)^{-1} y`` with the kernel
    matrix ``K_ij = h(<x_i, x_j>/d)``: the end point ``t = inf`` of gradient
    flow with weight decay ``ridge``.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel.
    target : Target
        Degree energies and label noise ``sigma^2``.
    n : float or array_like
        Numbers of samples, each ``>= 1``.
    ridge : float or array_like
        Ridges ``lambda >= 0``, finite; ``0`` gives the ridgeless interpolant.
        ``n`` and ``ridge`` are broadcast against each other.

    Returns
    -------
    RidgeRisk
        Arrays of the broadcast shape of ``n`` and ``ridge`` (at least 1-d):
        ``test`` (including the noise) ``= noise + bias + variance``,
        ``train = (ridge/kappa)^2 test``, averaged over training sets;
        ``bias_by_degree`` has one more axis over the degrees.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=20, max_degree=8)
    >>> risk = ridge_risk(s, Target({1: 1.0}, noise=0.1), n=100, ridge=[1e-3, 1.0])
    >>> bool(risk.test[0] < risk.test[1])
    True
    >>> ridge_risk(s, Target({1: 1.0}), n=[[50], [100]], ridge=[0.0, 1e-3, 1e-2]).test.shape
    (2, 3)
    """
    try:
        sizes, ridges = np.broadcast_arrays(
            np.atleast_1d(np.asarray(n, dtype=float)), np.atleast_1d(np.asarray(ridge, dtype=float))
        )
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"n and ridge must be numbers or arrays of broadcastable shapes, got {n!r}, {ridge!r}"
        ) from error
    if np.isnan(ridges).any() or (ridges < 0).any() or np.isinf(ridges).any():
        raise ValueError(
            "ridge must be finite and >= 0 (ridge = inf is the zero predictor), got "
            f"{ridges[~(ridges >= 0) | np.isinf(ridges)].flat[0]}"
        )
    shape = sizes.shape
    fields = {name: np.empty(shape) for name in ("test", "train", "bias", "variance", "kappa")}
    by_degree = None

    for size in np.unique(sizes):
        problem = _Problem(spectrum, target, float(size))
        if by_degree is None:
            by_degree = np.empty(shape + (problem.columns,))
        here = sizes == size
        values = _ridge_at(problem, ridges[here])
        for name, value in zip(("bias", "variance", "train", "kappa"), values[:4]):
            fields[name][here] = value
        by_degree[here] = values[4]
    fields["test"] = target.noise + fields["bias"] + fields["variance"]
    return RidgeRisk(
        ridges,
        fields["test"],
        fields["train"],
        fields["bias"],
        fields["variance"],
        fields["kappa"],
        sizes,
        by_degree,
    )


def _ridge_at(problem, ridges):
    """Bias, variance, training risk, effective ridge and bias per degree at one ``n``."""
    count = ridges.size
    bias, variance, train, kappa = (np.empty(count) for _ in range(4))
    by_degree = np.empty((count, problem.columns))
    zero = ridges == 0
    if zero.any():
        bias[zero], variance[zero], train[zero], by_degree[zero] = _ridgeless(problem)
        kappa[zero] = _interpolation_ridge(problem) if problem.rank > problem.n else 0.0
    positive = ~zero
    if positive.any():
        lam = ridges[positive]
        k = problem.solve_real(lam)
        _check_tail(problem, k)
        values = _ridge_parts(problem, k, lam)
        bias[positive], variance[positive], train[positive], by_degree[positive] = values
        kappa[positive] = k
    return bias, variance, train, kappa, by_degree
