"""Vectorised float64 eigenvalues from the Taylor series, in scaled (mantissa, exponent) form.

The eigenvalue of degree ``k`` in dimension ``d`` is the series

    xi_{d,k} = sum_j a_{k+2j} w_{k,j},
    w_{k,j} = (k+2j)! / (2^(k+2j) j! (d/2)_(k+j)),

whose weights are positive. Every term is kept as a float64 mantissa times a
power of two, so that eigenvalues far below the float64 range (``d^-k`` at
``d = 10^6``, ``k = 200`` is about ``1e-1200``) keep their full relative
accuracy: rescaling by a power of two is exact, and each term carries only the
rounding of a few products. One numpy step handles all degrees at once for each
``j``; at large ``d`` a handful of steps suffice.

The engine raises :class:`FloatSeriesFailed` instead of returning fewer digits
than ``RELATIVE_TOLERANCE``. That happens when the series converges too
slowly, when its terms cancel, or when the tail of the spectrum cannot be
resolved in float64. The caller then uses the mpmath engine of
:mod:`asymptotics._eigen`.
"""

from __future__ import annotations

import logging
import math
import weakref

import mpmath
import numpy as np

from ._eigen import SeriesNotConverged
from ._validation import warn

from .harmonics import multiplicities

logger = logging.getLogger(__name__)

EPSILON = np.finfo(float).eps
# Relative accuracy each float64 eigenvalue must reach, or the mpmath engine is used.
RELATIVE_TOLERANCE = 1e-12
# Relative accuracy a tail trace obtained by subtraction must reach.
TAIL_TOLERANCE = 1e-12
# A series is summed until the estimated remainder is below this fraction of the sum.
REMAINDER_FRACTION = 1e-17
# Maximum number of series terms per eigenvalue before the mpmath engine takes over.
MAX_TERMS = 3000
# Degrees beyond max_degree summed directly for the tail trace.
TAIL_BLOCKS = (16, 64, 200)
# The two sums of the lumped tail, in the order _direct_tail returns them.
TAIL_NAMES = ("tail trace", "tail Hilbert-Schmidt norm")

_COEFFICIENTS = weakref.WeakKeyDictionary()
_PRECISE_COEFFICIENTS = weakref.WeakKeyDictionary()


class FloatSeriesFailed(Exception):
    """The float64 series cannot deliver ``RELATIVE_TOLERANCE``; use the mpmath engine."""


def scaled_int(value):
    """``(mantissa, exponent)`` with ``value = mantissa * 2**exponent`` for a Python int of any size."""
    shift = max(value.bit_length() - 60, 0)
    mantissa, exponent = math.frexp(float(value >> shift))
    return mantissa, exponent + shift


def _coefficients(kernel, count, required):
    """Mantissas and exponents of ``a_0 .. a_{count-1}``, cached per kernel.

    The coefficients come from ``kernel.taylor_coefficient`` at 20 digits, so
    coefficients below the float64 range (``1/m!`` for ``m > 170``) keep their
    relative accuracy in the exponent. A kernel that cannot supply ``count``
    coefficients returns fewer, but at least ``required``.
    """
    cache = _COEFFICIENTS.setdefault(kernel, ([], []))
    mantissas, exponents = cache
    if len(mantissas) < count:
        with mpmath.workdps(20):
            for m in range(len(mantissas), count):
                try:
                    value = kernel.taylor_coefficient(m)
                except SeriesNotConverged:
                    if m >= required:
                        break
                    raise
                if not mpmath.isfinite(value):
                    raise FloatSeriesFailed(f"coefficient a_{m} is {value}")
                mantissa, exponent = mpmath.frexp(value)
                mantissas.append(float(mantissa))
                exponents.append(int(exponent))
    return np.array(mantissas[:count]), np.array(exponents[:count], dtype=np.int64)


