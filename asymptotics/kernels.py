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
import inspect
import math
import numbers
import weakref
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional, Tuple

import mpmath
import numpy as np

from ._arccos_spectrum import ArcCosineFormula

__all__ = [
    "Kernel",
    "exponential",
    "gaussian",
    "polynomial",
    "arccos",
    "relu_ntk",
    "relu_nngp",
]


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
    eigenvalue_formula : object, optional
        Closed-form eigenvalues at every ``d``, set by the catalogue for the
        arc-cosine kernels and the two-layer ReLU NTK; ``spectrum`` then uses
        it instead of the series and quadrature.

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
    eigenvalue_formula: Optional[object] = None

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
        """Taylor coefficient ``a_m`` as an mpmath number at the current precision.

        Examples
        --------
        >>> exponential().taylor_coefficient(3)  # 1/3!
        mpf('0.16666666666666666')
        """
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
        """Return whether ``a_m`` is known to be exactly zero.

        Examples
        --------
        >>> relu_ntk().coefficient_is_zero(3), relu_ntk().coefficient_is_zero(4)
        (True, False)
        """
        if self.polynomial_coefficients is not None:
            return m >= len(self.polynomial_coefficients) or self.polynomial_coefficients[m] == 0
        if self.zero_coefficients is not None:
            parity, start = self.zero_coefficients
            return m >= start and m % 2 == parity
        return False

    def at_one(self):
        """``h(1)`` as an mpmath number at the current precision.

        Examples
        --------
        >>> relu_ntk().at_one()
        mpf('2.0')
        """
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

        Examples
        --------
        >>> exponential().evaluate_angle(mpmath.pi / 2)  # h(0) = 1
        mpf('1.0')
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


# Catalogue kernels and the (constructor name, arguments) that rebuild them.
_CONSTRUCTORS = weakref.WeakKeyDictionary()


