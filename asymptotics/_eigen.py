"""Eigenvalues of dot-product kernels in arbitrary precision: series and quadrature engines.

All arithmetic here runs in mpmath at the working precision set by the caller.
The eigenvalue of degree ``k`` in dimension ``d`` is

    xi_{d,k} = E_{u ~ nu_d}[h(u) P_k(u)],   nu_d(du) = c_d (1 - u^2)^((d-3)/2) du,

computed either from the Taylor series of ``h`` (positive weights, no
cancellation when all ``a_m >= 0``) or by Gauss-Legendre quadrature in the angle
``theta = arccos u``, where the arc-cosine kernels are analytic.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath
from mpmath.calculus.quadrature import GaussLegendre

from .harmonics import gegenbauer_all, multiplicity

# Most terms a series may use before the quadrature engine takes over.
MAX_SERIES_TERMS = 4000
# Gauss-Legendre levels tried: level L has 3 * 2^(L-1) nodes.
MIN_QUADRATURE_LEVEL = 4
MAX_QUADRATURE_LEVEL = 11


class SeriesNotConverged(Exception):
    """The Taylor series would need more than ``MAX_SERIES_TERMS`` terms or more precision."""


def exact_eigenvalues(coefficients, d, max_degree):
    """Exact eigenvalues ``xi_{d,k}`` of a polynomial kernel as Fractions, ``k = 0..max_degree``.

    Uses ``xi_{d,k} = sum_j a_{k+2j} w_{k,j}`` with the rational weights
    ``w_{k,j} = (k+2j)! / (2^(k+2j) j! (d/2)_{k+j})``.
    """
    values = []
    w_first = Fraction(1)  # w_{k,0} = k! / (d (d+2) ... (d+2k-2))
    for k in range(max_degree + 1):
        if k > 0:
            w_first *= Fraction(k, d + 2 * (k - 1))
        total = Fraction(0)
        weight = w_first
        j = 0
        while k + 2 * j < len(coefficients):
            total += coefficients[k + 2 * j] * weight
            m = k + 2 * j
            weight *= Fraction((m + 1) * (m + 2), 4 * (j + 1)) / (Fraction(d, 2) + k + j)
            j += 1
        values.append(total)
    return values


def exact_second_moment(coefficients, d):
    """Exact ``E_{nu_d}[h(u)^2]`` for a polynomial ``h``, using ``E u^(2j) = (1/2)_j / (d/2)_j``."""
    square = [Fraction(0)] * (2 * len(coefficients) - 1)
    for i, a in enumerate(coefficients):
        for j, b in enumerate(coefficients):
            square[i + j] += a * b
    total = Fraction(0)
    moment = Fraction(1)
    for power in range(0, len(square), 2):
        if power > 0:
            j = power // 2
            moment *= Fraction(2 * j - 1, 2) / (Fraction(d, 2) + j - 1)
        total += square[power] * moment
    return total


class EigenEngine:
    """Eigenvalues of one kernel in one dimension at the current mpmath precision.

    ``tolerance`` is the relative accuracy requested of each eigenvalue. The
    engine caches Taylor coefficients and quadrature results between calls.
    """

    def __init__(self, kernel, d, tolerance):
        self.kernel = kernel
        self.d = d
        self.tolerance = tolerance
        self._coefficients = {}
        self._first_weights = [mpmath.mpf(1)]
        self._quadrature = None  # (max_degree, values, errors)
        self.series_failed = not kernel.has_coefficients

    def coefficient(self, m):
        if m not in self._coefficients:
            self._coefficients[m] = self.kernel.taylor_coefficient(m)
        return self._coefficients[m]

    def first_weight(self, k):
        """``w_{k,0} = k! / (d (d+2) ... (d+2k-2))``."""
        while len(self._first_weights) <= k:
            j = len(self._first_weights)
            self._first_weights.append(self._first_weights[-1] * j / (self.d + 2 * (j - 1)))
        return self._first_weights[k]

    def is_exact_zero(self, k):
        """Return whether every coefficient ``a_{k+2j}`` vanishes, so that ``xi_k = 0`` exactly."""
        kernel = self.kernel
        degree = kernel.polynomial_degree
        if degree is not None:
            return all(kernel.coefficient_is_zero(m) for m in range(k, degree + 1, 2))
        if kernel.zero_coefficients is not None:
            parity, start = kernel.zero_coefficients
            return k >= start and k % 2 == parity
        return False

    def _rest_vanishes(self, k, m):
        """Return whether ``a_m, a_{m+2}, ...`` all vanish by the kernel's declared parity."""
        if self.kernel.zero_coefficients is None:
            return False
        parity, start = self.kernel.zero_coefficients
        return m >= start and k % 2 == parity

    def series(self, k):
        """``xi_{d,k}`` from the Taylor series, or raise :class:`SeriesNotConverged`."""
        if self.is_exact_zero(k):
            return mpmath.mpf(0)
        degree = self.kernel.polynomial_degree
        d_half = mpmath.mpf(self.d) / 2
        weight = self.first_weight(k)
        total = mpmath.mpf(0)
        absolute = mpmath.mpf(0)
        previous = None
        j = 0
        while True:
            m = k + 2 * j
            if degree is not None and m > degree:
                break
            if self._rest_vanishes(k, m):
                break
            term = self.coefficient(m) * weight
            total += term
            absolute += abs(term)
            if term != 0:
                if self._series_done(abs(term), previous, j, absolute):
                    break
                previous = (j, abs(term))
            weight *= mpmath.mpf((m + 1) * (m + 2)) / (4 * (j + 1) * (d_half + k + j))
            j += 1
            if j > MAX_SERIES_TERMS:
                raise SeriesNotConverged(f"degree {k}: more than {MAX_SERIES_TERMS} terms")
        self._check_cancellation(k, total, absolute)
        return total

    def _series_done(self, term, previous, j, absolute):
        """Whether the remaining terms are below the tolerance.

        The remainder is estimated from the last two non-zero terms both as a
        geometric series and as a power law ``j^-p``. The larger estimate is
        used, so slowly decaying (arc-cosine-like) series are not stopped early.
        """
        if previous is None:
            return False
        j_previous, term_previous = previous
        ratio = term / term_previous
        if ratio >= 1:
            return False
        estimates = [term * ratio / (1 - ratio)]
        if j_previous > 0:
            exponent = mpmath.log(1 / ratio) / mpmath.log(mpmath.mpf(j) / j_previous)
            if exponent <= 1:
                return False
            estimates.append(term * j / (exponent - 1))
            remainder = max(estimates)
            needed = self._predicted_terms(term, j, exponent, absolute)
            if needed > MAX_SERIES_TERMS:
                raise SeriesNotConverged(f"about {int(min(needed, 1e18))} terms needed")
        else:
            remainder = estimates[0]
        return remainder <= self.tolerance * absolute * mpmath.mpf("0.01")

    def _predicted_terms(self, term, j, exponent, absolute):
        """Terms a power-law series ``term * (j/J)^p`` needs to reach the tolerance."""
        if j < 32:
            return 0
        goal = self.tolerance * mpmath.mpf("0.01") * absolute * (exponent - 1)
        return float((term * mpmath.mpf(j) ** exponent / goal) ** (1 / (exponent - 1)))

    def _check_cancellation(self, k, total, absolute):
        lost = absolute / abs(total) if total != 0 else mpmath.inf
        if absolute != 0 and lost * mpmath.mpf(10) ** (-mpmath.mp.dps + 2) > self.tolerance:
            raise SeriesNotConverged(
                f"degree {k}: the series cancels ({mpmath.nstr(lost, 3)}x); more precision needed"
            )

    def eigenvalue(self, k):
        """``xi_{d,k}`` and the method used (``"series"`` or ``"quadrature"``)."""
        if not self.series_failed:
            try:
                return self.series(k), "series"
            except SeriesNotConverged:
                self.series_failed = True
        if self.is_exact_zero(k):
            return mpmath.mpf(0), "series"
        return self.quadrature_eigenvalue(k), "quadrature"

    def quadrature_eigenvalue(self, k):
        if self._quadrature is None or self._quadrature[0] < k:
            # Compute a block of degrees at once: the recurrence yields them all.
            block = max(k, 8) + 8
            # Each integrand is about B(d, k)^(-1/2) while xi_k is about B(d, k)^(-1)
            # times the degree mass, so that many extra digits are carried.
            extra = int(cancellation_digits(self.d, block)) + 2
            with mpmath.workdps(mpmath.mp.dps + extra):
                values, errors = quadrature_eigenvalues(self.kernel, self.d, block, self.tolerance)
            self._quadrature = (block, values, errors)
        return self._quadrature[1][k]

    def quadrature_error(self, k):
        """Estimated absolute error of a quadrature eigenvalue (0 for the series)."""
        if self._quadrature is None or self._quadrature[0] < k:
            return mpmath.mpf(0)
        return self._quadrature[2][k]