def _precise_coefficients(kernel, count):
    """``a_0 .. a_{count-1}`` as mpmath numbers at 30 digits, cached per kernel."""
    cache = _PRECISE_COEFFICIENTS.setdefault(kernel, [])
    with mpmath.workdps(30):
        cache.extend(kernel.taylor_coefficient(m) for m in range(len(cache), count))
    return cache[:count]


def _first_weights(d, degrees):
    """Scaled ``w_{k,0} = k! / (d (d+2) ... (d+2k-2))`` for ``k = 0 .. degrees-1``.

    Numerator and denominator are exact integers, so each weight is correctly
    rounded; a float64 running product would accumulate ``k`` roundings.
    """
    mantissas = np.empty(degrees)
    exponents = np.empty(degrees, dtype=np.int64)
    numerator, denominator = 1, 1
    for k in range(degrees):
        if k > 0:
            numerator *= k
            denominator *= d + 2 * (k - 1)
        # 64 significant bits of the quotient, then one rounding to float64.
        shift = 64 - numerator.bit_length() + denominator.bit_length()
        quotient = (numerator << shift) // denominator if shift >= 0 else (numerator // (denominator << -shift))
        mantissa, exponent = math.frexp(float(quotient))
        mantissas[k] = mantissa
        exponents[k] = exponent - shift
    return mantissas, exponents


def _add_scaled(sum_mantissa, sum_exponent, mantissa, exponent):
    """Add scaled numbers elementwise; the result has the larger of the two exponents."""
    empty = sum_mantissa == 0
    sum_exponent = np.where(empty, exponent, sum_exponent)
    common = np.where(mantissa == 0, sum_exponent, np.maximum(sum_exponent, exponent))
    total = np.ldexp(sum_mantissa, sum_exponent - common) + np.ldexp(mantissa, exponent - common)
    total, shift = np.frexp(total)
    return total, np.where(total == 0, 0, common + shift)