def _encode_argument(value):
    """A JSON value for a constructor argument: exact numbers as "p/q" strings, floats as floats."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_encode_argument(v) for v in value]
    return str(_as_fraction(value))


def _decode_argument(value):
    if isinstance(value, str):
        return Fraction(value)
    if isinstance(value, list):
        return [_decode_argument(v) for v in value]
    return value


def _recorded(constructor):
    """Remember how each kernel of the catalogue was built, so a saved spectrum can rebuild it."""
    signature = inspect.signature(constructor)

    @functools.wraps(constructor)
    def build(*args, **kwargs):
        kernel = constructor(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if kernel.polynomial_coefficients is not None and constructor.__name__ == "polynomial":
            # Any sequence type was accepted; the exact coefficients rebuild the same kernel.
            bound.arguments["coefficients"] = list(kernel.polynomial_coefficients)
        arguments = {name: _encode_argument(v) for name, v in bound.arguments.items()}
        _CONSTRUCTORS[kernel] = (constructor.__name__, arguments)
        return kernel

    return build


def constructor_of(kernel):
    """``(name, arguments)`` that rebuild a catalogue kernel, or None for other kernels.

    The arguments are JSON values: exact numbers as ``"p/q"`` strings, floats
    as floats.

    Examples
    --------
    >>> constructor_of(exponential(2))
    ('exponential', {'scale': 2})
    """
    return _CONSTRUCTORS.get(kernel)


def rebuild(name, arguments):
    """Build the catalogue kernel ``name`` from arguments given by :func:`constructor_of`.

    Raises ``ValueError`` for a name outside the catalogue.

    Examples
    --------
    >>> rebuild("relu_ntk", {"depth": 2}).name
    'relu_ntk(depth=2)'
    """
    catalogue = {
        "exponential": exponential,
        "gaussian": gaussian,
        "polynomial": polynomial,
        "arccos": arccos,
        "relu_ntk": relu_ntk,
        "relu_nngp": relu_nngp,
    }
    if name == "from_expression":
        # The formula text is stored as given, not as an exact number.
        return from_expression(**arguments)
    if name not in catalogue:
        raise ValueError(f"name must be one of {sorted(catalogue) + ['from_expression']}, got {name!r}")
    return catalogue[name](**{k: _decode_argument(v) for k, v in arguments.items()})


@_recorded
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


def _check_positive_real(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number, got {value!r}")
    if not math.isfinite(float(value)) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return Fraction(value) if isinstance(value, (int, Fraction)) else Fraction(float(value))


@_recorded
def gaussian(bandwidth=1):
    """Gaussian (RBF) kernel on the sphere, ``h(u) = exp(-(1 - u) / bandwidth^2)``.

    For points ``z = x / sqrt(d)`` on the unit sphere, ``||z - z'||^2 = 2 - 2u``,
    so this is ``exp(-||z - z'||^2 / (2 bandwidth^2))``; on the sphere of
    radius ``sqrt(d)`` it is ``exp(-||x - x'||^2 / (2 d bandwidth^2))``. With
    ``beta = 1 / bandwidth^2`` it equals ``exp(-beta) exp(beta u)``, so
    ``h(1) = 1`` and the eigenvalues have the closed form

    ``xi_{d,k} = exp(-beta) (beta/2)^k Gamma(d/2) / Gamma(d/2 + k) 0F1(; d/2 + k; beta^2/4)``.

    A fixed bandwidth keeps ``h`` fixed as ``d`` grows, the setting of the
    large-``d`` limits; a fixed bandwidth in the ``||x - x'||`` units instead
    makes ``beta`` grow like ``d``.

    Parameters
    ----------
    bandwidth : float or Fraction
        ``sigma > 0``, the bandwidth on the unit sphere.

    Returns
    -------
    Kernel
        Taylor coefficients ``exp(-beta) beta^m / m!``, all positive.

    Examples
    --------
    >>> h = gaussian(bandwidth=0.5)
    >>> float(h(1.0))
    1.0
    >>> round(float(h(0.0)), 12)  # exp(-4)
    0.018315638889
    """
    exact = _check_positive_real(bandwidth, "bandwidth")
    inverse_square = 1 / (exact * exact)

    def beta():
        return mpmath.mpf(inverse_square.numerator) / inverse_square.denominator

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return mpmath.exp(beta() * (u - 1))
        return np.exp(float(inverse_square) * (np.asarray(u, dtype=float) - 1.0))

    def coefficient(m):
        b = beta()
        return mpmath.exp(-b) * b**m / mpmath.factorial(m)

    return Kernel(
        function,
        name=f"gaussian(bandwidth={bandwidth})",
        coefficient=coefficient,
        value_at_one=lambda: mpmath.mpf(1),
    )


@_recorded
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
    """``C(2j, j) / 4^j`` as an mpmath number, from the exact integer binomial."""
    return mpmath.ldexp(mpmath.mpf(math.comb(2 * j, j)), -2 * j)


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


@_recorded
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
            eigenvalue_formula=ArcCosineFormula("arccos0"),
        )
    if order == 1 and not isinstance(order, bool):
        return Kernel(
            _arccos1,
            name="arccos(order=1)",
            coefficient=_arccos1_coefficient,
            angular=_arccos1_angular,
            value_at_one=lambda: mpmath.mpf(1),
            zero_coefficients=(1, 3),
            eigenvalue_formula=ArcCosineFormula("arccos1"),
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


def _check_depth(depth):
    if isinstance(depth, (bool, np.bool_)) or not isinstance(depth, numbers.Integral):
        raise TypeError(f"depth must be an integer in [1, 20], got {depth!r}")
    if not 1 <= depth <= 20:
        raise ValueError(f"depth must be an integer in [1, 20], got {depth}")
    return int(depth)


def _deep_kernel(depth, kind, name, at_one):
    from . import _deep_relu

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return _deep_relu.value(depth, kind, _clip_mp(u))
        return _deep_relu.value_float(depth, kind, np.clip(np.asarray(u, dtype=float), -1, 1), np)

    return Kernel(
        function,
        name=name,
        coefficient=lambda m: _deep_relu.coefficient(depth, kind, m),
        angular=lambda theta: _deep_relu.value_angle(depth, kind, theta),
        value_at_one=lambda: mpmath.mpf(at_one),
    )


@_recorded
def relu_ntk(depth=1):
    """Neural tangent kernel of a bias-free ReLU network with ``depth`` hidden layers.

    ``depth = 1``: ``h(u) = u kappa_0(u) + kappa_1(u)``, normalised so that
    ``h(1) = 2``; this is twice the NTK of
    ``f(x) = N^{-1/2} sum_j v_j relu(<w_j, x>/sqrt(d))`` with both layers
    trained at the same rate. Its odd part is exactly ``u``, so
    ``xi_{d,1} = 1/d`` and ``xi_{d,k} = 0`` for every odd ``k >= 3``.

    Deeper networks follow the recursion, with He initialisation (weight
    variance 2 / fan-in) and every layer trained,
    ``Sigma_0 = Theta_0 = u``, ``Sigma_l = kappa_1(Sigma_{l-1})``,
    ``Theta_l = Sigma_l + Theta_{l-1} kappa_0(Sigma_{l-1})``, and
    ``h = Theta_depth`` with ``h(1) = depth + 1``. Its Taylor coefficients come
    from composing power series at the working precision.

    Parameters
    ----------
    depth : int
        Number of hidden layers, 1 to 20.

    Returns
    -------
    Kernel
        Named ``"relu_ntk"`` for depth 1 and ``"relu_ntk(depth=L)"`` otherwise.

    Examples
    --------
    >>> float(relu_ntk()(1.0))
    2.0
    >>> float(relu_ntk(depth=3)(1.0))
    4.0
    """
    depth = _check_depth(depth)
    if depth > 1:
        return _deep_kernel(depth, 1, f"relu_ntk(depth={depth})", depth + 1)
    return Kernel(
        _relu_ntk,
        name="relu_ntk",
        coefficient=_relu_ntk_coefficient,
        angular=_relu_ntk_angular,
        value_at_one=lambda: mpmath.mpf(2),
        zero_coefficients=(1, 3),
        eigenvalue_formula=ArcCosineFormula("relu_ntk"),
    )


@_recorded
def relu_nngp(depth=1):
    """NNGP (infinite-width Gaussian-process) kernel of a bias-free ReLU network.

    With He initialisation (weight variance 2 / fan-in) the covariance of the
    last hidden layer's units, normalised to 1 on the diagonal, is
    ``Sigma_depth`` with ``Sigma_0 = u`` and ``Sigma_l = kappa_1(Sigma_{l-1})``.
    ``depth = 1`` is the arc-cosine kernel of order 1, ``arccos(1)``, twice the
    NNGP ``E[relu(<w, x>/sqrt(d)) relu(<w, x'>/sqrt(d))]`` of a two-layer
    network with standard Gaussian weights.

    Parameters
    ----------
    depth : int
        Number of hidden layers, 1 to 20.

    Returns
    -------
    Kernel
        With ``h(1) = 1``. Depth 1 has the closed-form coefficients of
        ``kappa_1`` (``a_m = 0`` for odd ``m >= 3``); deeper kernels have
        coefficients from composing power series at the working precision.

    Examples
    --------
    >>> round(float(relu_nngp()(0.0)), 12)  # 1/pi
    0.318309886184
    >>> float(relu_nngp(depth=2)(1.0))
    1.0
    """
    depth = _check_depth(depth)
    if depth > 1:
        return _deep_kernel(depth, 0, f"relu_nngp(depth={depth})", 1)
    return Kernel(
        _arccos1,
        name="relu_nngp(depth=1)",
        coefficient=_arccos1_coefficient,
        angular=_arccos1_angular,
        value_at_one=lambda: mpmath.mpf(1),
        zero_coefficients=(1, 3),
        eigenvalue_formula=ArcCosineFormula("arccos1"),
    )


# Functions and constants a kernel expression may use. Each maps to its sympy
# class; nothing else is reachable from the parsed text.
_EXPRESSION_FUNCTIONS = (
    "exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
    "asin", "acos", "atan", "asinh", "atanh", "erf", "besseli",
)  # fmt: skip
_EXPRESSION_CONSTANTS = ("pi", "E")
_EXPRESSION_OPERATORS = frozenset(["+", "-", "*", "/", "**", "^", "(", ")", ","])
_MAX_EXPRESSION_LENGTH = 2000
# Orders of the exact Taylor expansion: the first block, and the highest order
# expanded before the eigenvalue series gives way to quadrature.
_FIRST_EXPANSION_ORDER = 32
_MAX_EXPANSION_ORDER = 128


def _check_expression_text(text, variable):
    """Reject any token that is not a number, an allowed name or an arithmetic operator.

    The check runs on Python's own tokens before sympy sees the text, so
    attribute access, subscripts, dunder names, keywords such as ``lambda``
    and string literals never reach ``parse_expr``.
    """
    import io
    import tokenize

    if len(text) > _MAX_EXPRESSION_LENGTH:
        raise ValueError(
            f"expression must have at most {_MAX_EXPRESSION_LENGTH} characters, got {len(text)}"
        )
    allowed_names = set(_EXPRESSION_FUNCTIONS) | set(_EXPRESSION_CONSTANTS) | {variable}
    skipped = (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(f"expression {text!r} is not a valid formula: {error}") from None
    for token in tokens:
        if token.type in skipped:
            continue
        if token.type == tokenize.NUMBER:
            if token.string[-1:] in "jJ":
                raise ValueError(f"expression {text!r} contains the complex number {token.string}")
            continue
        if token.type == tokenize.NAME and token.string in allowed_names:
            continue
        if token.type == tokenize.OP and token.string in _EXPRESSION_OPERATORS:
            continue
        if token.type == tokenize.NAME:
            problem = f"uses the name {token.string!r}, which is not the variable {variable!r}"
        else:
            problem = f"contains {token.string!r}, which is not allowed"
        raise ValueError(
            f"expression {text!r} {problem}. A kernel expression may use numbers, the variable "
            f"{variable!r}, + - * / ** ^, parentheses, the constants "
            f"{', '.join(_EXPRESSION_CONSTANTS)} and the functions {', '.join(_EXPRESSION_FUNCTIONS)}"
        )


def _parse_expression(text, symbol):
    """Parse checked text into a sympy expression; ``^`` means power, as in mathematics."""
    import sympy
    from sympy.parsing.sympy_parser import (
        auto_number,
        convert_xor,
        implicit_multiplication,
        parse_expr,
        rationalize,
    )

    _check_expression_text(text, symbol.name)
    namespace = {name: getattr(sympy, name) for name in _EXPRESSION_FUNCTIONS}
    namespace.update(pi=sympy.pi, E=sympy.E, Integer=sympy.Integer, Float=sympy.Float,
                     Rational=sympy.Rational, Symbol=sympy.Symbol)  # fmt: skip
    namespace["__builtins__"] = {}
    try:
        return parse_expr(
            text,
            local_dict={symbol.name: symbol},
            global_dict=namespace,
            # rationalize reads decimals as exact decimal fractions: 0.1 is 1/10.
            transformations=(auto_number, rationalize, convert_xor, implicit_multiplication),
            evaluate=True,
        )
    except (SyntaxError, TypeError, ValueError, AttributeError, sympy.SympifyError) as error:
        raise ValueError(f"expression {text!r} is not a valid formula: {error}") from None


def _taylor_block(expression, symbol, order):
    """Exact Taylor coefficients ``a_0 .. a_{order-1}`` at 0, as sympy numbers."""
    import sympy
    from sympy.polys.ring_series import rs_series

    # The ring-series engine is fast but covers few functions, and for some it
    # returns the input unexpanded; sympy's general series is the fallback.
    # NOTE: no time limit applies; sympy's series of some formulas (gamma of a
    # shifted variable, for one) took minutes in trials, so such functions are not offered.
    try:
        series = rs_series(expression, symbol, order).as_expr()
    except Exception:  # noqa: BLE001 - any failure of the fast engine means the general one
        series = None
    if series is None or not series.is_polynomial(symbol):
        series = sympy.series(expression, symbol, 0, order).removeO()
    coefficients = [sympy.Integer(0)] * order
    for term in sympy.Add.make_args(sympy.expand(series)):
        coefficient, power = term.as_coeff_exponent(symbol)
        if coefficient.has(symbol) or not power.is_integer or power < 0:
            raise ValueError(
                f"h(u) = {expression} has no Taylor series at u = 0 (term {term}); "
                "the kernel must be analytic at 0"
            )
        if power < order:
            coefficients[int(power)] += coefficient
    return coefficients


def _zero_coefficients_of(expression, symbol):
    """``(parity, start)`` when the odd or even part of ``h`` is a polynomial, else None.

    Only identities that sympy proves (a part that simplifies to a polynomial)
    are declared, because a declared zero makes eigenvalues exact zeros.
    """
    import sympy

    # acos(-u) = pi - acos(u) is not applied automatically; in terms of asin
    # the reflection cancels.
    expression = expression.rewrite(sympy.asin)
    reflected = expression.subs(symbol, -symbol)
    for parity, part in ((1, expression - reflected), (0, expression + reflected)):
        part = sympy.simplify(part / 2)
        if part.is_polynomial(symbol):
            degree = sympy.degree(part, symbol) if part != 0 else -1
            start = degree + 1 if degree % 2 != parity else degree + 2
            start = max(start, parity)
            return parity, int(start)
    return None


def _sympy_number_to_fraction(value):
    """The exact Fraction of a rational sympy number, or None."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return None


class _TaylorCache:
    """Exact Taylor coefficients of a sympy expression, expanded in doubling blocks."""

    def __init__(self, expression, symbol):
        self.expression = expression
        self.symbol = symbol
        self.coefficients = _taylor_block(expression, symbol, _FIRST_EXPANSION_ORDER)

    def exact(self, m):
        """``a_m`` as a sympy number, expanding further when needed."""
        if m >= len(self.coefficients):
            if m >= _MAX_EXPANSION_ORDER:
                # NOTE: relies on the private exception of the eigenvalue engine, which
                # catches it and uses quadrature instead; keep the two in step.
                from ._eigen import SeriesNotConverged

                raise SeriesNotConverged(
                    f"Taylor coefficients of order >= {_MAX_EXPANSION_ORDER} are not expanded"
                )
            order = min(_MAX_EXPANSION_ORDER, max(2 * len(self.coefficients), m + 1))
            self.coefficients = _taylor_block(self.expression, self.symbol, order)
        return self.coefficients[m]

    def numeric(self, m):
        """``a_m`` as an mpmath number at the current precision."""
        value = self.exact(m)
        fraction = _sympy_number_to_fraction(value)
        if fraction is not None:
            return mpmath.mpf(fraction.numerator) / fraction.denominator
        return mpmath.mpf(str(value.evalf(mpmath.mp.dps + 10)))


def _sympy_kernel_function(expression, symbol, name):
    """``h`` for numpy arrays (float64) and for mpmath numbers (current precision)."""
    import sympy

    for_mpmath = sympy.lambdify(symbol, expression, modules="mpmath")
    # scipy supplies erf and besseli for arrays, which numpy lacks.
    for_numpy = sympy.lambdify(symbol, expression, modules=["scipy", "numpy"])

    def function(u):
        if isinstance(u, (mpmath.mpf, mpmath.mpc)):
            return for_mpmath(u)
        u = np.asarray(u, dtype=float)
        with np.errstate(invalid="ignore"):
            values = np.asarray(for_numpy(u), dtype=float)
        # A constant expression returns a scalar; give it the shape of u.
        return np.broadcast_to(values, u.shape).copy() if values.shape != u.shape else values

    function.__name__ = name
    return function


def from_expression(expression, variable="t", name=None):
    """Build a kernel from a formula for ``h``, such as ``"exp(t)"`` or ``"(1 + t)^3"``.

    The text is parsed by sympy after a token check: only numbers, the
    variable, the constants ``pi`` and ``E``, the operators ``+ - * / ** ^``,
    parentheses, commas and the functions ``exp log sqrt sin cos tan sinh cosh
    tanh asin acos atan asinh atanh erf besseli`` are accepted,
    so the text is never run as Python code. ``^`` is a power, a number
    next to a name multiplies it (``2t`` is ``2*t``), and decimals are exact
    decimal fractions (``0.1`` is ``1/10``).

    Parameters
    ----------
    expression : str or sympy.Expr
        ``h`` as a function of ``variable``, which stands for
        ``u = <x, x'>/d`` in ``[-1, 1]``. It must be analytic at 0 and finite
        and real on ``[-1, 1]``.
    variable : str
        The name of the variable in ``expression`` (default ``"t"``).
    name : str, optional
        Label of the kernel; defaults to the expression.

    Returns
    -------
    Kernel
        A polynomial ``h`` with rational coefficients becomes a polynomial
        kernel with exact eigenvalues. Otherwise the kernel carries the exact
        Taylor coefficients at 0 (from sympy series, rational where they are
        rational), expanded up to order 127. Eigenvalues that need higher
        orders are computed by quadrature of ``h``. When the odd or even part
        of ``h`` simplifies to a polynomial, the coefficients above its degree
        are declared exactly zero.

    Raises
    ------
    ValueError
        If the text contains anything but the items above, names a symbol
        other than ``variable``, is not analytic at 0, or is not finite and
        real at ``u = -1``, ``0`` or ``1``.
    TypeError
        If ``expression`` is neither a string nor a sympy expression.

    Examples
    --------
    >>> h = from_expression("exp(t)")
    >>> float(h(0.0)), h.taylor_coefficient(3) == mpmath.mpf(1) / 6
    (1.0, True)
    >>> from_expression("(1 + t)^2").polynomial_coefficients
    (Fraction(1, 1), Fraction(2, 1), Fraction(1, 1))
    """
    import sympy

    if not isinstance(variable, str) or not variable.isidentifier() or variable.startswith("_"):
        raise ValueError(f"variable must be a plain name such as 't', got {variable!r}")
    if variable in _EXPRESSION_FUNCTIONS or variable in _EXPRESSION_CONSTANTS:
        raise ValueError(f"variable must not be a function or constant name, got {variable!r}")
    symbol = sympy.Symbol(variable, real=True)
    if isinstance(expression, str):
        parsed = _parse_expression(expression.strip(), symbol)
        label = name or expression.strip()
    elif isinstance(expression, sympy.Basic):
        parsed = expression.subs(sympy.Symbol(variable), symbol)
        label = name or str(expression)
    else:
        raise TypeError(f"expression must be a string or a sympy expression, got {expression!r}")
    if not isinstance(parsed, sympy.Expr):
        raise ValueError(f"expression {label!r} is not a formula for a number")
    others = sorted(str(s) for s in parsed.free_symbols if s != symbol)
    if others:
        raise ValueError(
            f"expression {label!r} uses the symbols {', '.join(others)} besides the variable "
            f"{variable!r}; substitute numbers for them"
        )
    kernel = _kernel_from_sympy(parsed, symbol, label)
    if isinstance(expression, str):
        _CONSTRUCTORS[kernel] = (
            "from_expression",
            {"expression": expression, "variable": variable, "name": name},
        )
    return kernel


def _kernel_from_sympy(expression, symbol, label):
    """Kernel of a checked sympy expression in one real variable."""
    import sympy

    if expression.is_polynomial(symbol):
        coefficients = sympy.Poly(expression, symbol).all_coeffs()[::-1]
        # A Float of a sympy input is taken at its exact binary value, as polynomial() does.
        exact = [_sympy_number_to_fraction(sympy.Rational(c) if c.is_Float else c)
                 for c in coefficients]  # fmt: skip
        if all(c is not None for c in exact):
            kernel = polynomial(exact)
            return Kernel(kernel.function, name=label, polynomial_coefficients=kernel.polynomial_coefficients)
    function = _sympy_kernel_function(expression, symbol, label)
    for point in (-1, 0, 1):
        with mpmath.workdps(30):
            try:
                value = function(mpmath.mpf(point))
            except (ArithmeticError, ValueError, TypeError) as error:
                raise ValueError(
                    f"h(u) = {label} cannot be evaluated at u = {point} "
                    f"({type(error).__name__}: {error}); it must be finite on [-1, 1]"
                ) from None
        if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
            raise ValueError(f"h(u) = {label} is {value} at u = {point}; it must be finite and real on [-1, 1]")
    cache = _TaylorCache(expression, symbol)
    at_one = expression.subs(symbol, 1)

    def value_at_one():
        return mpmath.mpf(str(sympy.N(at_one, mpmath.mp.dps + 10)))

    return Kernel(
        function,
        name=label,
        coefficient=cache.numeric,
        value_at_one=value_at_one,
        zero_coefficients=_zero_coefficients_of(expression, symbol),
    )


def from_coefficients(coefficients, name=None):
    """Build the polynomial kernel ``h(u) = sum_m a_m u^m`` from its Taylor coefficients.

    Parameters
    ----------
    coefficients : sequence or mapping
        Either ``(a_0, a_1, ..., a_p)`` or a mapping ``{m: a_m}`` for sparse
        polynomials such as ``{0: 1, 10: 1}``. Each ``a_m`` is an int,
        Fraction, float, rational sympy number or a string such as ``"1/3"``.
        Ints, Fractions and strings give exact rational eigenvalues; floats
        are taken at their exact binary value.
    name : str, optional
        Label of the kernel; defaults to the polynomial.

    Returns
    -------
    Kernel
        The polynomial kernel, with ``polynomial_coefficients`` set.

    Raises
    ------
    ValueError
        If there are no coefficients, a power is negative or above 10000, or
        a string is not a rational number.
    TypeError
        If a coefficient is not a real number.

    Examples
    --------
    >>> h = from_coefficients(["1/2", 0, "1/2"])
    >>> h.polynomial_coefficients
    (Fraction(1, 2), Fraction(0, 1), Fraction(1, 2))
    >>> from_coefficients({0: 1, 4: 1}).polynomial_degree
    4
    """
    if hasattr(coefficients, "items"):
        powers = {}
        for power, value in coefficients.items():
            if isinstance(power, bool) or not isinstance(power, numbers.Integral):
                raise TypeError(f"coefficient powers must be integers, got {power!r}")
            if not 0 <= power <= 10000:
                raise ValueError(f"coefficient powers must be in 0..10000, got {power}")
            powers[int(power)] = value
        if not powers:
            raise ValueError("coefficients must contain at least one value, got an empty mapping")
        dense = [0] * (max(powers) + 1)
        for power, value in powers.items():
            dense[power] = value
        coefficients = dense
    elif isinstance(coefficients, (str, bytes)) or not hasattr(coefficients, "__iter__"):
        raise TypeError(f"coefficients must be a sequence or a mapping, got {coefficients!r}")
    exact = []
    for power, value in enumerate(coefficients):
        if isinstance(value, str):
            try:
                value = Fraction(value.strip())
            except (ValueError, ZeroDivisionError):
                raise ValueError(
                    f"coefficient a_{power} = {value!r} is not a rational number such as '1/3'"
                ) from None
        exact.append(value)
    kernel = polynomial(exact)
    if name is None:
        return kernel
    return Kernel(kernel.function, name=name, polynomial_coefficients=kernel.polynomial_coefficients)


__all__ += ["from_expression", "from_coefficients"]