def normalising_constant(d):
    """``c_d = Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2))`` at the current precision."""
    d = mpmath.mpf(d)
    return mpmath.exp(mpmath.loggamma(d / 2) - mpmath.loggamma((d - 1) / 2)) / mpmath.sqrt(mpmath.pi)


def _angle_window(d):
    """Interval of ``theta`` outside which ``sin(theta)^(d-2)`` is below the working precision."""
    if d <= 8:
        return mpmath.mpf(0), mpmath.pi
    digits = mpmath.mp.dps + 10
    half_width = mpmath.sqrt(2 * digits * mpmath.log(10) / (d - 2)) * mpmath.mpf("1.2")
    if half_width >= mpmath.pi / 2:
        return mpmath.mpf(0), mpmath.pi
    return mpmath.pi / 2 - half_width, mpmath.pi / 2 + half_width


@functools.lru_cache(maxsize=64)
def _reference_nodes(level, prec):
    """Gauss-Legendre nodes and weights on [-1, 1]; computing them dominates small jobs."""
    with mpmath.workprec(prec):
        return tuple(GaussLegendre(mpmath.mp).calc_nodes(level, prec))


def _gauss_legendre(level, a, b):
    nodes = _reference_nodes(level, mpmath.mp.prec)
    half = (b - a) / 2
    middle = (b + a) / 2
    return [(middle + half * x, half * w) for x, w in nodes]


