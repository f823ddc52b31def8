"""Dot-product kernels ``h(<x, x'>/d)`` and a catalogue of common ones.

A :class:`Kernel` carries the function ``h`` on ``[-1, 1]`` and, when known,
its Taylor coefficients ``a_m`` at 0 (``h(u) = sum_m a_m u^m``), which give the
eigenvalues through a series with positive weights. Kernels whose ``h`` has
square-root singularities at ``u = +-1`` (the arc-cosine family) also carry
``h(cos theta)`` as a function of the angle, which is analytic there and makes
quadrature converge spectrally.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional, Tuple

import mpmath
import numpy as np

__all__ = ["Kernel", "exponential", "polynomial", "arccos", "relu_ntk"]


def _as_fraction(value):
    """Return ``value`` as an exact Fraction when it is an int, Fraction or finite decimal."""
    if isinstance(value, bool):
        raise TypeError(f"a kernel coefficient must be a real number, got {value!r}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"kernel coefficients must be finite, got {value}")
        return Fraction(value)
    try:
        import sympy

        if isinstance(value, sympy.Basic) and value.is_Rational:
            return Fraction(int(value.p), int(value.q))
    except ImportError:  # pragma: no cover - sympy is a dependency
        pass
    if isinstance(value, np.integer):
        return Fraction(int(value))
    if isinstance(value, np.floating):
        return _as_fraction(float(value))
    raise TypeError(f"a kernel coefficient must be an int, Fraction or float, got {value!r}")


@dataclass(frozen=True, eq=False)
class Kernel:
    """A dot-product kernel ``K(x, x') = h(<x, x'>/d)`` on the sphere of radius ``sqrt(d)``.

    Parameters
    ----------
    function : callable
        ``h(u)`` for ``u`` in ``[-1, 1]``. It must accept numpy float arrays;
        to be usable at ``digits=N`` it must also accept mpmath numbers.
    name : str
        A label used in tables and saved spectra.
    coefficient : callable, optional
        ``coefficient(m)`` returns the Taylor coefficient ``a_m`` of ``h`` at 0
        as an mpmath number at the current mpmath precision.
    polynomial_coefficients : tuple of Fraction, optional
        For a polynomial ``h``, its exact coefficients ``(a_0, ..., a_p)``;
        they enable exact rational eigenvalues.
    angular : callable, optional
        ``theta -> h(cos theta)`` for ``theta`` in ``[0, pi]``, for mpmath
        numbers. Supply it when ``h`` is singular at ``u = +-1`` but analytic in
        the angle.
    value_at_one : callable, optional
        Returns ``h(1)`` as an mpmath number at the current precision; defaults
        to calling ``function`` at 1.
    zero_coefficients : tuple (parity, start), optional
        Declares that ``a_m = 0`` exactly for every ``m >= start`` with
        ``m % 2 == parity``; eigenvalues of such degrees are then exact zeros.

    Examples
    --------
    >>> import numpy as np
    >>> h = Kernel(np.cosh, name="cosh")
    >>> float(h(0.0))
    1.0
    """

    function: Callable
    name: str = "user kernel"
    coefficient: Optional[Callable[[int], object]] = None
    polynomial_coefficients: Optional[Tuple[Fraction, ...]] = None
    angular: Optional[Callable] = None
    value_at_one: Optional[Callable[[], object]] = None
    zero_coefficients: Optional[Tuple[int, int]] = None

    def __post_init__(self):
        if not callable(self.function):
            raise TypeError(f"function must be callable, got {self.function!r}")
        if self.polynomial_coefficients is not None:
            exact = tuple(_as_fraction(c) for c in self.polynomial_coefficients)
            object.__setattr__(self, "polynomial_coefficients", exact)

    def __call__(self, u):
        """Evaluate ``h(u)``."""
        return self.function(u)

    @property
    def polynomial_degree(self):
        """Degree of ``h`` when it is a polynomial, otherwise ``None``."""
        if self.polynomial_coefficients is None:
            return None
        nonzero = [m for m, a in enumerate(self.polynomial_coefficients) if a != 0]
        return nonzero[-1] if nonzero else 0

    @property
    def has_coefficients(self):
        """Whether Taylor coefficients at 0 are available."""
        return self.coefficient is not None or self.polynomial_coefficients is not None

    def taylor_coefficient(self, m):
        """Taylor coefficient ``a_m`` as an mpmath number at the current precision."""
        if self.polynomial_coefficients is not None:
            if m >= len(self.polynomial_coefficients):
                return mpmath.mpf(0)
            c = self.polynomial_coefficients[m]
            return mpmath.mpf(c.numerator) / c.denominator
        if self.coefficient is None:
            raise ValueError(f"kernel {self.name!r} has no Taylor coefficients")
        if self.coefficient_is_zero(m):
            return mpmath.mpf(0)
        return mpmath.mpf(self.coefficient(m))

    def coefficient_is_zero(self, m):
        """Return whether ``a_m`` is known to be exactly zero."""
        if self.polynomial_coefficients is not None:
            return m >= len(self.polynomial_coefficients) or self.polynomial_coefficients[m] == 0
        if self.zero_coefficients is not None:
            parity, start = self.zero_coefficients
            return m >= start and m % 2 == parity
        return False

    def at_one(self):
        """``h(1)`` as an mpmath number at the current precision."""
        if self.polynomial_coefficients is not None:
            total = sum(self.polynomial_coefficients, Fraction(0))
            return mpmath.mpf(total.numerator) / total.denominator
        if self.value_at_one is not None:
            return mpmath.mpf(self.value_at_one())
        return self.evaluate_angle(mpmath.mpf(0))

    @functools.cached_property
    def accepts_mpmath(self):
        """Whether ``function`` evaluates mpmath numbers (needed for more than float64 accuracy)."""
        if self.angular is not None:
            return True
        try:
            value = self.function(mpmath.mpf("0.5"))
        except Exception:  # noqa: BLE001 - any failure means float64 evaluation only
            return False
        return isinstance(value, (mpmath.mpf, mpmath.mpc))

    def evaluate_angle(self, theta):
        """``h(cos theta)`` as an mpmath number, for an mpmath angle ``theta``.

        Uses ``angular`` when available; otherwise ``function`` at ``cos theta``,
        in float64 when the function does not accept mpmath numbers. Raises
        ``ValueError`` when ``h`` returns NaN, an infinite or a complex value.
        """
        try:
            if self.angular is not None:
                value = self.angular(theta)
            elif self.accepts_mpmath:
                value = self.function(mpmath.cos(theta))
            else:
                value = np.asarray(self.function(float(mpmath.cos(theta))))
        except (ArithmeticError, ValueError, TypeError) as error:
            raise ValueError(
                f"kernel {self.name!r} failed at u = {mpmath.nstr(mpmath.cos(theta), 17)}: "
                f"{type(error).__name__}: {error}"
            ) from error
        if self.angular is None and not self.accepts_mpmath:
            # An object array (h returned None or a string) is rejected here too.
            if value.shape != () or value.dtype.kind not in "biuf":
                raise ValueError(
                    f"kernel {self.name!r} must return one real number per point, "
                    f"got {value!r} at u = {float(mpmath.cos(theta))!r}"
                )
            value = mpmath.mpf(float(value))
        if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
            raise ValueError(
                f"kernel {self.name!r} returned {value!r} at u = "
                f"{mpmath.nstr(mpmath.cos(theta), 17)}; h must be finite and real on [-1, 1]"
            )
        return value


def exponential(scale=1):
    """Exponential kernel ``h(u) = exp(scale * u)``.

    With ``scale = d / l^2`` and a factor ``exp(-scale)`` this is the Gaussian
    kernel ``exp(-||x - x'||^2 / (2 l^2))`` on the sphere of radius ``sqrt(d)``.

    Parameters
    ----------
    scale : float or Fraction
        The factor ``beta`` in ``exp(beta u)``; any finite real.

    Returns
    -------
    Kernel
        Taylor coefficients ``beta^m / m!``, all non-negative for ``beta >= 0``.

    Examples
    --------
    >>> float(exponential(2)(0.5))
    2.718281828459045
    """
    if isinstance(scale, (bool, np.bool_)) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a real number, got {scale!r}")
    if not math.isfinite(float(scale)):
        raise ValueError(f"scale must be finite, got {scale}")
    exact = Fraction(scale) if isinstance(scale, (int, Fraction)) else Fraction(float(scale))
    if exact == 0:
        # exp(0 u) = 1: a polynomial, whose series would otherwise never show its end.
        constant = polynomial([1])
        return Kernel(constant.function, name="exponential(scale=0)", polynomial_coefficients=(1,))

    def beta():
        return mpmath.mpf(exact.numerator) / exact.denominator

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return mpmath.exp(beta() * u)
        return np.exp(float(scale) * np.asarray(u, dtype=float))

    def coefficient(m):
        return beta() ** m / mpmath.factorial(m)

    return Kernel(
        function,
        name=f"exponential(scale={scale})",
        coefficient=coefficient,
        value_at_one=lambda: mpmath.exp(beta()),
    )


def polynomial(coefficients):
    """Polynomial kernel ``h(u) = sum_j c_j u^j``.

    Parameters
    ----------
    coefficients : sequence of int, Fraction or float
        ``(c_0, c_1, ..., c_p)``. Integers and Fractions give exact rational
        eigenvalues; floats are converted exactly to their binary value.

    Returns
    -------
    Kernel
        A kernel of finite rank ``sum_{k <= p, xi_k != 0} B(d, k)``.

    Examples
    --------
    >>> h = polynomial([1, 2, 1])  # (1 + u)^2
    >>> float(h(1.0))
    4.0
    """
    try:
        exact = tuple(_as_fraction(c) for c in coefficients)
    except TypeError as error:
        raise TypeError(f"coefficients must be a sequence of real numbers: {error}") from None
    if not exact:
        raise ValueError("coefficients must contain at least one value, got an empty sequence")
    floats = [float(c) for c in exact]

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return mpmath.polyval([mpmath.mpf(c.numerator) / c.denominator for c in exact[::-1]], u)
        return np.polynomial.polynomial.polyval(np.asarray(u, dtype=float), floats)

    terms = " + ".join(f"{c}*u^{j}" for j, c in enumerate(exact) if c != 0) or "0"
    return Kernel(function, name=f"polynomial({terms})", polynomial_coefficients=exact)


def _central_binomial_ratio(j):
    """``C(2j, j) / 4^j`` as an mpmath number."""
    return mpmath.binomial(2 * j, j) / mpmath.mpf(4) ** j


def _arccos0_angular(theta):
    return 1 - theta / mpmath.pi


def _arccos1_angular(theta):
    return (mpmath.sin(theta) + (mpmath.pi - theta) * mpmath.cos(theta)) / mpmath.pi


def _clip_mp(u):
    """Clip a real mpmath argument to [-1, 1], as the float path does."""
    if isinstance(u, mpmath.mpf):
        return max(min(u, mpmath.mpf(1)), mpmath.mpf(-1))
    return u


def _arccos0(u):
    if isinstance(u, (mpmath.mpf, mpmath.mpc)):
        u = _clip_mp(u)
        return 1 - mpmath.acos(u) / mpmath.pi
    u = np.clip(np.asarray(u, dtype=float), -1.0, 1.0)
    return 1.0 - np.arccos(u) / np.pi


def _arccos1(u):
    if isinstance(u, (mpmath.mpf, mpmath.mpc)):
        u = _clip_mp(u)
        return (mpmath.sqrt(1 - u * u) + (mpmath.pi - mpmath.acos(u)) * u) / mpmath.pi
    u = np.clip(np.asarray(u, dtype=float), -1.0, 1.0)
    return (np.sqrt(1.0 - u * u) + (np.pi - np.arccos(u)) * u) / np.pi


def _arccos0_coefficient(m):
    if m == 0:
        return mpmath.mpf(1) / 2
    j = (m - 1) // 2
    return _central_binomial_ratio(j) / (mpmath.pi * (2 * j + 1))


def _arccos1_coefficient(m):
    if m == 0:
        return 1 / mpmath.pi
    if m == 1:
        return mpmath.mpf(1) / 2
    half = m // 2
    # a_{2h} = 2 C(2h-2, h-1) / (pi 4^h h (2h-1)) = C(2h-2, h-1)/4^(h-1) / (2 pi h (2h-1))
    return _central_binomial_ratio(half - 1) / (2 * mpmath.pi * half * (2 * half - 1))


def arccos(order):
    """Arc-cosine kernel of order 0 or 1 (Cho and Saul, 2009).

    ``kappa_0(u) = 1 - arccos(u)/pi`` and
    ``kappa_1(u) = (sqrt(1 - u^2) + (pi - arccos u) u)/pi``, both with value 1
    at ``u = 1``. Arguments a hair outside ``[-1, 1]`` (rounding of inner
    products of unit vectors) are clipped to the interval.

    Parameters
    ----------
    order : {0, 1}
        The order of the kernel.

    Returns
    -------
    Kernel
        With its Taylor coefficients: ``kappa_0`` has ``a_m = 0`` for even
        ``m >= 2``, ``kappa_1`` has ``a_m = 0`` for odd ``m >= 3``.

    Examples
    --------
    >>> round(float(arccos(1)(0.0)), 12)  # 1/pi
    0.318309886184
    """
    if order == 0 and not isinstance(order, bool):
        return Kernel(
            _arccos0,
            name="arccos(order=0)",
            coefficient=_arccos0_coefficient,
            angular=_arccos0_angular,
            value_at_one=lambda: mpmath.mpf(1),
            zero_coefficients=(0, 2),
        )
    if order == 1 and not isinstance(order, bool):
        return Kernel(
            _arccos1,
            name="arccos(order=1)",
            coefficient=_arccos1_coefficient,
            angular=_arccos1_angular,
            value_at_one=lambda: mpmath.mpf(1),
            zero_coefficients=(1, 3),
        )
    raise ValueError(f"order must be 0 or 1, got {order!r}")


def _relu_ntk(u):
    if isinstance(u, (mpmath.mpf, mpmath.mpc)):
        u = _clip_mp(u)
        return u * _arccos0(u) + _arccos1(u)
    u = np.clip(np.asarray(u, dtype=float), -1.0, 1.0)
    return u * _arccos0(u) + _arccos1(u)


def _relu_ntk_angular(theta):
    return mpmath.cos(theta) * _arccos0_angular(theta) + _arccos1_angular(theta)


def _relu_ntk_coefficient(m):
    if m == 0:
        return 1 / mpmath.pi
    if m == 1:
        return mpmath.mpf(1)
    half = m // 2
    # a_{2h} = C(2h-2, h-1) (2h+1) / (pi 4^(h-1) 2h (2h-1))
    return _central_binomial_ratio(half - 1) * (2 * half + 1) / (mpmath.pi * 2 * half * (2 * half - 1))


def relu_ntk():
    """Neural tangent kernel of a two-layer bias-free ReLU network.

    ``h(u) = u kappa_0(u) + kappa_1(u)``, normalised so that ``h(1) = 2``;
    this is twice the NTK of ``f(x) = N^{-1/2} sum_j v_j relu(<w_j, x>/sqrt(d))``
    with both layers trained at the same rate. Its odd part is exactly ``u``,
    so ``xi_{d,1} = 1/d`` and ``xi_{d,k} = 0`` for every odd ``k >= 3``.

    Returns
    -------
    Kernel

    Examples
    --------
    >>> float(relu_ntk()(1.0))
    2.0
    """
    return Kernel(
        _relu_ntk,
        name="relu_ntk",
        coefficient=_relu_ntk_coefficient,
        angular=_relu_ntk_angular,
        value_at_one=lambda: mpmath.mpf(2),
        zero_coefficients=(1, 3),
    )
