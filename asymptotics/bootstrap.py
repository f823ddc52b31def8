"""The deep bootstrap window: training risk has fallen while test and oracle risk still agree.

At finite ``d`` the window opens when the training risk drops below ``1/e``
times the test risk and closes when the test risk exceeds the oracle risk by
more than ``tolerance`` times the test risk. As ``d -> inf`` with
``n = d^alpha`` it is the stage-2 interval ``alpha < gamma < gamma_3`` of
:func:`asymptotics.limit_curves`: ``d^{gamma_3 - alpha}`` long (``gamma_3`` is
``floor(alpha) + 1`` when that degree carries energy and ``h^(l+1)(0) > 0``),
with training risk 0 and test risk = oracle risk = ``sigma^2`` plus the energy
the empirical world cannot learn.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._levels import check_pair
from ._validation import check_nonnegative, check_sample_size
from .empirical import empirical_risk
from .limit_curves import _Limit, limit_curves
from .limits import stages
from .oracle import oracle_risk

__all__ = ["BootstrapWindow", "LimitBootstrap", "deep_bootstrap", "limit_deep_bootstrap"]

# Points per decade of time on the search grid.
GRID_DENSITY = 24
# Bisection steps in log t when refining a window edge.
BISECTION_STEPS = 30


class BootstrapWindow(NamedTuple):
    """Deep bootstrap window at finite ``d`` and ``n``.

    Attributes
    ----------
    start, end : float
        Gradient-flow times (half squared loss averaged over ``n``) where the
        training risk reaches ``test/e`` and where ``test - oracle`` reaches
        ``tolerance * test``; ``nan`` and ``inf`` when the window never opens
        or never closes in the searched range.
    length : float
        ``log_d(end / start)``: the window length in powers of ``d`` (0 when
        there is no window).
    train_test_gap : float
        Largest ``test - train`` inside the window (test includes the noise).
    test_oracle_gap : float
        Largest ``|test - oracle|`` inside the window.
    """

    start: float
    end: float
    length: float
    train_test_gap: float
    test_oracle_gap: float


class LimitBootstrap(NamedTuple):
    """Deep bootstrap window as ``d -> inf`` with ``n = d^alpha``, ``t = d^gamma``.

    Attributes
    ----------
    gamma_start, gamma_end : float
        ``alpha`` and ``gamma_3`` (``inf`` if the oracle never moves past the
        empirical plateau).
    length : float
        ``gamma_end - gamma_start``, in powers of ``d``.
    train_test_gap : float
        ``test - train`` inside the window.
    test_oracle_gap : float
        ``|test - oracle|`` inside the window (0 in the limit).
    """

    gamma_start: float
    gamma_end: float
    length: float
    train_test_gap: float
    test_oracle_gap: float


def deep_bootstrap(spectrum, target, n, *, tolerance=0.05):
    """Find the deep bootstrap window of the finite-``d`` deterministic equivalent.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel in dimension ``d``.
    target : Target
        Degree energies and noise.
    n : float
        Number of samples, ``>= 1``.
    tolerance : float
        Relative agreement of test and oracle risk that keeps the window open,
        ``0 < tolerance < 1``.

    Returns
    -------
    BootstrapWindow

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=10**4, max_degree=6)
    >>> window = deep_bootstrap(s, Target({1: 1.0, 2: 1.0}, noise=0.2), n=10**6)
    >>> bool(window.start < window.end), round(window.length, 2), round(window.train_test_gap, 2)
    (True, 0.17, 1.19)
    """
    check_pair(spectrum, target)
    n = check_sample_size(n)
    tolerance = check_nonnegative(tolerance, "tolerance")
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance}")
    report = stages(spectrum, target, n)
    first = min(report.t1, 1 / (2 * float(np.exp(spectrum.log_eigenvalues.max()))))
    last = report.t2 if math.isfinite(report.t2) else report.t1
    times = np.geomspace(first / 1e3, max(last, first) * 1e3, _grid_size(first, last))

    def curves(t):
        risk = empirical_risk(spectrum, target, n, t)
        return risk.test, risk.train, oracle_risk(spectrum, target, t)

    def opened(t):
        test, train, _ = curves(t)
        return train <= test / math.e

    def closed(t):
        test, _, oracle = curves(t)
        return test - oracle > tolerance * test

    open_mask = opened(times)
    if not open_mask.any():
        return BootstrapWindow(math.nan, math.nan, 0.0, 0.0, 0.0)
    start = _refine(opened, times, int(np.argmax(open_mask)))
    if closed(np.array([start]))[0]:
        # Test and oracle risk have parted before the training risk fell: no window.
        return BootstrapWindow(start, start, 0.0, 0.0, 0.0)
    after = closed(times) & (times > start)
    end = _refine(closed, times, int(np.argmax(after)), floor=start) if after.any() else math.inf

    inside = times[(times > start) & (times < end)]
    inside = np.concatenate([[start], inside] + ([[end]] if math.isfinite(end) else []))
    test, train, oracle = curves(inside)
    length = math.log(end / start) / math.log(spectrum.d) if start < end else 0.0
    return BootstrapWindow(
        start, end, length, float(np.max(test - train)), float(np.max(np.abs(test - oracle)))
    )


def _grid_size(first, last):
    decades = math.log10(max(last, first) / first) + 6
    return int(GRID_DENSITY * decades) + 1


def _refine(condition, times, index, floor=0.0):
    """First time where ``condition`` holds, after ``times[index - 1]`` (or ``floor``).

    The bisection runs in ``log t`` up to ``times[index]``, where it holds.
    """
    if index == 0:
        return float(times[0])
    low, high = max(float(times[index - 1]), floor), float(times[index])
    for _ in range(BISECTION_STEPS):
        middle = math.sqrt(low * high)
        if condition(np.array([middle]))[0]:
            high = middle
        else:
            low = middle
    return high


def limit_deep_bootstrap(kernel, target, alpha):
    """Deep bootstrap window as ``d -> inf`` with ``n = d^alpha``.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients.
    target : Target
        Degree energies and noise.
    alpha : float
        Sample exponent, positive and not an integer.

    Returns
    -------
    LimitBootstrap
        The window ``alpha < gamma < gamma_3``; the training risk is 0 in it
        when the kernel has mass above degree ``floor(alpha)``, otherwise the
        training risk never falls and the gap is 0.

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> window = limit_deep_bootstrap(kernels.relu_ntk(), Target({1: 1.0, 2: 1.0}, 0.25), 1.5)
    >>> window.gamma_start, window.gamma_end, window.length, window.train_test_gap
    (1.5, 2, 0.5, 1.25)
    """
    limit = _Limit(kernel, target, alpha)
    end = limit.third_stage
    middle = (limit.alpha + end) / 2 if math.isfinite(end) else limit.alpha + 0.5
    curves = limit_curves(kernel, target, alpha, middle)
    gap = float(curves.test[0] - curves.train[0])
    return LimitBootstrap(
        limit.alpha, end, end - limit.alpha, gap, float(abs(curves.test[0] - curves.oracle[0]))
    )
