"""Limit curves of gradient flow as ``d -> inf`` with ``n = d^alpha`` and ``t = c d^gamma``.

The kernel enters only through its Taylor coefficients ``a_m = h^(m)(0)/m!`` at
0 and ``h(1)``. For fixed ``k`` the eigenvalue of degree ``k`` behaves as

    d^{e_k} xi_{d,k} -> c_k,   e_k = k + j,   c_k = (k + 2j)! a_{k+2j} / (2^j j!),

where ``j`` is the smallest ``j >= 0`` with ``a_{k+2j} != 0``; when ``a_k > 0``
this is ``d^k xi_{d,k} -> h^(k)(0)``. (The monomial ``u^m`` puts
``m! / (2^m j! (d/2)_{k+j})`` on degree ``k = m - 2j``.) A degree with no
non-zero coefficient of its parity above it has ``xi_{d,k} = 0`` for every
``d`` and is never learned.

Time convention: gradient flow on half the squared loss, the empirical loss
averaged over ``n``, from ``f_0 = 0``. The oracle learns degree ``k`` as
``1 - exp(-xi_{d,k} t)``, so its residual energy is ``exp(-2 xi_{d,k} t)``,
which tends to ``exp(-2 c c_k)`` at ``t = c d^{e_k}``. With ``l = floor(alpha)``
the empirical world learns the degrees ``k <= l`` with ``e_k < alpha`` (the
others sit below the effective ridge ``T_{>l}/n``) and fits the rest of the
labels as noise: its training risk on that part falls as
``exp(-2 T^inf_{>l} t/n)`` with ``T^inf_{>l} = h(1) - sum_{k<=l} a_k``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import mpmath
import numpy as np

from .kernels import Kernel
from .targets import Target

__all__ = ["MAX_LIMIT_DEGREE", "LimitCurves", "LimitRate", "limit_curves", "limit_rates"]

# Highest Taylor coefficient the limits consult; a degree whose parity has no
# non-zero coefficient up to here is treated as never learned.
MAX_LIMIT_DEGREE = 1000
# Degrees beyond the target searched for the first learnable degree above floor(alpha).
EXTRA_DEGREES = 10


class LimitRate(NamedTuple):
    """Leading behaviour ``xi_{d,k} ~ constant / d^exponent`` of one degree.

    Attributes
    ----------
    degree : int
        ``k``.
    exponent : float
        ``e_k``: the oracle learns degree ``k`` at ``t ~ d^{e_k}``; ``inf``
        when ``xi_{d,k} = 0`` for every ``d``.
    constant : float
        ``c_k = lim d^{e_k} xi_{d,k}`` (``h^(k)(0)`` when ``a_k != 0``; 0 when
        the degree is never learned).
    """

    degree: int
    exponent: float
    constant: float


class LimitCurves(NamedTuple):
    """Limits of the three risk curves at ``t = scale * d^gamma``, ``n = d^alpha``.

    Attributes
    ----------
    gamma, scale : numpy.ndarray
        Time exponent and prefactor, broadcast to a common shape.
    stage : numpy.ndarray of int
        1 for ``gamma < alpha``; 2 for ``alpha <= gamma < gamma_3`` (none when
        the kernel has no mass above ``floor(alpha)``); 3 for
        ``gamma >= gamma_3``, where ``gamma_3`` is the exponent at which the
        oracle learns the first degree the empirical world cannot (usually
        ``floor(alpha) + 1``).
    oracle, test, train : numpy.ndarray
        Limits of the oracle risk, test risk (both including the noise
        ``sigma^2``) and training risk ``(1/n) sum_i (y_i - f(x_i))^2``.
    """

    gamma: np.ndarray
    scale: np.ndarray
    stage: np.ndarray
    oracle: np.ndarray
    test: np.ndarray
    train: np.ndarray


def limit_rates(kernel, max_degree):
    """Exponent and constant of ``xi_{d,k} ~ c_k d^{-e_k}`` for ``k = 0..max_degree``.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients.
    max_degree : int
        Highest degree listed, ``0 <= max_degree < 1000``.

    Returns
    -------
    list of LimitRate

    Examples
    --------
    >>> from asymptotics import kernels
    >>> [(r.exponent, round(r.constant, 6)) for r in limit_rates(kernels.relu_ntk(), 3)]
    [(0, 0.31831), (1, 1.0), (2, 0.95493), (inf, 0.0)]
    >>> [(r.exponent, r.constant) for r in limit_rates(kernels.polynomial([0, 0, 0, 0, 1]), 2)]
    [(2, 3.0), (inf, 0.0), (3, 12.0)]
    """
    _check_kernel(kernel)
    if isinstance(max_degree, bool) or not isinstance(max_degree, (int, np.integer)):
        raise TypeError(
            f"max_degree must be an integer in [0, {MAX_LIMIT_DEGREE}), got {max_degree!r}"
        )
    if not 0 <= max_degree < MAX_LIMIT_DEGREE:
        raise ValueError(f"max_degree must be in [0, {MAX_LIMIT_DEGREE}), got {max_degree}")
    rates = []
    with mpmath.workdps(30):
        for k in range(int(max_degree) + 1):
            rates.append(_rate(kernel, k))
    return rates


def _rate(kernel, k):
    """``LimitRate`` of degree ``k`` from the first non-zero coefficient ``a_{k+2j}``."""
    for j in range((MAX_LIMIT_DEGREE - k) // 2 + 1):
        m = k + 2 * j
        if kernel.coefficient_is_zero(m):
            if _parity_is_zero_from(kernel, m):
                break
            continue
        a = kernel.taylor_coefficient(m)
        if a < 0:
            raise ValueError(
                f"kernel {kernel.name!r} has a_{m} = {mpmath.nstr(a, 6)} < 0 as the leading "
                f"coefficient of degree {k}: xi_{{d,{k}}} < 0 for large d, so the kernel is not "
                f"positive semidefinite in high dimension"
            )
        if a != 0:
            constant = mpmath.factorial(m) * a / (2**j * mpmath.factorial(j))
            return LimitRate(k, k + j, float(constant))
    return LimitRate(k, math.inf, 0.0)


def _parity_is_zero_from(kernel, m):
    """Return whether ``a_{m'} = 0`` for every ``m' >= m`` of the parity of ``m``."""
    if kernel.polynomial_coefficients is not None:
        return all(c == 0 for c in kernel.polynomial_coefficients[m::2])
    if kernel.zero_coefficients is not None:
        parity, start = kernel.zero_coefficients
        return m % 2 == parity and m >= start
    return False


def _check_kernel(kernel):
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be an asymptotics.Kernel, got {type(kernel).__name__}")
    if not kernel.has_coefficients:
        raise ValueError(f"kernel {kernel.name!r} has no Taylor coefficients; the limit needs them")


def high_mass(kernel, degree):
    """``T^inf_{>l} = h(1) - sum_{k <= l} a_k``, the kernel mass above degree ``l`` as ``d -> inf``.

    Exact for polynomial kernels, so a kernel of degree ``<= l`` gives exactly
    0; otherwise evaluated with 30 significant digits.
    """
    if kernel.polynomial_coefficients is not None:
        return float(sum(kernel.polynomial_coefficients[degree + 1 :], Fraction(0)))
    with mpmath.workdps(30):
        low = mpmath.fsum(kernel.taylor_coefficient(k) for k in range(degree + 1))
        return float(kernel.at_one() - low)


def check_alpha(alpha):
    """Return ``alpha`` as a float after checking it is positive and not an integer."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise TypeError(f"alpha must be a finite real number, got {alpha!r}")
    if not math.isfinite(alpha):
        raise TypeError(f"alpha must be a finite real number, got {alpha!r}")
    if alpha <= 0 or float(alpha).is_integer():
        raise ValueError(
            f"alpha must be positive and not an integer, got {alpha}; at integer exponents "
            f"use asymptotics.polynomial_regime"
        )
    return float(alpha)


class _Limit:
    """Per-degree limit data of one ``(kernel, target, alpha)``."""

    def __init__(self, kernel, target, alpha):
        _check_kernel(kernel)
        if not isinstance(target, Target):
            raise TypeError(f"target must be an asymptotics.Target, got {type(target).__name__}")
        self.alpha = check_alpha(alpha)
        self.degree = math.floor(self.alpha)
        top = max(target.max_degree, self.degree) + 1
        if top >= MAX_LIMIT_DEGREE:
            raise ValueError(
                f"alpha = {alpha} and target degrees up to {target.max_degree} need the limit "
                f"to degree {top}; it covers degrees below {MAX_LIMIT_DEGREE}"
            )
        self.rates = limit_rates(kernel, top)
        # Look a few degrees further for the first learnable degree above l, which
        # ends stage 2 when no target degree does (the ReLU NTK skips odd degrees).
        with mpmath.workdps(30):
            while not any(
                r.degree > self.degree and math.isfinite(r.exponent) for r in self.rates
            ) and len(self.rates) < min(top + EXTRA_DEGREES, MAX_LIMIT_DEGREE):
                self.rates.append(_rate(kernel, len(self.rates)))
        self.high_mass = high_mass(kernel, self.degree)
        self.noise = target.noise
        self.energies = target.energies
        # Learned by the empirical world: degree <= l and eigenvalue above T/n ~ d^-alpha.
        self.empirical = {
            r.degree for r in self.rates if r.degree <= self.degree and r.exponent < self.alpha
        }
        self.third_stage = self._third_stage()

    def _third_stage(self):
        """Exponent where the oracle first learns a degree the empirical world cannot."""
        missed = [r for r in self.rates if r.degree not in self.empirical]
        with_energy = [r.exponent for r in missed if self.energies.get(r.degree, 0.0) > 0]
        candidates = [e for e in with_energy if math.isfinite(e)] or [
            r.exponent for r in missed if r.degree > self.degree and math.isfinite(r.exponent)
        ]
        return min(candidates, default=math.inf)

    def residual(self, rate, gamma, scale):
        """Limit of ``exp(-2 xi_{d,k} t)`` at ``t = scale d^gamma``."""
        if not math.isfinite(rate.exponent):
            return np.ones_like(gamma)
        step = np.exp(-2 * scale * rate.constant)
        return np.where(gamma < rate.exponent, 1.0, np.where(gamma > rate.exponent, 0.0, step))


def limit_curves(kernel, target, alpha, gamma, *, scale=1.0):
    """Limits of the oracle, test and training risk as ``d -> inf``.

    The sample size is ``n = d^alpha`` and the time ``t = scale * d^gamma``.
    Between the exponents where something is learned the limits are plateaus.
    At ``gamma = e_k`` (degree ``k`` learned, ``e_k = k`` when
    ``h^(k)(0) > 0``) the limit keeps the transition shape: degree ``k``'s
    residual energy is ``exp(-2 scale c_k)`` with ``c_k = h^(k)(0)``. At
    ``gamma = alpha`` the training risk on the part fitted as noise is
    ``exp(-2 scale T^inf_{>l})`` times its plateau. So ``scale`` sweeps a
    transition window at a fixed ``gamma``.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients ``a_k = h^(k)(0)/k!``.
    target : Target
        Degree energies (held fixed as ``d`` grows) and noise ``sigma^2``.
    alpha : float
        Sample exponent, positive and not an integer.
    gamma : float or array_like
        Time exponents, ``>= 0`` (``inf`` allowed).
    scale : float or array_like
        Prefactor ``c > 0`` of the time, broadcast against ``gamma``.

    Returns
    -------
    LimitCurves
        Oracle and test risk include the noise; the training risk is the mean
        squared residual (no factor 1/2). Time unit: gradient flow on half the
        squared loss, empirical loss averaged over ``n``.

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    >>> curves = limit_curves(kernels.relu_ntk(), target, 1.5, [0.5, 1.2, 1.7, 2.5])
    >>> curves.stage.tolist(), curves.oracle.tolist(), curves.train.tolist()
    ([1, 1, 2, 3], [3.25, 2.25, 2.25, 1.25], [3.25, 2.25, 0.0, 0.0])
    >>> step = limit_curves(kernels.exponential(), Target({1: 1.0}), 1.5, 1.0, scale=0.5)
    >>> bool(np.isclose(step.oracle[0], np.exp(-1.0)))
    True
    """
    limit = _Limit(kernel, target, alpha)
    gamma, scale = _check_exponents(gamma, scale)

    oracle = np.full(gamma.shape, limit.noise)
    learned = np.zeros(gamma.shape)
    unlearned = np.full(gamma.shape, limit.noise)
    for rate in limit.rates:
        energy = limit.energies.get(rate.degree, 0.0)
        if energy == 0:
            continue
        residual = energy * limit.residual(rate, gamma, scale)
        oracle = oracle + residual
        if rate.degree in limit.empirical:
            learned = learned + residual
        else:
            unlearned = unlearned + energy

    # The part of the labels the empirical world cannot learn is interpolated
    # at t ~ n at the rate 2 T^inf_{>l} / n of the flat high-degree bulk.
    fitted = np.exp(-2 * scale * limit.high_mass) if limit.high_mass > 0 else 1.0
    fraction = np.where(gamma < limit.alpha, 1.0, np.where(gamma > limit.alpha, 0.0, fitted))
    if limit.high_mass <= 0:
        fraction = np.ones_like(gamma)
    train = learned + fraction * unlearned
    # The test risk is the same sum with fraction 1, so train <= test is exact
    # in floating point (rounding is monotone).
    test = learned + unlearned

    # Without kernel mass above degree l the training risk never leaves the test
    # risk, so there is no stage 2.
    second = limit.alpha if limit.high_mass > 0 else limit.third_stage
    stage = np.where(gamma < second, 1, np.where(gamma < limit.third_stage, 2, 3))
    return LimitCurves(gamma, scale, stage, oracle, test, train)


def _check_exponents(gamma, scale):
    try:
        gamma = np.asarray(gamma, dtype=float)
        scale = np.asarray(scale, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"gamma and scale must be numbers or arrays of numbers: {error}") from None
    if np.isnan(gamma).any() or (gamma < 0).any():
        raise ValueError(f"gamma must be >= 0 (inf allowed), got {gamma}")
    if np.isnan(scale).any() or (scale <= 0).any() or np.isinf(scale).any():
        raise ValueError(f"scale must be finite and > 0, got {scale}")
    gamma, scale = np.broadcast_arrays(np.atleast_1d(gamma), np.atleast_1d(scale))
    return gamma.astype(float), scale.astype(float)
