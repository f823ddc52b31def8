"""Learning order: which degree each world has learned, and when.

A degree counts as learned once its residual energy has fallen to ``1/e`` of
its initial value. In the oracle world the residual of degree ``k`` is
``exp(-2 xi_{d,k} t)``, so degree ``k`` is learned at exactly
``t_k = 1 / (2 xi_{d,k})`` (gradient flow on half the squared loss). In the
empirical world the residual is the per-degree bias ``b_k(t)`` of the
deterministic equivalent: ``bias(t) = sum_k ||P_k f_*||^2 b_k(t)``, evaluated
here as the bias of a target with unit energy in degree ``k`` alone. It tends
to ``exp(-2 xi_{d,k} t)`` as ``n -> inf`` and stops at
``b_k(inf) = E_0 (kappa_0 / (xi_k + kappa_0))^2`` for finite ``n``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._levels import check_pair
from ._validation import check_sample_size, check_times
from .empirical import empirical_risk
from .limit_curves import check_alpha, limit_rates
from .targets import Target

__all__ = [
    "DegreeLearning",
    "LimitDegreeLearning",
    "learned_degrees",
    "learning_order",
    "limit_learning_order",
]

# Residual fraction at which a degree counts as learned.
LEARNED_RESIDUAL = math.exp(-1)
# Bisection steps in log t for the empirical learning time (relative accuracy 2^-40 of the bracket).
BISECTION_STEPS = 40


class DegreeLearning(NamedTuple):
    """When one degree is learned at finite ``d`` and ``n``.

    Attributes
    ----------
    degree : int
    eigenvalue : float
        ``xi_{d,k}``.
    oracle_time : float
        ``1 / (2 xi_{d,k})``, where the oracle residual reaches ``1/e``;
        ``inf`` for a zero eigenvalue.
    empirical_time : float
        First time the empirical residual ``b_k(t)`` reaches ``1/e``; ``inf``
        when ``b_k(inf) > 1/e`` (the empirical world never learns the degree).
    empirical_final : float
        ``b_k(inf)``, the residual fraction left by the interpolant.
    """

    degree: int
    eigenvalue: float
    oracle_time: float
    empirical_time: float
    empirical_final: float


class LimitDegreeLearning(NamedTuple):
    """When one degree is learned as ``d -> inf`` with ``n = d^alpha``.

    Attributes
    ----------
    degree : int
    exponent : float
        The oracle learns the degree at ``t = d^exponent / (2 constant)``
        (residual ``1/e``); ``inf`` if ``xi_{d,k} = 0`` for every ``d``.
    constant : float
        ``lim d^exponent xi_{d,k}`` (``h^(k)(0)`` when that is positive).
    empirical : bool
        Whether the empirical world learns it: ``k <= floor(alpha)`` and
        ``exponent < alpha``.
    """

    degree: int
    exponent: float
    constant: float
    empirical: bool


def learning_order(spectrum, target, n, degrees=None):
    """Time at which each degree is learned in the oracle and the empirical world.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel in dimension ``d``.
    target : Target
        Used for its noise (the per-degree residuals are computed for unit
        energy in one degree, with this noise).
    n : float
        Number of samples, ``>= 1``.
    degrees : sequence of int, optional
        Degrees to report; default ``0..spectrum.max_degree``.

    Returns
    -------
    list of DegreeLearning
        Sorted by oracle learning time (decreasing eigenvalue), the order in
        which the oracle learns the degrees; zero-eigenvalue degrees last.
        Times are in the unit of gradient flow on half the squared loss
        averaged over ``n``.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.relu_ntk(), d=100, max_degree=4)
    >>> order = learning_order(s, Target({}, noise=0.1), n=1000)
    >>> [row.degree for row in order]
    [0, 1, 2, 4, 3]
    >>> [math.isfinite(row.empirical_time) for row in order]
    [True, True, False, False, False]
    """
    check_pair(spectrum, target)
    n = check_sample_size(n)
    if degrees is None:
        degrees = range(spectrum.max_degree + 1)
    rows = []
    for k in degrees:
        if not 0 <= k <= spectrum.max_degree:
            raise ValueError(f"degree {k} is outside the spectrum's range 0..{spectrum.max_degree}")
        rows.append(_degree_learning(spectrum, target.noise, n, int(k)))
    return sorted(rows, key=lambda row: (row.oracle_time, row.degree))


def _degree_learning(spectrum, noise, n, k):
    eigenvalue = float(np.exp(spectrum.log_eigenvalues[k]))
    oracle_time = 1 / (2 * eigenvalue) if eigenvalue > 0 else math.inf
    single = Target({k: 1.0}, noise=noise)

    def residual(t):
        return empirical_risk(spectrum, single, n, t).bias

    final = float(residual(math.inf)[0])
    if final > LEARNED_RESIDUAL or eigenvalue == 0:
        return DegreeLearning(k, eigenvalue, oracle_time, math.inf, final)
    # Bracket the crossing around the oracle time: residual(low) > 1/e >= residual(high).
    low = high = oracle_time
    while residual(low)[0] <= LEARNED_RESIDUAL:
        low /= 4
    while residual(high)[0] > LEARNED_RESIDUAL:
        low, high = high, 4 * high
    for _ in range(BISECTION_STEPS):
        middle = math.sqrt(low * high)
        if residual(middle)[0] > LEARNED_RESIDUAL:
            low = middle
        else:
            high = middle
    return DegreeLearning(k, eigenvalue, oracle_time, high, final)


def learned_degrees(order, t):
    """Degrees each world has learned by each time.

    Parameters
    ----------
    order : list of DegreeLearning
        From :func:`learning_order`.
    t : float or array_like
        Times ``>= 0``.

    Returns
    -------
    oracle, empirical : list of tuple of int
        For each time, the degrees whose residual has reached ``1/e``.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=100, max_degree=4)
    >>> order = learning_order(s, Target({}), n=10**3)
    >>> learned_degrees(order, [1.0, 1e3, 1e5])
    ([(0,), (0, 1), (0, 1, 2)], [(0,), (0, 1), (0, 1)])
    """
    times = check_times(t)
    oracle = [tuple(sorted(r.degree for r in order if r.oracle_time <= time)) for time in times]
    empirical = [
        tuple(sorted(r.degree for r in order if r.empirical_time <= time)) for time in times
    ]
    return oracle, empirical


def limit_learning_order(kernel, alpha, max_degree):
    """Learning exponents of degrees ``0..max_degree`` as ``d -> inf`` with ``n = d^alpha``.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients.
    alpha : float
        Sample exponent, positive and not an integer.
    max_degree : int
        Highest degree listed.

    Returns
    -------
    list of LimitDegreeLearning
        Sorted by exponent; the empirical world learns only the rows with
        ``empirical`` set (it stops at ``floor(alpha)``), degrees with an
        infinite exponent are never learned in either world.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> rows = limit_learning_order(kernels.relu_ntk(), 2.5, 4)
    >>> [(r.degree, r.exponent, r.empirical) for r in rows]
    [(0, 0, True), (1, 1, True), (2, 2, True), (4, 4, False), (3, inf, False)]
    """
    alpha = check_alpha(alpha)
    degree = math.floor(alpha)
    rows = [
        LimitDegreeLearning(
            r.degree, r.exponent, r.constant, r.degree <= degree and r.exponent < alpha
        )
        for r in limit_rates(kernel, max_degree)
    ]
    return sorted(rows, key=lambda row: (row.exponent, row.degree))
