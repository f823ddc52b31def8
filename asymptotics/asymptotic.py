"""Spectra of dot-product kernels as the dimension ``d`` goes to infinity.

For a kernel ``h(u) = sum_m a_m u^m`` with ``sum_m |a_m| < inf``, at fixed
degree ``k``,

    d^k xi_{d,k}  = k! a_k + c_k / d + O(d^-2),
    c_k           = (k+2)! a_{k+2} / 2 - k (k-1) k! a_k,
    B(d,k) xi_{d,k} = a_k + [(k+1)(k+2) a_{k+2} - k(k-1) a_k] / (2d) + O(d^-2),
    T_{>l}        = h(1) - sum_{k<=l} a_k - [l(l+1) a_{l+1} + (l+1)(l+2) a_{l+2}] / (2d) + O(d^-2),
    B(d,k)        = d^k / k! (1 + k(k-1)/(2d) + O(d^-2)).

The limits ``k! a_k = h^(k)(0)`` and ``a_k`` are exact; the ``1/d`` terms are
first-order corrections whose remainders are ``O(k^4 / d^2)`` relative (the
scripts ``derivations/large_d_eigenvalues.py`` and
``derivations/multiplicity_asymptotics.py`` derive them). Finite-``d``
computations should use :func:`asymptotics.spectrum`; these functions describe
the limit.

All functions return mpmath numbers at ``digits`` significant digits (30 by
default) in tuples indexed by degree.
"""

from __future__ import annotations

import mpmath

from ._validation import check_degree, check_dimension, check_integer
from .kernels import Kernel

__all__ = [
    "limit_scaled_eigenvalues",
    "limit_degree_masses",
    "limit_tail_trace",
    "scaled_eigenvalue_corrections",
    "asymptotic_eigenvalues",
    "asymptotic_degree_masses",
    "asymptotic_tail_trace",
    "asymptotic_multiplicity",
]


def _setup(kernel, max_degree, digits):
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be an asymptotics.Kernel, got {type(kernel).__name__}")
    if not kernel.has_coefficients:
        raise ValueError(
            f"kernel {kernel.name!r} has no Taylor coefficients; the d -> infinity limits "
            f"are stated through a_m = h^(m)(0)/m!"
        )
    max_degree = check_degree(max_degree, name="max_degree")
    digits = check_integer(digits, "digits", 1)
    return max_degree, digits


def _coefficients(kernel, count):
    return [kernel.taylor_coefficient(m) for m in range(count)]


def limit_scaled_eigenvalues(kernel, max_degree, digits=30):
    """Limits ``lim_{d -> inf} d^k xi_{d,k} = h^(k)(0) = k! a_k`` for ``k <= max_degree``.

    Parameters
    ----------
    kernel : Kernel
        A kernel with Taylor coefficients at 0.
    max_degree : int
        Highest degree.
    digits : int
        Significant digits of the mpmath results.

    Returns
    -------
    tuple of mpmath.mpf

    Examples
    --------
    >>> from asymptotics import kernels
    >>> [float(x) for x in limit_scaled_eigenvalues(kernels.exponential(2), 3)]
    [1.0, 2.0, 4.0, 8.0]
    """
    max_degree, digits = _setup(kernel, max_degree, digits)
    with mpmath.workdps(digits):
        a = _coefficients(kernel, max_degree + 1)
        return tuple(+(mpmath.factorial(k) * a[k]) for k in range(max_degree + 1))


def limit_degree_masses(kernel, max_degree, digits=30):
    """Limits ``lim_{d -> inf} B(d, k) xi_{d,k} = a_k = h^(k)(0)/k!`` for ``k <= max_degree``.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> [round(float(x), 6) for x in limit_degree_masses(kernels.relu_ntk(), 4)]
    [0.31831, 1.0, 0.477465, 0.0, 0.066315]
    """
    max_degree, digits = _setup(kernel, max_degree, digits)
    with mpmath.workdps(digits):
        return tuple(+a for a in _coefficients(kernel, max_degree + 1))


def limit_tail_trace(kernel, degree, digits=30):
    """High-degree mass ``lim_{d -> inf} T_{>l} = h(1) - sum_{k <= l} a_k`` for ``l = degree``.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> import math
    >>> abs(float(limit_tail_trace(kernels.relu_ntk(), 1)) - (1 - 1 / math.pi)) < 1e-15
    True
    """
    degree, digits = _setup(kernel, degree, digits)
    with mpmath.workdps(digits + 10):
        value = kernel.at_one() - mpmath.fsum(_coefficients(kernel, degree + 1))
    with mpmath.workdps(digits):
        return +value