def series_eigenvalues(kernel, d, degrees, split=None):
    """Scaled eigenvalues ``xi_{d,k}`` for ``k`` in ``degrees`` (an int array).

    Returns ``(mantissas, exponents, relative_errors)``, and with ``split`` also
    ``(high_mantissas, high_exponents)``: the part of each series from the
    coefficients ``a_m`` with ``m > split``. Raises :class:`FloatSeriesFailed`
    when some eigenvalue would be less accurate than ``RELATIVE_TOLERANCE``.
    """
    k = np.asarray(degrees, dtype=np.int64)
    weight_m, weight_e = _first_weights(d, int(k.max()) + 1)
    weight_m, weight_e = weight_m[k], weight_e[k]
    total_m = np.zeros(len(k))
    total_e = np.zeros(len(k), dtype=np.int64)
    absolute_m = np.zeros(len(k))
    absolute_e = np.zeros(len(k), dtype=np.int64)
    high_m = np.zeros(len(k))
    high_e = np.zeros(len(k), dtype=np.int64)
    previous_m = np.zeros(len(k))  # last non-zero term and its index j
    previous_e = np.zeros(len(k), dtype=np.int64)
    previous_j = np.full(len(k), -1)
    done = np.zeros(len(k), dtype=bool)
    terms = np.zeros(len(k), dtype=np.int64)
    last_ratio = np.full(len(k), np.inf)
    rest_zero = _rest_zero_degree(kernel, k)

    count = int(k.max()) + 64
    coefficient_m, coefficient_e = _coefficients(kernel, count, int(k.max()) + 1)
    half = d / 2
    for j in range(MAX_TERMS + 1):
        m = k + 2 * j
        if m.max() >= len(coefficient_m):
            count = 2 * count
            coefficient_m, coefficient_e = _coefficients(kernel, count, int(m.max()) + 1)
        active = ~done
        term_m = np.where(active, coefficient_m[m] * weight_m, 0.0)
        term_e = coefficient_e[m] + weight_e
        total_m, total_e = _add_scaled(total_m, total_e, term_m, term_e)
        absolute_m, absolute_e = _add_scaled(absolute_m, absolute_e, np.abs(term_m), term_e)
        if split is not None:
            high = np.where(m > split, term_m, 0.0)
            high_m, high_e = _add_scaled(high_m, high_e, high, term_e)
        terms += active

        nonzero = term_m != 0
        size = np.abs(term_m)
        finished = _remainder_small(
            size, term_e, previous_m, previous_e, previous_j, j, absolute_m, absolute_e
        )
        done |= active & ((nonzero & finished) | (rest_zero >= 0) & (m >= rest_zero))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.ldexp(size / previous_m, term_e - previous_e)
            relative = np.ldexp(size / absolute_m, term_e - absolute_e)
        if j >= 32 and j % 16 == 0:
            # Only a ratio that has started to climb back towards 1 is in the
            # power-law regime; near the peak of a series it still falls.
            settled = active & ~done & (ratio >= last_ratio)
            slow = _too_slow(size, ratio, relative, previous_j, j, settled)
            if slow:
                raise FloatSeriesFailed("the series converges too slowly for float64")
        last_ratio = np.where(nonzero, ratio, last_ratio)
        previous_m = np.where(nonzero, size, previous_m)
        previous_e = np.where(nonzero, term_e, previous_e)
        previous_j = np.where(nonzero, j, previous_j)
        if done.all():
            break

        ratio = (m + 1.0) * (m + 2.0) / (4.0 * (j + 1) * (half + k + j))
        weight_m, shift = np.frexp(weight_m * ratio)
        weight_e = weight_e + shift
    else:
        raise FloatSeriesFailed(f"more than {MAX_TERMS} terms needed")

    # Each term carries the rounding of w_{k,0}, of a_m and of j weight ratios;
    # cancellation multiplies it by sum |term| / |sum|.
    lost = np.ones(len(k))
    nonzero = total_m != 0
    lost[nonzero] = np.ldexp(absolute_m[nonzero] / np.abs(total_m[nonzero]),
                             absolute_e[nonzero] - total_e[nonzero])  # fmt: skip
    lost[~nonzero & (absolute_m != 0)] = np.inf
    errors = (terms + 4) * EPSILON * lost
    if np.any(errors > RELATIVE_TOLERANCE):
        worst = int(k[np.argmax(errors)])
        raise FloatSeriesFailed(
            f"the series of degree {worst} has an error bound {errors.max():.1e} in float64"
        )
    if split is not None:
        return total_m, total_e, errors, high_m, high_e
    return total_m, total_e, errors


def _rest_zero_degree(kernel, k):
    """First index ``m`` from which ``a_m, a_{m+2}, ...`` vanish for degree ``k``; -1 if none."""
    rest = np.full(len(k), -1, dtype=np.int64)
    if kernel.zero_coefficients is not None:
        parity, start = kernel.zero_coefficients
        rest[k % 2 == parity] = start
    return rest


