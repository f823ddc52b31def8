"""Empirical world: kernel gradient flow and ridge regression on ``n`` samples.

Deterministic equivalents at finite ``(d, n)``. The effective ridge ``kappa(s)``
at a complex ridge ``s`` solves

    s = kappa (1 - df_1(kappa)/n),   df_1(kappa) = sum_k B(d,k) xi_k / (xi_k + kappa),

on the branch that continues the positive solution for ``s > 0``. Kernel ridge
regression at ridge ``lambda`` is the value at ``s = lambda``; gradient flow is
an inverse Laplace transform over ``s`` (one variable for the training risk,
two for the bias and variance), evaluated by the trapezoid rule on a hyperbola
shared by every time in a window ``[T/2, T]`` (``asymptotics.laplace``). Weight
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
import numbers
from typing import NamedTuple

import numpy as np

from . import laplace
from ._levels import all_levels
from ._validation import check_nonnegative, check_sample_size, check_times, warn

__all__ = ["EmpiricalRisk", "RidgeRisk", "empirical_risk", "ridge_risk", "ABSOLUTE_ACCURACY"]

# Absolute accuracy of the float64 Laplace inversion, as a fraction of the
# initial risk noise + sum_k F_k^2. The rule's worst error over decaying
# exponentials is 3e-13 at 16 nodes (twice that in two variables). Measured
# against the exact oracle limit (exponential kernel, d = 100, degrees 1-6,
# rates and times spanning 17 orders of magnitude) and against a fixed Talbot
# contour placed per time (210 settings of kernel, d, n, weight decay and
# descent), the curves agree to 1e-11 of it. Every inversion is checked
# against a second node count and warns above this.
ABSOLUTE_ACCURACY = 1e-9

# Entries (time, transform or level, contour node) formed at once when the
# per-window transforms are summed with each time's weights: 2^21 complex
# numbers, 32 MB.
LEVEL_BLOCK = 2**21

# Largest finite time inverted: the training risk is an inversion at 2t, and the
# contour of its window ends at up to 2t.
MAX_FINITE_TIME = 1e307

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
        # For a finite rank r <= 2n, 1 - df_1/n and 1 - df_2/n are formed as
        # (n - r)/n plus sums of positive terms (see fractions), which keeps them
        # accurate when n is at or next to r; B_k are the exact multiplicities.
        self._counts = None
        if self.finite_rank and self.rank <= 2 * self.n:
            degrees = len(spectrum.multiplicities)
            self._counts = np.zeros_like(eigenvalues)
            self._counts[:degrees] = np.where(
                eigenvalues[:degrees] > 0, np.asarray(spectrum.multiplicities, dtype=float), 0.0
            )
        self.spectrum = spectrum
        # Energy on degrees with a zero eigenvalue is never learned: it acts as noise.
        self.unlearnable = float(energies[eigenvalues == 0].sum())
        # Levels above max_degree (the lumped tail, zero levels of a polynomial
        # kernel) share the last column of the per-degree breakdown.
        self.columns = spectrum.max_degree + 2

    def collapse(self, per_level):
        """Sum the last axis (one entry per level) into degrees ``0..max_degree`` and the rest."""
        per_level = per_level.real
        last = self.columns - 1
        rest = per_level[..., last:].sum(axis=-1, keepdims=True)
        return np.concatenate([per_level[..., :last], rest], axis=-1)

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
        if top == 0:
            return 0.0  # the zero kernel: K/n = 0
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
        """Deterministic equivalent of the smallest non-zero eigenvalue of ``K/n``.

        The edge of the spectrum is where ``ds/dkappa = 1 - df_2(kappa)/n``
        vanishes, and the edge is ``-s(kappa_e) = kappa_e (df_1(kappa_e)/n - 1)``.
        For rank ``> n``, ``df_2(kappa_e) = n`` with ``0 < kappa_e < kappa_0``.
        For rank ``< n``, ``K/n`` has ``n - rank`` zero eigenvalues, which never
        move, and the others start at the root of ``df_2(kappa_e) = n`` with
        ``-xi_min < kappa_e < 0``, where ``df_2`` runs from the rank at 0 up to
        infinity at ``-xi_min``. At rank ``= n`` the edge is 0, and so is the
        rate of the zero kernel (rank 0).
        """
        if self.rank == self.n or self.rank == 0:
            return 0.0
        if self.rank < self.n:
            return self._edge_below_rank()
        kappa0 = _interpolation_ridge(self)
        lower, upper = kappa0, kappa0
        while self.fractions(np.array(lower))[1] > 0:
            lower /= 16
            if lower < 1e-300:
                return 0.0
        for _ in range(200):
            middle = np.sqrt(lower) * np.sqrt(upper)
            if self.fractions(np.array(middle))[1] < 0:
                lower = middle
            else:
                upper = middle
            if upper - lower <= 1e-12 * upper:
                break
        value, _ = self.s_of_kappa(np.array(upper))
        return max(-float(value), 0.0)

    def _edge_below_rank(self):
        """Return the smallest non-zero edge of ``K/n`` when the rank is below ``n``."""
        smallest = self.eigenvalues[self.masses > 0].min()
        if smallest < np.finfo(float).tiny:
            # An eigenvalue below the normal float64 range (0 or subnormal, its mass
            # kept) leaves an edge that float64 cannot resolve: no late shortcut.
            return 0.0
        # Bisection in the distance delta = kappa + xi_min, geometric because
        # the root can lie close to the pole at -xi_min when n is far above the rank.
        lower, upper = smallest / 2, smallest
        while self.fractions(np.array(lower - smallest))[1] > 0:
            lower /= 16
            if lower < 1e-15 * smallest:
                return 0.0
        for _ in range(200):
            middle = np.sqrt(lower) * np.sqrt(upper)
            if self.fractions(np.array(middle - smallest))[1] < 0:
                lower = middle
            else:
                upper = middle
            if upper - lower <= 1e-12 * upper:
                break
        # The lower end keeps kappa away from 0, where zero levels give 0/0; s is
        # stationary at the root, so either end of the bracket gives the edge.
        value, _ = self.s_of_kappa(np.array(lower - smallest))
        return max(-float(value), 0.0)

    def df2(self, kappa):
        """``df_2(kappa) = sum_k B xi_k^2 / (xi_k + kappa)^2`` for each entry of ``kappa``."""
        kappa = np.asarray(kappa)[..., None]
        # The ratio first keeps (xi + kappa)^2 from overflowing at huge ridges.
        ratio = self.eigenvalues / (self.eigenvalues + kappa)
        return (self.masses * ratio / (self.eigenvalues + kappa)).sum(axis=-1)

    def fractions(self, kappa):
        """Return ``1 - df_1(kappa)/n`` and ``1 - df_2(kappa)/n`` for each entry of ``kappa``.

        In general these are formed directly. For a finite rank ``r <= 2n``
        the levels are split by ``xi_k > |kappa|`` ("above", rank ``r_a``), and
        with ``rho_k = kappa/(xi_k + kappa)``, ``sigma_k = xi_k/(xi_k + kappa)``
        and the multiplicities ``B_k`` they are

            (n - r_a)/n + (1/n) [sum_above B_k rho_k - sum_below B_k sigma_k],
            (n - r_a)/n + (1/n) [sum_above B_k rho_k (2 - rho_k) - sum_below B_k sigma_k^2].

        Every sum has small terms, so nothing cancels when ``n`` is at or next
        to ``r_a``, where the direct form loses every digit.
        """
        inverse = 1 / (self.eigenvalues + kappa[..., None])
        if self._counts is None:
            df1 = inverse @ self.masses
            # xi/(xi + kappa) first: inverse^2 alone overflows for xi + kappa below 1e-154.
            df2 = (inverse * (self.eigenvalues * inverse)) @ self.masses
            return 1 - df1 / self.n, 1 - df2 / self.n
        rho = kappa[..., None] * inverse
        sigma = self.eigenvalues * inverse
        above = self.eigenvalues > np.abs(kappa)[..., None]
        gap = (self.n - above @ self._counts) / self.n
        first = np.where(above, rho, -sigma) @ self._counts
        second = np.where(above, rho * (2 - rho), -sigma * sigma) @ self._counts
        return gap + first / self.n, gap + second / self.n

    def overlap_complement(self, kappa_rows, kappa_columns, rows, columns, overlap):
        """Return ``1 - Q_12`` for the grids of each window, given ``R = 1/(xi + kappa)``.

        ``Q_12 = (1/n) sum_k B_k sigma_1k sigma_2k``. With the split of
        :meth:`fractions`, made once per window at its real node, this is
        ``(n - r_a)/n + (1/n) [sum_above B_k (rho_1k + rho_2k - rho_1k rho_2k)
        - sum_below B_k sigma_1k sigma_2k]``.
        """
        if self._counts is None:
            return 1 - overlap
        rho_rows, rho_columns = kappa_rows[..., None] * rows, kappa_columns[..., None] * columns
        sigma_rows, sigma_columns = self.eigenvalues * rows, self.eigenvalues * columns
        above = self.eigenvalues > np.abs(kappa_rows[:, :1])  # (window, level)
        counts_above = np.where(above, self._counts, 0.0)[:, None, :]
        counts_below = np.where(above, 0.0, self._counts)[:, None, :]
        gap = (self.n - (above @ self._counts))[:, None, None] / self.n
        singles = (rho_rows * counts_above).sum(axis=-1)[:, :, None] + (
            rho_columns * counts_above
        ).sum(axis=-1)[:, None, :]
        both = (rho_rows * counts_above) @ rho_columns.transpose(0, 2, 1)
        below = (sigma_rows * counts_below) @ sigma_columns.transpose(0, 2, 1)
        return gap + (singles - both - below) / self.n

    def s_of_kappa(self, kappa):
        """``s(kappa) = kappa (1 - df_1/n)`` and its derivative ``1 - df_2/n``."""
        first, second = self.fractions(kappa)
        return kappa * first, second

    def solve_real(self, s):
        """``kappa(s)`` for real ``s > 0`` by Newton's method from the right.

        ``s(kappa)`` is increasing and convex to the right of the root, and
        ``kappa = s + h(1)/n`` lies there, so the iterates decrease monotonically.
        """
        kappa = s + self.masses.sum() / self.n
        # Far above the root, Newton's first step cancels s against kappa and loses
        # it to rounding, so first come down by factors of 16 while s(kappa) >= s,
        # which is true exactly to the right of the root (256 factors span float64).
        for _ in range(256):
            smaller = kappa / 16
            value, _ = self.s_of_kappa(smaller)
            down = value >= s
            if not down.any():
                break
            kappa = np.where(down, smaller, kappa)
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
        _, slope = self.s_of_kappa(kappa[:, 0])
        for j in range(1, s.shape[1]):
            kappa[:, j], slope = self._step(s[:, j - 1], kappa[:, j - 1], slope, s[:, j])
        return kappa

    def _step(self, s_from, kappa_from, slope_from, s_to, depth=0):
        """Continue ``kappa`` from ``s_from`` to ``s_to``; return it and ``ds/dkappa`` there."""
        kappa, slope, ok = self._newton(s_from, kappa_from, slope_from, s_to)
        if ok.all():
            return kappa, slope
        if depth >= MAX_SUBSTEP_HALVINGS:
            raise ArithmeticError(
                "the complex fixed point kappa(s) did not converge along the contour "
                f"even with steps shortened {2**depth} times; n = {self.n:.17g} and the "
                f"rank of the kernel is {self.rank:.17g}, and n at or next to the rank "
                "is the usual cause"
            )
        bad = ~ok
        middle = (s_from[bad] + s_to[bad]) / 2
        kappa_middle, slope_middle = self._step(
            s_from[bad], kappa_from[bad], slope_from[bad], middle, depth + 1
        )
        kappa[bad], slope[bad] = self._step(
            middle, kappa_middle, slope_middle, s_to[bad], depth + 1
        )
        return kappa, slope

    def _newton(self, s_from, kappa_from, slope_from, s_to):
        """Take a tangent predictor, then Newton steps, checking the residual before the last step.

        Newton's method converges quadratically, so once a step is below
        ``1e-8 |kappa|`` the next one is at rounding level: it is taken without
        evaluating its result again.
        """
        kappa = kappa_from + (s_to - s_from) / slope_from
        for _ in range(NEWTON_ITERATIONS):
            value, slope = self.s_of_kappa(kappa)
            step = (value - s_to) / slope
            kappa = kappa - step
            if np.all(np.abs(step) <= 1e-8 * np.abs(kappa)):
                break
        value, slope = self.s_of_kappa(kappa)
        scale = np.maximum(np.abs(s_to), np.abs(kappa))
        ok = np.abs(value - s_to) <= RESIDUAL_TOLERANCE * scale
        kappa = kappa - (value - s_to) / slope
        # The right branch maps the upper half plane into itself.
        ok &= kappa.imag >= -RESIDUAL_TOLERANCE * np.abs(kappa)
        ok &= np.isfinite(kappa)
        return kappa, slope, ok


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
        Nodes ``M`` per variable in the upper half of the contour, in
        ``[8, 24]``; the worst one-variable error is about ``3e-13`` at 16 and
        ``5e-14`` at 18, and float64 rounding takes over beyond 18.

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
        steps than the inversion resolves (about ``0.4 (nodes + 4)``, 9 at
        the default).
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

    The finite times are grouped into windows ``[T/2, T]``; the fixed point
    and the transforms are evaluated once per window, and each time costs a
    few small matrix products. The float64 inversion is checked against a
    second node count (``nodes + 4``, or ``nodes - 4`` above 20) at the first
    and last time of every window, and a warning is issued where they differ
    by more than ``ABSOLUTE_ACCURACY`` times ``noise + sum_k F_k^2``; training
    risks below that level are rounding noise. Beyond the slowest time scale of ``K/n``
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
    # the curves equal their t = 0 values (and the contour nodes zeta/T would overflow).
    # The zero kernel without weight decay has rate 0: every finite time is at the start.
    scale = float(problem.masses.sum() / problem.n + problem.eigenvalues.max() + ridge)
    start = times < (1e-17 / scale if scale > 0 else np.inf)
    bias[start] = target.total_energy
    variance[start] = 0.0
    train[start] = target.noise + target.total_energy
    by_degree[start] = problem.collapse(problem.energies)

    # Beyond the slowest empirical time scale the curves sit at their t = inf
    # values to float64 precision; the inversion would only add round-off.
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
            f"nodes must be an integer in [8, 24], got {nodes!r}: fewer truncate above "
            f"1e-6 of the initial risk, and with more float64 rounding dominates"
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


def _second_node_count(nodes):
    """Return the node count of the check: 4 more, or 4 fewer above 20 where rounding dominates."""
    return nodes + 4 if nodes <= 20 else nodes - 4


def _least_top(nodes, step_size):
    """Return the smallest window end for gradient descent: ``eta Im(w) < pi`` at every node.

    The map ``w -> (exp(eta w) - 1)/eta`` wraps the contour once around the
    spectrum only while ``eta Im(w) < pi``; both node counts must satisfy it.
    """
    if step_size is None:
        return 0.0
    highest = max(
        laplace.hyperbola_nodes(count)[0].imag.max()
        for count in (nodes, _second_node_count(nodes))
    )
    return step_size * highest / np.pi * (1 + 1e-12)


def _contour(zeta, tops, step_size):
    """Return the nodes ``s`` and Jacobians ``ds/dw`` of each window, from ``w = zeta / T``."""
    w = zeta[None, :] / tops[:, None]
    if step_size is None:
        return w, np.ones_like(w)
    return np.expm1(step_size * w) / step_size, np.exp(step_size * w)


def _flow(problem, times, nodes, ridge, step_size):
    """Bias, variance, training risk and bias per degree at finite times, with a self-check.

    The first and last time of every window are inverted a second time with 4
    more nodes (4 fewer above 20, where rounding would dominate): the error of
    the rule over its test family peaks at the two ends of a window
    (``derivations/hyperbolic_contour.py``). Truncation errors fall by about three
    decades per 4 nodes, so a small difference means both sums are accurate.
    A large one flags truncation, rounding, or a contour that the solver got wrong.
    """
    least_top = _least_top(nodes, step_size)
    if times.min() < least_top / laplace.WINDOW_RATIO:
        raise NotImplementedError(
            f"gradient descent over fewer than "
            f"{math.ceil(least_top / laplace.WINDOW_RATIO / step_size)} steps is outside the "
            f"range of the {nodes}-node contour; got {times.min() / step_size:g} steps"
        )
    if times.max() > MAX_FINITE_TIME:
        raise ValueError(
            f"finite t above {MAX_FINITE_TIME:g} is outside the range of the inversion (the "
            f"training risk needs 2t), got t = {times.max():g}; use t = inf for the end point"
        )
    tops, window_of = laplace.windows(times, least_top=least_top)
    other = _second_node_count(nodes)
    main, second = _solve_windows(problem, (nodes, other), tops, ridge, step_size)
    values = _invert(problem, times, window_of, main, ridge)
    checked = _window_ends(times, window_of, tops.size)
    check = _invert(problem, times[checked], window_of[checked], second, ridge, per_level=False)
    tolerance = ABSOLUTE_ACCURACY * (problem.noise + problem.energies.sum())
    gap = max(np.max(np.abs(a[checked] - b)) for a, b in zip(values[:3], check[:3]))
    if not gap <= tolerance:
        warn(
            f"the Laplace inversion with {nodes} and {other} nodes differs by {gap:.3g}, "
            f"more than the stated accuracy {tolerance:.3g}; the curves may be inaccurate "
            f"at some of the times {times.min():.3g} to {times.max():.3g}"
        )
    return values


def _window_ends(times, window_of, count):
    """Return the indices of the smallest and the largest time of each of ``count`` windows."""
    order = np.lexsort((times, window_of))
    starts = np.searchsorted(window_of[order], np.arange(count))
    ends = np.append(starts[1:], times.size) - 1
    return np.unique(np.concatenate([order[starts], order[ends]]))


class _Windows(NamedTuple):
    """One contour per window: reduced nodes and weights, ``s``, ``ds/dw`` and ``kappa(s + ridge)``.

    Rows ``0..W-1`` of ``s``, ``jacobian`` and ``kappa`` belong to the windows
    ending at ``tops``. Without weight decay, rows ``W..2W-1`` belong to windows
    ending at ``2 tops``, for the training risk at ``2t``.
    """

    zeta: np.ndarray
    weight: np.ndarray
    tops: np.ndarray
    s: np.ndarray
    jacobian: np.ndarray
    kappa: np.ndarray


def _solve_windows(problem, node_counts, tops, ridge, step_size):
    """Solve the fixed point on the contour of every window, for each node count at once.

    The contours are solved together, so the continuation along them costs the
    Python overhead of the longest one only. Shorter ones are padded by
    repeating their last node, where Newton's method stops at once.
    """
    ends = np.concatenate([tops, 2 * tops]) if ridge == 0 else tops
    longest = max(node_counts)
    parts = []
    for count in node_counts:
        zeta, weight = laplace.hyperbola_nodes(count)
        s, jacobian = _contour(zeta, ends, step_size)
        parts.append((zeta, weight, s, jacobian))
    padded = np.concatenate(
        [np.pad(s, ((0, 0), (0, longest - s.shape[1])), mode="edge") for *_, s, _ in parts]
    )
    kappa = problem.solve_contour(padded + ridge, problem.solve_real(padded[:, 0].real + ridge))
    _check_tail(problem, kappa)
    solved = []
    for index, (zeta, weight, s, jacobian) in enumerate(parts):
        rows = slice(index * ends.size, (index + 1) * ends.size)
        solved.append(_Windows(zeta, weight, tops, s, jacobian, kappa[rows, : zeta.size]))
    return solved


def _invert(problem, times, window_of, windows, ridge, per_level=True):
    """Invert the transforms at ``times``, where time ``i`` lies in window ``window_of[i]``.

    The fixed point and the two-variable transforms are evaluated once per
    window, on ``M`` upper nodes against ``2M - 1`` contour nodes. Each time then
    costs a few small matrix products, whose size grows with the number of levels
    for the split by degree.
    """
    zeta, weight, tops, s, jacobian, kappa = windows
    count = tops.size
    separate_train = ridge == 0
    if separate_train:
        # Without weight decay the squared residual is one exponential in 2t.
        kappa_train = kappa[count:]
        g = problem.noise / kappa_train + (
            problem.energies / (problem.eigenvalues + kappa_train[..., None])
        ).sum(axis=-1)
        transform = jacobian[count:] * g

    # Two-variable transforms of each window: rows over the upper nodes,
    # columns over the whole contour (see laplace.invert_pair). They are formed
    # as T^2 F(s_1, s_2), with zeta = s T in the denominators and the weights
    # without their factors 1/T, so that nothing underflows at times near 1e300.
    s_rows, kappa_rows, jacobian_rows = s[:count], kappa[:count], jacobian[:count]

    def columns_of(rows):
        return np.concatenate([rows, np.conj(rows[:, 1:])], axis=1)

    # R = 1/(xi + kappa), and rho = kappa R and xi R, which stay below about 1.
    rows = 1 / (problem.eigenvalues + kappa_rows[..., None])
    columns = 1 / (problem.eigenvalues + columns_of(kappa_rows)[..., None])
    rho_rows = kappa_rows[..., None] * rows
    rho_columns = columns_of(kappa_rows)[..., None] * columns
    weighted_columns = (problem.masses / problem.n) * columns
    # kappa_1 kappa_2 E_12 and Q_12 = (1/n) sum_k m_k xi_k R_1k R_2k.
    energy = (rho_rows * problem.energies) @ rho_columns.transpose(0, 2, 1)
    overlap = (problem.eigenvalues * rows) @ weighted_columns.transpose(0, 2, 1)
    reduced = jacobian_rows / (s_rows * tops[:, None])
    complement = problem.overlap_complement(
        kappa_rows, columns_of(kappa_rows), rows, columns, overlap
    )
    common = reduced[:, :, None] * columns_of(reduced)[:, None, :] / complement
    transforms = [energy * common, problem.noise * overlap * common]
    if not separate_train:
        kappas = kappa_rows[:, :, None] * columns_of(kappa_rows)[:, None, :]
        ridges = (s_rows[:, :, None] + ridge) * (columns_of(s_rows)[:, None, :] + ridge)
        transforms.append(ridges * (problem.noise + energy) / kappas * common)
    transforms = np.stack(transforms, axis=1)
    # Level k of the bias is the transform
    #   R_1k R_2k (F_k^2 kappa_1 kappa_2 (1 - Q_12) + (m_k xi_k/n) kappa_1 kappa_2 E_12) common
    # with common = J_1 J_2 / (s_1 s_2 (1 - Q_12)). The first part is the product of
    # rho_k J/s over the two variables, and its inversion the product of two
    # one-variable sums.

    # Columns of values: bias, variance, training risk, then the bias of each level.
    # All but the training risk without weight decay come from the grids.
    levels = problem.eigenvalues.size if per_level else 0
    values = np.empty((times.size, 3 + levels))
    paired = np.r_[0 : transforms.shape[1], 3 : 3 + levels]
    block = max(1, LEVEL_BLOCK // ((3 + levels) * (2 * zeta.size - 1)))
    order = np.argsort(window_of, kind="stable")
    bounds = np.searchsorted(window_of[order], np.arange(count + 1))
    for window in range(count):
        members = order[bounds[window] : bounds[window + 1]]
        grids = transforms[window]
        if per_level:
            # (level, row, column): (xi_k R_1k) ((m_k/n) R_2k) kappa_1 kappa_2 E_12 common.
            shared = (problem.eigenvalues * rows[window]).T[:, :, None] * transforms[window, 0]
            grids = np.concatenate([grids, shared * weighted_columns[window].T[:, None, :]])
            separable_rows = reduced[window][:, None] * rho_rows[window]
            separable_columns = columns_of(reduced)[window][:, None] * rho_columns[window]
        for start in range(0, members.size, block):
            part = members[start : start + block]
            upper, full = laplace.time_weights(
                zeta, weight, times[part], np.full(part.size, tops[window])
            )
            if separate_train:
                # The weights of 2t on the contour of the window ending at 2T are half those of t.
                values[part, 2] = 0.5 * (upper @ transform[window]).real
            # The grids are T^2 F(s_1, s_2), so the weights drop their factors 1/T.
            upper *= tops[window]
            full *= tops[window]
            values[np.ix_(part, paired)] = laplace.invert_pair(grids, upper, full).T
            if per_level:
                first = upper @ separable_rows
                second = full @ separable_columns
                values[part, 3:] += problem.energies * (first * second).real
    bias, variance, train = values[:, 0], values[:, 1], values[:, 2]
    if not per_level:
        return bias, variance, train, None
    return bias, variance, train, problem.collapse(values[:, 3:])


def _clip_rounding(values, scale):
    """Set negative inverted values to 0: each curve is a mean of squares, so it is ``>= 0``.

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
                f"the Laplace inversion returned a risk of {curve.min():.3g} < 0, beyond its "
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
    # 1 - df_2/n is 0 exactly at the interpolation threshold, where every
    # non-zero part of the bias and the variance is infinite and zero parts stay 0.
    with np.errstate(divide="ignore"):
        inflation = np.broadcast_to(1 / problem.fractions(kappa)[1], kappa.shape)

    def inflate(part):
        return np.multiply(inflation, part, out=np.zeros_like(part), where=part != 0)

    inverse = 1 / (problem.eigenvalues + kappa[:, None])
    direct = problem.energies * (kappa[:, None] * inverse) ** 2
    bias = inflate(direct.sum(axis=-1))
    share = (problem.masses * inverse) * (problem.eigenvalues * inverse) / problem.n
    spread = np.multiply(share, bias[:, None], out=np.zeros_like(share), where=share != 0)
    by_level = direct + spread
    variance = inflate(problem.noise * df2 / problem.n)
    # The interpolant (ridge 0) fits every label: its training risk is 0 even
    # where bias and variance diverge at the interpolation threshold.
    total = problem.noise + bias + variance
    factor = np.broadcast_to((ridge / kappa) ** 2, total.shape)
    train = np.multiply(factor, total, out=np.zeros_like(total), where=factor > 0)
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
        # df_1(kappa) - n
        return -n * float(problem.fractions(np.array(kappa))[0])

    upper = problem.masses.sum() / n
    lower = upper
    while excess(lower) < 0:
        lower /= 16
        if lower < 1e-300:
            raise ArithmeticError("no interpolation ridge kappa_0 found above 1e-300")
    for _ in range(200):
        middle = np.sqrt(lower) * np.sqrt(upper)
        if excess(middle) > 0:
            lower = middle
        else:
            upper = middle
        if upper - lower <= 1e-15 * upper:
            break
    return np.sqrt(lower) * np.sqrt(upper)


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
    for name, value in (("n", n), ("ridge", ridge)):
        _check_real(value, name)
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


def _check_real(value, name):
    """Raise ``TypeError`` unless ``value`` is a real number or an array of them (not bool)."""
    array = np.asarray(value)
    if array.dtype.kind == "O":
        real = all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in array.flat)
    else:
        real = array.dtype.kind in "iuf"
    if not real:
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")


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
