"""Spherical harmonics on the sphere of radius sqrt(d) in R^d.

Conventions: inputs are uniform on ``S^{d-1}(sqrt(d))`` under the probability
measure; the normalised inner product ``u = <x, x'>/d`` lies in ``[-1, 1]`` and
has density ``c_d (1 - u^2)^((d-3)/2)``. The Gegenbauer polynomial of degree
``k`` is normalised by ``P_k(1) = 1``, which makes it the Chebyshev polynomial
``T_k`` at ``d = 2`` and the Legendre polynomial at ``d = 3``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from ._validation import as_real_array, check_degree, check_dimension

__all__ = [
    "multiplicity",
    "multiplicities",
    "cumulative_dimension",
    "learnable_degree",
    "gegenbauer",
    "gegenbauer_all",
]

# Highest Gegenbauer degree evaluated: the recurrence takes k steps and keeps
# every degree, about 4 s per scalar point at k = 10^6 on a shared machine.
MAX_GEGENBAUER_DEGREE = 100000


def multiplicity(d, k):
    """Dimension ``B(d, k)`` of the degree-``k`` spherical harmonics in ``R^d``.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        Degree, ``k >= 0``.

    Returns
    -------
    int
        The exact multiplicity ``B(d, k) = C(d+k-1, k) - C(d+k-3, k-2)``,
        computed with integer binomials (``B(d, 0) = 1``, ``B(2, k) = 2`` for
        ``k >= 1``).

    Examples
    --------
    >>> multiplicity(100, 3)
    171600
    >>> [multiplicity(2, k) for k in range(4)]
    [1, 2, 2, 2]
    """
    d = check_dimension(d)
    k = check_degree(k)
    if k < 2:
        return 1 if k == 0 else d
    return math.comb(d + k - 1, k) - math.comb(d + k - 3, k - 2)


def multiplicities(d, max_degree):
    """Dimensions ``B(d, 0), ..., B(d, max_degree)`` as exact integers.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    max_degree : int
        Highest degree, ``>= 0``.

    Returns
    -------
    tuple of int
        ``B(d, k)`` for ``k = 0..max_degree``, from the integer recurrence
        ``C(d+k-1, k) = C(d+k-2, k-1) (d+k-1) / k`` and
        ``B(d, k) = C(d+k-1, k) - C(d+k-3, k-2)``, which costs one big-integer
        product per degree instead of two binomials.

    Examples
    --------
    >>> multiplicities(20, 5)
    (1, 20, 209, 1520, 8645, 40964)
    """
    d = check_dimension(d)
    max_degree = check_degree(max_degree, name="max_degree")
    binomials = [1]  # binomials[k] = C(d + k - 1, k)
    for k in range(1, max_degree + 1):
        binomials.append(binomials[-1] * (d + k - 1) // k)
    return tuple(
        binomials[k] - (binomials[k - 2] if k >= 2 else 0) for k in range(max_degree + 1)
    )


def cumulative_dimension(d, k):
    """Dimension ``N(d, <=k)`` of the polynomials of degree at most ``k`` on the sphere.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        Maximum degree, ``k >= 0``.

    Returns
    -------
    int
        ``sum_{j <= k} B(d, j) = C(d+k-1, k) + C(d+k-2, k-1)``, exact.

    Examples
    --------
    >>> cumulative_dimension(100, 2)
    5150
    """
    d = check_dimension(d)
    k = check_degree(k)
    if k == 0:
        return 1
    return math.comb(d + k - 1, k) + math.comb(d + k - 2, k - 1)


def learnable_degree(d, n):
    """Largest degree ``l`` with ``N(d, <=l) <= n``: what ``n`` samples can learn.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    n : int
        Number of samples, ``n >= 1``.

    Returns
    -------
    int
        The degree ``l(n) = max{k : N(d, <=k) <= n}``. For ``n = d^alpha`` with
        ``d`` large this is ``floor(alpha)``.

    Examples
    --------
    >>> learnable_degree(100, 1000)
    1
    """
    from ._validation import check_sample_size

    d = check_dimension(d)
    n = check_sample_size(n)
    if d == 2:
        # N(2, <=k) = 2k + 1 grows without bound but slowly: solve directly.
        return (int(n) - 1) // 2
    # N(d, <=k) increases with k: bracket by doubling, then bisect.
    low, high = 0, 1
    while cumulative_dimension(d, high) <= n:
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if cumulative_dimension(d, middle) <= n:
            low = middle
        else:
            high = middle
    return low


def _is_mp(value):
    return isinstance(value, (mpmath.mpf, mpmath.mpc))


def gegenbauer_all(max_degree, d, t):
    """Evaluate ``P_0, ..., P_max_degree`` of dimension ``d`` at ``t``.

    Parameters
    ----------
    max_degree : int
        Highest degree, ``0 <= max_degree <= MAX_GEGENBAUER_DEGREE`` (100000).
    d : int
        Dimension, ``d >= 2``.
    t : float, array_like or mpmath number
        Points in ``[-1, 1]`` (values outside are allowed and extrapolate).

    Returns
    -------
    list
        ``[P_0(t), ..., P_max_degree(t)]``, each of the type of ``t``
        (numpy arrays for array input, mpmath numbers for mpmath input).

    Notes
    -----
    The three-term recurrence of the normalised polynomials,
    ``(k + d - 2) P_{k+1} = (2k + d - 2) t P_k - k P_{k-1}``, keeps every value
    in ``[-1, 1]`` for ``t`` in ``[-1, 1]``: unlike the classical
    ``C_k^{(d/2-1)}`` it neither overflows at large ``d`` or ``k`` nor
    degenerates at ``d = 2``.

    Examples
    --------
    At ``d = 3`` these are the Legendre polynomials, so ``P_2(1/2) = -1/8``:

    >>> [float(value) for value in gegenbauer_all(2, 3, 0.5)]
    [1.0, 0.5, -0.125]
    """
    d = check_dimension(d)
    max_degree = check_degree(max_degree, name="max_degree")
    if max_degree > MAX_GEGENBAUER_DEGREE:
        raise ValueError(
            f"max_degree must be an integer in [0, {MAX_GEGENBAUER_DEGREE}], got {max_degree}"
        )
    if not _is_mp(t):
        t = as_real_array(t, "t")
    # ones_like, not t * 0 + 1, so that P_0(inf) = 1 without an invalid 0 * inf.
    values = [t * 0 + 1 if _is_mp(t) else np.ones_like(t), t]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, max_degree):
            # Integer coefficients keep the mpmath path exact in its own precision.
            next_value = ((2 * k + d - 2) * t * values[k] - k * values[k - 1]) / (k + d - 2)
            values.append(next_value)
    if not _is_mp(t):
        finite = np.isfinite(t)
        if any((~np.isfinite(value) & finite).any() for value in values):
            # For |t| > 1 the polynomials grow like |t|^k and can overflow float64.
            raise ValueError(
                f"P_k(t) for k <= {max_degree} overflows float64 at t up to "
                f"{np.abs(t[finite]).max():.6g} in absolute value; pass t as an mpmath number"
            )
    return values[: max_degree + 1]


def gegenbauer(k, d, t):
    """Normalised Gegenbauer polynomial ``P_k^{(d)}(t)`` with ``P_k^{(d)}(1) = 1``.

    Parameters
    ----------
    k : int
        Degree, ``0 <= k <= MAX_GEGENBAUER_DEGREE`` (100000).
    d : int
        Dimension, ``d >= 2``. ``d = 2`` gives the Chebyshev polynomial
        ``T_k`` and ``d = 3`` the Legendre polynomial.
    t : float, array_like or mpmath number
        Evaluation points.

    Returns
    -------
    numpy.ndarray or mpmath number
        ``P_k^{(d)}(t)``. Float input gives a float array (a 0-d array for a
        scalar); mpmath input gives an mpmath number at the current precision.

    Examples
    --------
    >>> float(gegenbauer(2, 10, 0.5))  # (d t^2 - 1)/(d - 1)
    0.16666666666666666
    >>> float(gegenbauer(3, 2, 0.3))  # Chebyshev T_3(0.3) = 4(0.3)^3 - 3(0.3)
    -0.792
    """
    k = check_degree(k)
    if k > MAX_GEGENBAUER_DEGREE:
        raise ValueError(f"k must be an integer in [0, {MAX_GEGENBAUER_DEGREE}], got {k}")
    return gegenbauer_all(k, d, t)[k]