def _integrate_angle(integrands, d, level):
    """Gauss-Legendre in ``theta`` of ``f(theta) sin(theta)^(d-2)`` for several ``f`` at once.

    ``integrands(theta, u)`` returns a list of values; the result lists the
    integrals and the integrals of the absolute values.
    """
    a, b = _angle_window(d)
    totals = None
    absolute = None
    for theta, weight in _gauss_legendre(level, a, b):
        density = weight * mpmath.sin(theta) ** (d - 2)
        values = integrands(theta, mpmath.cos(theta))
        if totals is None:
            totals = [mpmath.mpf(0)] * len(values)
            absolute = [mpmath.mpf(0)] * len(values)
        for i, value in enumerate(values):
            totals[i] += density * value
            absolute[i] += density * abs(value)
    return totals, absolute


def quadrature_eigenvalues(kernel, d, max_degree, tolerance):
    """Eigenvalues ``xi_0..xi_max_degree`` by Gauss-Legendre quadrature in the angle.

    The node count doubles until two successive rules agree to ``tolerance``
    relative to each eigenvalue (or to the round-off floor of its integrand,
    for eigenvalues that vanish). Returns ``(values, errors)``.
    """
    scale = normalising_constant(d)

    def integrands(theta, u):
        h_value = kernel.evaluate_angle(theta)
        return [h_value * p for p in gegenbauer_all(max_degree, d, u)]

    roundoff = mpmath.mpf(10) ** (-value_digits(kernel) + 3)
    previous = None
    for level in range(MIN_QUADRATURE_LEVEL, MAX_QUADRATURE_LEVEL + 1):
        totals, absolute = _integrate_angle(integrands, d, level)
        values = [scale * v for v in totals]
        floors = [scale * a * roundoff for a in absolute]
        if previous is not None:
            errors = [abs(v - p) for v, p in zip(values, previous)]
            if all(e <= max(tolerance * abs(v), f) for e, v, f in zip(errors, values, floors)):
                return values, [max(e, f) for e, f in zip(errors, floors)]
        previous = values
    raise ArithmeticError(
        f"quadrature of kernel {kernel.name!r} at d={d} did not converge to relative "
        f"accuracy {mpmath.nstr(tolerance, 2)} with {3 * 2 ** (MAX_QUADRATURE_LEVEL - 1)} nodes"
    )


def value_digits(kernel):
    """Decimal digits of the kernel's values: the working precision, or 16 for float64 functions."""
    return mpmath.mp.dps if kernel.accepts_mpmath else 16


def quadrature_second_moment(kernel, d, tolerance):
    """``E_{nu_d}[h(u)^2]`` by Gauss-Legendre quadrature in the angle."""
    tolerance = max(tolerance, mpmath.mpf(10) ** (-value_digits(kernel) + 3))
    scale = normalising_constant(d)

    def integrands(theta, u):
        return [kernel.evaluate_angle(theta) ** 2]

    previous = None
    for level in range(MIN_QUADRATURE_LEVEL, MAX_QUADRATURE_LEVEL + 1):
        value = scale * _integrate_angle(integrands, d, level)[0][0]
        if previous is not None and abs(value - previous) <= tolerance * abs(value):
            return value
        previous = value
    raise ArithmeticError(f"quadrature of E[h^2] for kernel {kernel.name!r} at d={d} did not converge")


def cancellation_digits(d, max_degree):
    """Decimal digits that quadrature of ``h P_k`` loses to cancellation: ``log10 sqrt(B(d, k))``."""
    return max(math.log10(multiplicity(d, max_degree)) / 2, 0.0)
