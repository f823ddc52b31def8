"""Deep ReLU NNGP and NTK kernels: values and Taylor coefficients by composition.

With ``kappa_0(u) = 1 - arccos(u)/pi`` and
``kappa_1(u) = (sqrt(1 - u^2) + (pi - arccos u) u)/pi``, a bias-free ReLU
network with He initialisation (weight variance 2 / fan-in) has, layer by layer,

    Sigma_0 = u,   Sigma_l = kappa_1(Sigma_{l-1}),
    Theta_0 = u,   Theta_l = Sigma_l + Theta_{l-1} kappa_0(Sigma_{l-1}),

for ``l = 1 .. depth`` (Jacot, Gabriel and Hongler, 2018). ``Sigma_depth`` is
the NNGP kernel and ``Theta_depth`` the NTK; ``Sigma(1) = 1``,
``Theta(1) = depth + 1``.

The Taylor coefficients at 0 come from truncated power series, using
``kappa_1' = kappa_0`` and ``kappa_0'(s) = 1 / (pi sqrt(1 - s^2))``: for an
inner series ``g`` with ``|g(0)| < 1``,

    (kappa_0 o g)' = g' / (pi sqrt(1 - g^2)),   (kappa_1 o g)' = (kappa_0 o g) g'.

Every step (the square root, the division, the products and integrals) sums
terms of one sign, because ``g`` has non-negative coefficients, so the
coefficients carry the working precision up to a few roundings each.
"""

from __future__ import annotations

import functools

import mpmath

from ._eigen import SeriesNotConverged

# Composition costs O(depth * count^2) operations at the working precision, so
# series that need more coefficients go to quadrature instead.
# NOTE: below d of about 100 that quadrature of the composed angle form is slow
# (depth 2, d = 50, degrees to 40: about 2 minutes on 2 shared cores), and so is
# digits=50 with 200 degrees, which composes 256 terms at each guard precision.
MAX_COEFFICIENTS = 256


def _product(a, b, count):
    """First ``count`` coefficients of the product of two series."""
    return [mpmath.fdot(a[: n + 1], b[n::-1]) for n in range(count)]


def _layer(g, count):
    """Series of ``kappa_0 o g`` and ``kappa_1 o g`` to ``count`` coefficients."""
    square = _product(g, g, count)
    root = [mpmath.sqrt(1 - square[0])]
    for n in range(1, count):
        cross = mpmath.fdot(root[1:n], root[n - 1 : 0 : -1]) if n > 1 else 0
        root.append((-square[n] - cross) / (2 * root[0]))
    slope = [(n + 1) * g[n + 1] for n in range(count - 1)] + [mpmath.mpf(0)]
    quotient = []
    for n in range(count):
        cross = mpmath.fdot(root[1 : n + 1], quotient[n - 1 :: -1]) if n > 0 else 0
        quotient.append((slope[n] - cross) / root[0])
    zeroth = [1 - mpmath.acos(g[0]) / mpmath.pi]
    zeroth += [quotient[n - 1] / (n * mpmath.pi) for n in range(1, count)]
    first_slope = _product(zeroth, slope, count)
    first = [(mpmath.sqrt(1 - g[0] ** 2) + (mpmath.pi - mpmath.acos(g[0])) * g[0]) / mpmath.pi]
    first += [first_slope[n - 1] / n for n in range(1, count)]
    return zeroth, first


@functools.lru_cache(maxsize=32)
def series(depth, count, prec):
    """Taylor coefficients ``a_0 .. a_{count-1}`` of the depth-``depth`` NNGP and NTK.

    Computed at ``prec`` bits plus guard bits; returns ``(nngp, ntk)`` lists.
    """
    with mpmath.workprec(prec + 20):
        sigma = ([mpmath.mpf(0), mpmath.mpf(1)] + [mpmath.mpf(0)] * count)[:count]
        theta = list(sigma)
        for _ in range(depth):
            # The derivative drops the last coefficient, but coefficient n of a
            # layer's output uses the derivative only up to order n - 1.
            zeroth, first = _layer(sigma, count)
            theta = [a + b for a, b in zip(first, _product(theta, zeroth, count))]
            sigma = first
    return tuple(sigma[:count]), tuple(theta[:count])


def coefficient(depth, kind, m):
    """``a_m`` of the NNGP (``kind = 0``) or NTK (``kind = 1``) at the current precision.

    Raises :class:`SeriesNotConverged` for ``m >= MAX_COEFFICIENTS``.
    """
    if m >= MAX_COEFFICIENTS:
        raise SeriesNotConverged(f"coefficient {m} of a deep ReLU kernel: composition too costly")
    count = 64
    while count <= m:
        count *= 2
    return +series(depth, count, mpmath.mp.prec)[kind][m]


def _kappa(order, s):
    if order == 0:
        return 1 - mpmath.acos(s) / mpmath.pi
    return (mpmath.sqrt(1 - s * s) + (mpmath.pi - mpmath.acos(s)) * s) / mpmath.pi


def value(depth, kind, u):
    """NNGP (``kind = 0``) or NTK (``kind = 1``) at an mpmath point ``u`` in ``[-1, 1]``."""
    sigma, theta = u, u
    for _ in range(depth):
        theta = _kappa(1, sigma) + theta * _kappa(0, sigma)
        sigma = _kappa(1, sigma)
    return theta if kind else sigma


def value_float(depth, kind, u, numpy):
    """The same recursion on a float64 array ``u`` (already clipped to ``[-1, 1]``)."""
    sigma, theta = u, u
    for _ in range(depth):
        angle = numpy.arccos(numpy.clip(sigma, -1.0, 1.0))
        kappa0 = 1.0 - angle / numpy.pi
        kappa1 = (numpy.sin(angle) + (numpy.pi - angle) * numpy.cos(angle)) / numpy.pi
        theta = kappa1 + theta * kappa0
        sigma = kappa1
    return theta if kind else sigma


def value_angle(depth, kind, angle):
    """The recursion in the angle ``theta = arccos u``, where the kernels are smooth.

    ``1 - kappa_1(cos t) = (2 pi sin^2(t/2) + t cos t - sin t) / pi`` gives the next
    angle ``2 asin(sqrt((1 - Sigma)/2))`` without forming ``1 - Sigma`` by
    subtraction; the remaining cancellation in ``t cos t - sin t`` is covered
    by 15 guard digits.
    """
    with mpmath.extradps(15):
        cosine = mpmath.cos(angle)
        sigma, theta = cosine, cosine
        for _ in range(depth):
            kappa0 = 1 - angle / mpmath.pi
            kappa1 = (mpmath.sin(angle) + (mpmath.pi - angle) * cosine) / mpmath.pi
            gap = (2 * mpmath.pi * mpmath.sin(angle / 2) ** 2 + angle * cosine - mpmath.sin(angle))
            gap /= mpmath.pi
            theta = kappa1 + theta * kappa0
            sigma = kappa1
            angle = 2 * mpmath.asin(mpmath.sqrt(max(gap, 0) / 2))
            cosine = sigma
        result = theta if kind else sigma
    return +result