def scaled_eigenvalue_corrections(kernel, max_degree, digits=30):
    """First-order coefficients ``c_k`` in ``d^k xi_{d,k} = k! a_k + c_k/d + O(d^-2)``.

    ``c_k = (k+2)! a_{k+2} / 2 - k (k-1) k! a_k``: the first term is the part
    of ``u^(k+2)`` that lands on degree ``k``, the second the shrinking of
    ``d^k w_{k,0} = k! / prod_{i<k} (1 + 2i/d)``.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> [float(x) for x in scaled_eigenvalue_corrections(kernels.exponential(), 3)]
    [0.5, 0.5, -1.5, -5.5]
    """
    max_degree, digits = _setup(kernel, max_degree, digits)
    with mpmath.workdps(digits):
        a = _coefficients(kernel, max_degree + 3)
        return tuple(
            +(mpmath.factorial(k + 2) * a[k + 2] / 2 - k * (k - 1) * mpmath.factorial(k) * a[k])
            for k in range(max_degree + 1)
        )


def asymptotic_eigenvalues(kernel, d, max_degree, order=1, digits=30):
    """Large-``d`` approximation of ``xi_{d,k}``: ``(k! a_k + c_k/d) / d^k`` (``order=1``).

    Parameters
    ----------
    kernel : Kernel
        A kernel with Taylor coefficients at 0.
    d : int
        Dimension.
    max_degree : int
        Highest degree.
    order : {0, 1}
        0 for ``k! a_k / d^k``; 1 adds the ``1/d`` correction, which leaves a
        relative error of order ``k^4 / d^2``.
    digits : int
        Significant digits of the mpmath results.

    Returns
    -------
    tuple of mpmath.mpf

    Examples
    --------
    >>> from asymptotics import kernels
    >>> x = asymptotic_eigenvalues(kernels.exponential(), 1000, 2)
    >>> [round(float(v * 1000**k), 6) for k, v in enumerate(x)]
    [1.0005, 1.0005, 0.9985]
    """
    d = check_dimension(d)
    order = _check_order(order)
    limits = limit_scaled_eigenvalues(kernel, max_degree, digits)
    corrections = scaled_eigenvalue_corrections(kernel, max_degree, digits) if order else None
    with mpmath.workdps(digits):
        scale = mpmath.mpf(d)
        values = []
        for k, limit in enumerate(limits):
            value = limit + (corrections[k] / scale if order else 0)
            values.append(+(value / scale**k))
    return tuple(values)


def asymptotic_degree_masses(kernel, d, max_degree, order=1, digits=30):
    """Large-``d`` approximation of ``B(d,k) xi_{d,k}``: ``a_k + [(k+1)(k+2) a_{k+2} - k(k-1) a_k]/(2d)``.

    The corrections sum to zero over all degrees: mass moves from degree
    ``k + 2`` down to ``k``, and the trace ``h(1)`` is kept.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> [round(float(x), 6) for x in asymptotic_degree_masses(kernels.exponential(), 100, 2)]
    [1.005, 1.005, 0.4975]
    """
    d = check_dimension(d)
    order = _check_order(order)
    max_degree, digits = _setup(kernel, max_degree, digits)
    with mpmath.workdps(digits):
        a = _coefficients(kernel, max_degree + 3)
        masses = []
        for k in range(max_degree + 1):
            correction = ((k + 1) * (k + 2) * a[k + 2] - k * (k - 1) * a[k]) / (2 * mpmath.mpf(d))
            masses.append(+(a[k] + (correction if order else 0)))
    return tuple(masses)


def asymptotic_tail_trace(kernel, d, degree, order=1, digits=30):
    """Large-``d`` approximation of ``T_{>l}``, ``l = degree``.

    ``T_{>l} = h(1) - sum_{k<=l} a_k - [l(l+1) a_{l+1} + (l+1)(l+2) a_{l+2}]/(2d)``
    with ``order=1``: at finite ``d`` the degrees ``l+1`` and ``l+2`` leak part of
    their mass below ``l``.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> round(float(asymptotic_tail_trace(kernels.exponential(), 100, 1)), 6)  # e - 2 - 2/200
    0.708282
    """
    d = check_dimension(d)
    order = _check_order(order)
    degree, digits = _setup(kernel, degree, digits)
    limit = limit_tail_trace(kernel, degree, digits)
    if not order:
        return limit
    with mpmath.workdps(digits):
        a = _coefficients(kernel, degree + 3)
        leak = degree * (degree + 1) * a[degree + 1] + (degree + 1) * (degree + 2) * a[degree + 2]
        return +(limit - leak / (2 * mpmath.mpf(d)))


def asymptotic_multiplicity(d, k, order=1):
    """Large-``d`` approximation of ``B(d, k)``: ``d^k/k! (1 + k(k-1)/(2d))`` (``order=1``).

    Returns an exact Fraction; compare :func:`asymptotics.multiplicity`.

    Examples
    --------
    >>> asymptotic_multiplicity(100, 2)  # B(100, 2) = 5049
    Fraction(5050, 1)
    """
    from fractions import Fraction
    from math import factorial

    d = check_dimension(d)
    k = check_degree(k)
    order = _check_order(order)
    leading = Fraction(d**k, factorial(k))
    return leading * (1 + Fraction(k * (k - 1), 2 * d)) if order else leading


def _check_order(order):
    if order not in (0, 1) or isinstance(order, bool):
        raise ValueError(f"order must be 0 or 1, got {order!r}")
    return int(order)
