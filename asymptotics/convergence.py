"""Finite-``d`` curves against their ``d -> inf`` limits at ``n = d^alpha``, ``t = d^gamma``."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .empirical import empirical_risk
from .limit_curves import check_alpha, limit_curves
from .oracle import oracle_risk
from .spectrum import spectrum

__all__ = ["DEFAULT_DIMENSIONS", "Convergence", "limit_convergence"]

DEFAULT_DIMENSIONS = (10**2, 10**3, 10**4, 10**5)


class Convergence(NamedTuple):
    """Finite-``d`` curves at ``t = d^gamma`` next to their limits.

    Attributes
    ----------
    dimensions : numpy.ndarray of int
        The dimensions ``d``; the sample size at each is ``n = d^alpha``.
    gamma : numpy.ndarray
        Time exponents.
    oracle, test, train : numpy.ndarray, shape (dimensions, gamma)
        Oracle risk (exact), deterministic-equivalent test and training risk
        at each ``d``; test and oracle include the noise.
    limit_oracle, limit_test, limit_train : numpy.ndarray, shape (gamma,)
        The ``d -> inf`` limits from :func:`asymptotics.limit_curves`.
    distance : numpy.ndarray, shape (dimensions,)
        Largest absolute difference between a finite-``d`` curve and its limit
        over the three curves and all ``gamma``.
    rate : float
        ``r`` of the least-squares fit ``distance ~ C d^{-r}`` in log-log
        coordinates; ``nan`` with fewer than two positive distances.
    """

    dimensions: np.ndarray
    gamma: np.ndarray
    oracle: np.ndarray
    test: np.ndarray
    train: np.ndarray
    limit_oracle: np.ndarray
    limit_test: np.ndarray
    limit_train: np.ndarray
    distance: np.ndarray
    rate: float


def limit_convergence(kernel, target, alpha, gamma, dimensions=DEFAULT_DIMENSIONS, max_degree=None):
    """Evaluate finite-``d`` curves at ``n = d^alpha``, ``t = d^gamma`` and their distance to the limit.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients.
    target : Target
        Degree energies, held fixed as ``d`` grows, and noise.
    alpha : float
        Sample exponent, positive and not an integer.
    gamma : array_like
        Finite time exponents ``>= 0``. Away from the exponents where the limit
        jumps (learning exponents and ``alpha``) the distance shrinks like a
        power of ``d``. At a jump it does not shrink.
    dimensions : sequence of int
        Dimensions ``d >= 2`` (default ``10^2 .. 10^5``).
    max_degree : int, optional
        Degrees computed individually in each spectrum; defaults to
        ``max(target degree, floor(alpha) + 1) + 4``, which keeps the lumped
        tail far below the effective ridge ``~ d^-alpha``.

    Returns
    -------
    Convergence

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> run = limit_convergence(kernels.exponential(), Target({1: 1.0}, 0.1), 1.5, [0.5, 2.0],
    ...                         dimensions=[100, 10000])
    >>> bool(run.distance[1] < run.distance[0])
    True
    """
    alpha = check_alpha(alpha)
    gamma = np.atleast_1d(np.asarray(gamma, dtype=float))
    if gamma.ndim != 1 or not np.isfinite(gamma).all() or (gamma < 0).any():
        raise ValueError(f"gamma must be a 1-d array of finite numbers >= 0, got {gamma}")
    dimensions = np.array([int(d) for d in dimensions])
    if dimensions.size == 0 or (dimensions < 2).any():
        raise ValueError(
            f"dimensions must be a non-empty sequence of integers >= 2, got {dimensions}"
        )
    if max_degree is None:
        max_degree = max(target.max_degree, math.floor(alpha) + 1) + 4
    limit = limit_curves(kernel, target, alpha, gamma)

    shape = (dimensions.size, gamma.size)
    oracle, test, train = np.empty(shape), np.empty(shape), np.empty(shape)
    for row, d in enumerate(dimensions):
        spec = spectrum(kernel, int(d), max_degree=max_degree)
        times = float(d) ** gamma
        oracle[row] = oracle_risk(spec, target, times)
        risk = empirical_risk(spec, target, float(d) ** alpha, times)
        test[row], train[row] = risk.test, risk.train

    distance = np.max(
        np.abs(np.stack([oracle - limit.oracle, test - limit.test, train - limit.train])),
        axis=(0, 2),
    )
    return Convergence(
        dimensions, gamma, oracle, test, train, limit.oracle, limit.test, limit.train,
        distance, _fitted_rate(dimensions, distance),
    )  # fmt: skip


def _fitted_rate(dimensions, distance):
    """Slope ``-r`` of ``log distance`` against ``log d`` by least squares."""
    keep = distance > 0
    if keep.sum() < 2:
        return math.nan
    slope = np.polyfit(np.log(dimensions[keep]), np.log(distance[keep]), 1)[0]
    return float(-slope)