def _remainder_small(term_m, term_e, previous_m, previous_e, previous_j, j, absolute_m, absolute_e):
    """Whether the estimated remainder after the current term is below ``REMAINDER_FRACTION``.

    As in the mpmath engine, the remainder is the larger of a geometric and a
    power-law ``j^-p`` extrapolation of the last two non-zero terms.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.ldexp(term_m / previous_m, term_e - previous_e)
        geometric = ratio / (1 - ratio)
        exponent = np.log(1 / ratio) / np.log(j / np.maximum(previous_j, 1))
        power = np.where(previous_j > 0, j / (exponent - 1), 0.0)
        factor = np.maximum(geometric, power)
        relative = factor * np.ldexp(term_m / absolute_m, term_e - absolute_e)
        usable = (previous_j >= 0) & (previous_m > 0) & (ratio < 1)
        usable &= (previous_j == 0) | (exponent > 1)
    return usable & (relative <= REMAINDER_FRACTION)


def _too_slow(term_m, ratio, relative, previous_j, j, active):
    """Whether some active series decays so slowly that ``MAX_TERMS`` terms cannot reach the goal.

    A term of size ``t j^-p`` leaves a remainder of about ``t j / (p - 1)``, so the
    goal ``REMAINDER_FRACTION`` of the sum is reached after about
    ``j (t j / ((p - 1) goal))^(1/(p - 1))`` terms; a geometric tail with ratio
    ``r`` after about ``j + log(t / goal) / log(1/r)``. The smaller count is used.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exponent = np.log(1 / ratio) / np.log(j / np.maximum(previous_j, 1))
        growth = relative * j / ((exponent - 1) * REMAINDER_FRACTION)
        power = j * growth ** (1 / (exponent - 1))
        # A geometric tail also shows a large exponent estimate; take the kinder count.
        geometric = j + np.log(relative / REMAINDER_FRACTION) / np.log(1 / ratio)
        needed = np.minimum(power, geometric)
    check = active & (term_m > 0) & (previous_j > 0) & (ratio < 1)
    return bool(np.any(check & (needed > MAX_TERMS)))


def float_spectrum(kernel, d, max_degree, multiplicities):
    """Float64 eigenvalues and tails, or raise :class:`FloatSeriesFailed`.

    Returns ``(mantissas, exponents, errors, trace, hilbert_schmidt)``: the
    scaled eigenvalues, their relative error bounds, and the tail trace and
    Hilbert-Schmidt norm as floats.
    """
    try:
        return _float_spectrum(kernel, d, max_degree, multiplicities)
    except SeriesNotConverged as error:
        raise FloatSeriesFailed(str(error)) from None


def _float_spectrum(kernel, d, max_degree, multiplicities):
    if not kernel.has_coefficients:
        raise FloatSeriesFailed("the kernel has no Taylor coefficients")
    degrees = np.arange(max_degree + 1)
    series = series_eigenvalues(kernel, d, degrees, split=max_degree)
    mantissas, exponents, errors, high_m, high_e = series
    if np.any(mantissas < 0):
        _raise_negative(kernel, d, mantissas)
    masses_m, masses_e = _masses(mantissas, exponents, multiplicities)
    trace, hilbert_schmidt = _direct_tail(kernel, d, max_degree)
    if trace is None:
        high_masses_m, high_masses_e = _masses(high_m, high_e, multiplicities)
        trace = _coefficient_tail(kernel, max_degree, high_masses_m, high_masses_e, errors)
    if hilbert_schmidt is None:
        # Subtraction from E[h^2] would need a quadrature and rarely resolves a
        # tail that the direct sum could not reach; the mpmath engine does both.
        raise FloatSeriesFailed("the tail Hilbert-Schmidt norm is not resolved in float64")
    return mantissas, exponents, errors, trace, hilbert_schmidt


def _coefficient_tail(kernel, max_degree, high_m, high_e, errors):
    """Tail trace ``T_{>K} = sum_{m>K} a_m - sum_{k<=K} B(d, k) xi_k^{(m>K)}``.

    A monomial ``u^m`` has its unit trace on the degrees ``m, m-2, ...``, so
    only coefficients with ``m > K`` reach beyond degree ``K``; their trace,
    minus the part that lands on degrees ``<= K`` (the high parts of the
    eigenvalue series, with positive weights), is the tail. Unlike
    ``h(1) - sum_k B xi_k`` this cancels only ``sum_{m>K} a_m``, not ``h(1)``,
    which keeps the digits at large ``d`` where the tail is far below ``h(1)``.
    """
    with mpmath.workdps(30):
        low = mpmath.fsum(_precise_coefficients(kernel, max_degree + 1))
        h_one = kernel.at_one()
        coefficient_tail = h_one - low
        high = np.ldexp(high_m, high_e)
        difference = float(coefficient_tail - mpmath.fsum(high.tolist()))
        # h(1) has 30 digits, or 16 from a kernel function that evaluates in float64 only.
        h_error = 1e-28 if kernel.accepts_mpmath else 1e-16
        error = float(np.sum(np.abs(high) * errors)) + h_error * abs(float(h_one))
    if difference <= 0 or error > TAIL_TOLERANCE * difference:
        raise FloatSeriesFailed("the tail trace is not resolved in float64")
    return difference


