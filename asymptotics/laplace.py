"""Numerical inverse Laplace transform on a hyperbola shared by a window of times.

For ``F(s) = int_0^inf e^{-s t} f(t) dt`` analytic off the negative real axis,
``f(t) = (1/2 pi i) int e^{s t} F(s) ds`` along any contour that wraps
``(-inf, 0]``. This module uses the hyperbola

    s(u) = zeta(u) / T,   zeta(u) = m (1 - sin(a) cosh u) + i m cos(a) sinh u,   u real,

which crosses the real axis at ``m (1 - sin a) / T > 0`` and whose branches
run to ``Re s = -inf``, and the trapezoid rule ``u_j = j h``, ``|j| < M``:

    f(t) ~ (1/T) sum_j w_j e^{zeta_j t/T} F(zeta_j / T),   w_j = (h / 2 pi i) zeta'(u_j).

One set of nodes serves every time ``t`` in the window ``[T/2, T]``, so ``F``
is evaluated at ``M`` points per window rather than per time; times spread over
many decades are split into such windows (:func:`windows`). Conjugate symmetry,
``F(conj s) = conj F(s)``, leaves ``M`` evaluations in the upper half plane.

The shape ``a = 1.12``, ``m = 3.1 M``, ``h = 1.47 / M`` was chosen by minimising
the largest error over the test family ``f(t) = e^{-c t}``, ``c >= 0``, for
``t`` anywhere in the window (``derivations/hyperbolic_contour.py``). Every
``F(s) = int dnu(c) / (s + c)`` with ``nu >= 0``, the transform of a completely
monotone ``f``, is a mixture of that family, so its error is at most that
largest error times ``f(0)``. Measured on the family, in float64:

    M             8       12       14       16       18
    worst error   6e-7    3e-10    1e-11    3e-13    5e-14

Beyond ``M = 18`` float64 rounding dominates: the sum of the absolute terms,
which multiplies the rounding, grows from 44 at ``M = 16`` to about 400 at
``M = 24``. A two-variable transform evaluated on the tensor grid has about
twice the one-variable error plus the rounding squared.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "hyperbola_nodes",
    "windows",
    "time_weights",
    "invert",
    "invert_pair",
    "DEFAULT_NODES",
    "WINDOW_RATIO",
]

DEFAULT_NODES = 16
# Largest ratio of the times sharing one contour.
WINDOW_RATIO = 2.0
# Shape of the hyperbola: angle a, and m and h as multiples of M and 1/M.
ANGLE = 1.12
SCALE_PER_NODE = 3.1
STEP_TIMES_NODES = 1.47


def hyperbola_nodes(nodes=DEFAULT_NODES):
    """Return the reduced nodes and weights of the hyperbolic rule for a window ending at 1.

    Parameters
    ----------
    nodes : int
        ``M``, the number of nodes in the closed upper half plane.

    Returns
    -------
    zeta : numpy.ndarray of complex, shape (M,)
        Reduced nodes: the contour for a window ending at ``T`` has nodes
        ``zeta_j / T``. ``zeta_0 > 0`` is real, the others lie in the upper
        half plane; the lower half uses conjugates.
    weight : numpy.ndarray of complex, shape (M,)
        ``(h / 2 pi i) zeta'(u_j)``, the time-independent part of each weight.

    Examples
    --------
    >>> zeta, weight = hyperbola_nodes(16)
    >>> bool(zeta[0].imag == 0 and zeta[0].real > 0), bool((zeta[1:].imag > 0).all())
    (True, True)
    """
    if isinstance(nodes, bool) or not isinstance(nodes, (int, np.integer)) or nodes < 4:
        raise ValueError(f"nodes must be an integer >= 4, got {nodes!r}")
    scale = SCALE_PER_NODE * nodes
    step = STEP_TIMES_NODES / nodes
    u = np.arange(nodes) * step
    sin, cos = np.sin(ANGLE), np.cos(ANGLE)
    zeta = scale * (1 - sin * np.cosh(u)) + 1j * scale * cos * np.sinh(u)
    derivative = scale * (-sin * np.sinh(u) + 1j * cos * np.cosh(u))
    return zeta, step * derivative / (2j * np.pi)


def windows(times, ratio=WINDOW_RATIO, least_top=0.0):
    """Group positive times into windows ``[T/ratio, T]``.

    Each window ends at the largest of its times, or at ``least_top`` if that
    is larger.

    Parameters
    ----------
    times : numpy.ndarray of float, shape (count,)
        Positive finite times, each ``>= least_top / ratio``.
    ratio : float
        Largest ratio of the times in one window.
    least_top : float
        Smallest end of a window (gradient descent needs one, see
        :func:`asymptotics.empirical.empirical_risk`).

    Returns
    -------
    tops : numpy.ndarray, shape (W,)
        The end ``T`` of each window, decreasing.
    window_of : numpy.ndarray of int, shape (count,)
        Index into ``tops`` of the window of each time.

    Examples
    --------
    >>> tops, window_of = windows(np.array([1.0, 1.5, 3.0, 10.0]))
    >>> tops.tolist(), window_of.tolist()
    ([10.0, 3.0, 1.0], [2, 1, 1, 0])
    """
    times = np.asarray(times, dtype=float)
    ascending = np.sort(times)
    if ascending.size and not (
        np.isfinite(ascending[-1]) and ascending[0] > 0 and ascending[0] >= least_top / ratio
    ):
        raise ValueError(
            f"times must be finite, > 0 and >= least_top / ratio = {least_top / ratio:g}; "
            f"got times from {ascending[0]:g} to {ascending[-1]:g}"
        )
    tops, ends = [], []
    end = ascending.size
    while end > 0:
        top = max(ascending[end - 1], least_top)
        end = np.searchsorted(ascending, top / ratio, side="left")
        tops.append(top)
        ends.append(end)
    # Window w contains the sorted times from index ends[w] up to ends[w - 1].
    position = np.searchsorted(ascending, times)
    window_of = len(tops) - np.searchsorted(ends[::-1], position, side="right")
    return np.array(tops), window_of


def time_weights(zeta, weight, t, top):
    """Return the weights ``(1/T) w_j e^{zeta_j t/T}`` of each time on its window's contour.

    Parameters
    ----------
    zeta, weight : numpy.ndarray of complex, shape (M,)
        From :func:`hyperbola_nodes`.
    t, top : numpy.ndarray of float, shape (count,)
        Times and the end ``T`` of each time's window.

    Returns
    -------
    upper : numpy.ndarray of complex, shape (count, M)
        Weights of the upper nodes, doubled for ``j > 0`` so that the real part
        of ``upper @ F`` is the inverse transform.
    full : numpy.ndarray of complex, shape (count, 2M - 1)
        Weights of the whole contour, ordered as ``j = 0``, then ``j > 0``,
        then the conjugate nodes.

    Examples
    --------
    >>> zeta, weight = hyperbola_nodes()
    >>> upper, full = time_weights(zeta, weight, np.array([0.7]), np.array([1.0]))
    >>> upper.shape, full.shape
    ((1, 16), (1, 31))
    """
    t = np.asarray(t, dtype=float)
    top = np.asarray(top, dtype=float)
    upper = weight * np.exp(zeta * (t / top)[:, None]) / top[:, None]
    full = np.concatenate([upper, np.conj(upper[:, 1:])], axis=1)
    upper[:, 1:] *= 2
    return upper, full


def invert(values, zeta, weight, t, top):
    """Invert one variable from ``F(zeta_j / T)`` on the upper nodes of each time's window.

    Parameters
    ----------
    values : array of complex, shape (count, M)
        ``F`` at the nodes of the window of each time.
    zeta, weight : numpy.ndarray of complex, shape (M,)
        From :func:`hyperbola_nodes`.
    t, top : numpy.ndarray of float, shape (count,)
        Times and the end ``T`` of each time's window (``T/2 <= t <= T``).

    Returns
    -------
    numpy.ndarray
        ``f(t)``.

    Examples
    --------
    >>> zeta, weight = hyperbola_nodes()
    >>> t = np.array([0.5, 0.8, 1.0])
    >>> f = invert(1 / (zeta + 1) * np.ones((3, 1)), zeta, weight, t, np.ones(3))  # 1/(s + 1)
    >>> bool(np.allclose(f, np.exp(-t), rtol=1e-12))
    True
    """
    upper, _ = time_weights(zeta, weight, t, top)
    return (upper * values).sum(axis=-1).real


def invert_pair(values, upper, full):
    """Invert two variables at ``(t, t)`` for times sharing one window.

    ``F(conj s_1, conj s_2) = conj F(s_1, s_2)`` makes the lower rows the
    conjugates of the upper ones, so only the ``M`` upper rows against the
    ``2M - 1`` columns of the whole contour are needed.

    Parameters
    ----------
    values : array of complex, shape (..., M, 2M - 1)
        ``F(zeta_i / T, zeta_j / T)``, ``i`` over the upper nodes and ``j`` over
        the whole contour in the order of :func:`time_weights`.
    upper, full : numpy.ndarray of complex
        From :func:`time_weights` for the times of the window, shapes
        ``(count, M)`` and ``(count, 2M - 1)``.

    Returns
    -------
    numpy.ndarray, shape (..., count)
        ``f(t, t)`` where ``F`` is the two-variable Laplace transform of ``f``.

    Examples
    --------
    >>> zeta, weight = hyperbola_nodes()
    >>> nodes = np.concatenate([zeta, np.conj(zeta[1:])])
    >>> t = np.array([0.6, 1.0])
    >>> upper, full = time_weights(zeta, weight, t, np.ones(2))
    >>> f = invert_pair(1 / ((zeta[:, None] + 1) * (nodes[None, :] + 2)), upper, full)
    >>> bool(np.allclose(f, np.exp(-3 * t), rtol=1e-11))
    True
    """
    values = np.asarray(values)
    # One matrix product over all leading axes and rows, then the row sum per time.
    inner = (values.reshape(-1, values.shape[-1]) @ full.T).reshape(values.shape[:-1] + (-1,))
    return np.einsum("...ic,ci->...c", inner, upper).real