def _raise_negative(kernel, d, mantissas):
    degree = int(np.argmax(mantissas < 0))
    raise ValueError(
        f"kernel {kernel.name!r} is not positive semidefinite on the sphere in dimension "
        f"d={d}: the eigenvalue of degree {degree} is negative"
    )


def _masses(mantissas, exponents, multiplicities):
    scaled = [scaled_int(b) for b in multiplicities]
    b_m = np.array([s[0] for s in scaled])
    b_e = np.array([s[1] for s in scaled], dtype=np.int64)
    return mantissas * b_m, exponents + b_e


def _direct_tail(kernel, d, max_degree):
    """``(T, S)`` summed over the degrees above ``max_degree``; None where that sum is slow.

    The remainder after the last degree is bounded by the geometric series of
    the ratio of the last two non-zero terms, which must be below 1/2. Blocks
    of growing width are tried while some sum still decays with ratio below 0.9.
    """
    start = max_degree + 1
    sums = [None, None]
    for width in TAIL_BLOCKS:
        degrees = np.arange(start, start + width)
        try:
            values_m, values_e, _ = series_eigenvalues(kernel, d, degrees)
        except FloatSeriesFailed:
            break
        counts = multiplicities(d, int(degrees[-1]))[start:]
        masses_m, masses_e = _masses(values_m, values_e, counts)
        terms = [(masses_m, masses_e), (masses_m * values_m, masses_e + values_e)]
        hopeful = False
        for i, (mantissas, exponents) in enumerate(terms):
            if sums[i] is None:
                sums[i] = _geometric_sum(mantissas, exponents, TAIL_NAMES[i], d)
                hopeful |= sums[i] is None and not _slow_decay(mantissas, exponents)
        if not hopeful:
            break
    return tuple(sums)


def _slow_decay(mantissas, exponents):
    """Whether the last two non-zero scaled terms decay with ratio above 0.9."""
    nonzero = np.flatnonzero(mantissas)
    if len(nonzero) < 2:
        return True
    last, before = nonzero[-1], nonzero[-2]
    ratio = math.ldexp(mantissas[last] / mantissas[before], int(exponents[last] - exponents[before]))
    return ratio > 0.9


def _geometric_sum(mantissas, exponents, name, d):
    """Float sum of scaled positive terms whose last two non-zero ones decay with ratio below 1/2.

    Returns None when the terms decay more slowly. A sum below the float64
    range comes back as a subnormal number or 0, with a warning that gives
    its order of magnitude.
    """
    nonzero = np.flatnonzero(mantissas)
    if len(nonzero) < 2:
        return None
    last, before = nonzero[-1], nonzero[-2]
    ratio = math.ldexp(mantissas[last] / mantissas[before], int(exponents[last] - exponents[before]))
    top = int(exponents.max())
    total = math.fsum(np.ldexp(mantissas, exponents - top).tolist())
    remainder = math.ldexp(mantissas[last], int(exponents[last]) - top) * ratio / (1 - ratio)
    if ratio >= 0.5 or remainder > 1e-17 * total:
        return None
    value = math.ldexp(total, top)
    if 0 < total and value < np.finfo(float).tiny:
        power = math.log10(total) + top * math.log10(2)
        warn(
            f"the {name} at d={d} is about 1e{power:.0f}, below the float64 range, and reads "
            f"as {value:g}; use digits=N for mpmath numbers"
        )
    return value
