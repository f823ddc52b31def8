"""Spherical-harmonic spectrum of a dot-product kernel at finite dimension.

The eigenvalue ``xi_{d,k}`` is that of the integral operator
``f -> E_{x'}[h(<x, x'>/d) f(x')]`` under the uniform probability measure on
the sphere of radius ``sqrt(d)``, on the ``B(d, k)``-dimensional space of
degree-``k`` harmonics. The degrees above ``max_degree`` are kept as one lumped
level that carries their trace ``T = sum_{k > K} B xi_k`` and Hilbert-Schmidt
norm ``S = sum_{k > K} B xi_k^2``, so that ``sum_k B xi_k + T = h(1)``.
"""

from __future__ import annotations

import logging
import math
import numbers
import warnings
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from ._eigen import (
    EigenEngine,
    SeriesNotConverged,
    exact_eigenvalues,
    exact_second_moment,
    quadrature_second_moment,
    value_digits,
)
from ._arccos_spectrum import closed_form_spectrum
from ._float_series import FloatSeriesFailed, float_spectrum
from ._validation import AsymptoticsWarning, check_degree, check_dimension, warn
from .harmonics import multiplicities as _multiplicities
from .harmonics import multiplicity
from .kernels import Kernel

logger = logging.getLogger(__name__)

__all__ = ["Spectrum", "spectrum", "DEFAULT_MAX_DEGREE"]

DEFAULT_MAX_DEGREE = 12
# Largest max_degree accepted: the work grows with the square of the degree.
MAX_DEGREE_LIMIT = 10000
FLOAT_DIGITS = 16
# Largest number of digits accepted. The quadrature and the slowly converging
# series of the arc-cosine kernels take minutes at 60 to 100 digits for d near
# 100 and grow steeply beyond: relu_ntk at d = 1000 took 450 s at 200 digits
# (measured on a shared two-core machine).
MAX_DIGITS = 100
# Extra decimal digits carried internally beyond those promised.
GUARD_DIGITS = 12
# Guard digits tried in turn when a tail is too small to resolve by subtraction.
GUARD_SEQUENCE = (GUARD_DIGITS, 24, 48)
# Degrees beyond max_degree summed directly when the tail is too small to subtract.
MAX_TAIL_DEGREES = 200


@dataclass(frozen=True)
class Spectrum:
    """Eigenvalues and multiplicities of a dot-product kernel in dimension ``d``.

    Attributes
    ----------
    kernel : Kernel
        The kernel the spectrum belongs to.
    d : int
        Dimension.
    eigenvalues : numpy.ndarray or tuple
        ``eigenvalues[k] = xi_{d,k}`` for ``k = 0..max_degree``: a float64
        array (``digits=None``), a tuple of mpmath numbers (``digits=N``) or a
        tuple of Fractions (``exact=True``). Zeros are exact zeros.
    multiplicities : tuple of int
        ``B(d, k)``, exact.
    log_eigenvalues : numpy.ndarray
        Natural logarithms of the eigenvalues (``-inf`` for exact zeros),
        available even where ``xi_{d,k}`` underflows float64.
    tail_trace : float, mpmath number or Fraction
        ``T_{>K} = h(1) - sum_{k <= K} B(d, k) xi_{d,k}``.
    tail_hilbert_schmidt : float, mpmath number or Fraction
        ``S_{>K} = E[h(u)^2] - sum_{k <= K} B(d, k) xi_{d,k}^2``.
    value_at_one : float, mpmath number or Fraction
        ``h(1)``, the trace of the operator.
    methods : tuple of str
        How each eigenvalue was computed: ``"exact"``, ``"series"``,
        ``"quadrature"`` or ``"closed form"``.
    digits : int or None
        Correct significant digits promised (``None``: float64, with a
        relative error below ``1e-12``, typically ``1e-15``; exact spectra use
        ``None`` with ``precision == "exact"``).
    precision : str
        ``"float64"``, ``"mpmath"`` or ``"exact"``.
    """

    kernel: Kernel
    d: int
    eigenvalues: object
    multiplicities: tuple
    log_eigenvalues: np.ndarray
    tail_trace: object
    tail_hilbert_schmidt: object
    value_at_one: object
    methods: tuple
    digits: object
    precision: str

    @property
    def max_degree(self):
        """Highest degree computed individually."""
        return len(self.multiplicities) - 1

    @property
    def degree_masses(self):
        """``B(d, k) xi_{d,k}`` per degree, in the spectrum's number type.

        For the float64 spectrum the products are formed from the logarithms,
        so they are correct even where ``B(d, k)`` overflows float64.
        """
        if self.precision == "float64":
            logs = self.log_eigenvalues + np.array([_log_int(b) for b in self.multiplicities])
            return np.exp(logs)
        return tuple(b * xi for b, xi in zip(self.multiplicities, self.eigenvalues))

    @property
    def tail_eigenvalue(self):
        """Eigenvalue ``S/T`` of the lumped tail level (0 when there is no tail)."""
        if self.tail_trace == 0:
            return 0 * self.tail_trace
        return self.tail_hilbert_schmidt / self.tail_trace

    @property
    def tail_multiplicity(self):
        """Multiplicity ``T^2/S`` of the lumped tail level (0 when there is no tail)."""
        if self.tail_trace == 0:
            return 0 * self.tail_trace
        return self.tail_trace**2 / self.tail_hilbert_schmidt

    def levels(self):
        """Float64 levels for the risk engines.

        Returns
        -------
        eigenvalues, masses : numpy.ndarray
            One entry per degree ``0..max_degree`` and, when the tail trace is
            positive, a last entry for the lumped tail: eigenvalue ``S/T`` and
            mass ``T``. The mass of a level is multiplicity times eigenvalue.

        Examples
        --------
        >>> from asymptotics import kernels
        >>> eigenvalues, masses = spectrum(kernels.polynomial([1, 0, 1]), d=5).levels()
        >>> [round(float(m), 12) for m in masses]  # h(u) = 1 + u^2: masses 6/5, 0, 4/5; no tail
        [1.2, 0.0, 0.8]
        """
        eigenvalues = np.exp(self.log_eigenvalues)
        masses = np.asarray(self.degree_masses, dtype=float)
        if self.tail_trace > 0:
            eigenvalues = np.append(eigenvalues, float(self.tail_eigenvalue))
            masses = np.append(masses, float(self.tail_trace))
        return eigenvalues, masses

    def to_json(self):
        """Serialise the spectrum and its provenance as a JSON string.

        Every number is written so that :meth:`from_json` restores it exactly:
        Fractions as ``"p/q"``, mpmath numbers as decimal strings with enough
        digits for their binary precision (stored as ``precision_bits``), and
        float64 values as the shortest round-trip decimal. The provenance
        lists the kernel name, the catalogue constructor and its arguments
        (when the kernel comes from :mod:`asymptotics.kernels`), ``d``, the
        degrees, the methods, ``digits``, the precision and the package version.

        Returns
        -------
        str

        Examples
        --------
        >>> from asymptotics import kernels
        >>> s = spectrum(kernels.exponential(), 5, max_degree=3)
        >>> Spectrum.from_json(s.to_json()).eigenvalues.tolist() == s.eigenvalues.tolist()
        True
        """
        from ._serialise import spectrum_to_json

        return spectrum_to_json(self)

    @classmethod
    def from_json(cls, text):
        """Rebuild a spectrum written by :meth:`to_json`.

        Catalogue kernels are rebuilt from their constructor and arguments. A
        user-supplied kernel cannot be rebuilt from JSON: the spectrum then
        carries a placeholder kernel with the saved name whose function raises
        ``ValueError`` when called, so the loaded spectrum is provenance and
        numbers only.

        Parameters
        ----------
        text : str
            JSON written by :meth:`to_json`.

        Returns
        -------
        Spectrum
        """
        from ._serialise import spectrum_from_json

        return spectrum_from_json(cls, text)

    def save(self, path):
        """Write :meth:`to_json` to the file ``path`` (UTF-8).

        Examples
        --------
        >>> import os, tempfile
        >>> from asymptotics import kernels
        >>> original = spectrum(kernels.exponential(), d=10, max_degree=3)
        >>> path = os.path.join(tempfile.mkdtemp(), "spectrum.json")
        >>> original.save(path)
        >>> Spectrum.load(path).eigenvalues.tolist() == original.eigenvalues.tolist()
        True
        """
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.to_json())

    @classmethod
    def load(cls, path):
        """Read a spectrum written by :meth:`save`; see :meth:`from_json`."""
        with open(path, encoding="utf-8") as handle:
            return cls.from_json(handle.read())

    def __repr__(self):
        shown = ", ".join(f"{float(x):.6g}" for x in list(self.eigenvalues)[:5])
        more = ", ..." if self.max_degree >= 5 else ""
        return (
            f"Spectrum(kernel={self.kernel.name!r}, d={self.d}, max_degree={self.max_degree}, "
            f"precision={self.precision!r}, eigenvalues=[{shown}{more}], "
            f"tail_trace={float(self.tail_trace):.6g})"
        )


def _log_int(value):
    """Natural logarithm of a positive Python int of any size."""
    bits = value.bit_length()
    if bits < 1000:
        return math.log(value)
    shift = bits - 64
    return math.log(value >> shift) + shift * math.log(2)


def _check_digits(digits):
    if digits is None:
        return None
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"digits must be None or an integer in [1, {MAX_DIGITS}], got {digits!r}")
    if not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits must be None or an integer in [1, {MAX_DIGITS}], got {digits}")
    return int(digits)


def spectrum(kernel, d, max_degree=None, digits=None, exact=False):
    """Compute the spherical-harmonic eigen-decomposition of a dot-product kernel.

    Parameters
    ----------
    kernel : Kernel
        The kernel ``h``, for example ``asymptotics.kernels.relu_ntk()``.
    d : int
        Dimension, ``d >= 2``; the inputs are uniform on the sphere of radius
        ``sqrt(d)``.
    max_degree : int, optional
        Highest degree computed individually; the rest is lumped into one
        level, at most ``MAX_DEGREE_LIMIT`` (10000). Defaults to the degree of
        a polynomial kernel and to ``DEFAULT_MAX_DEGREE`` (12) otherwise.
    digits : int, optional
        ``None`` for float64 results; ``N`` for mpmath numbers with ``N``
        correct significant digits, ``1 <= N <= MAX_DIGITS`` (100).
    exact : bool
        Exact Fractions; only for polynomial kernels with rational coefficients.

    Returns
    -------
    Spectrum
        ``xi_{d,k}``, the eigenvalue of ``f -> E_{x'}[h(<x,x'>/d) f(x')]``
        under the uniform probability measure, for ``k <= max_degree``, with
        exact multiplicities ``B(d, k)`` and the lumped tail.

    Notes
    -----
    With Taylor coefficients ``a_m`` the eigenvalues follow from
    ``xi_{d,k} = sum_j a_{k+2j} (k+2j)! / (2^(k+2j) j! (d/2)_{k+j})``; when
    the series converges too slowly (arc-cosine kernels at small ``d``) or no
    coefficients are known, from Gauss-Legendre quadrature in the angle. Both
    run in mpmath with guard digits; the requested accuracy is checked by the
    size of the series remainder or by doubling the quadrature nodes.

    The arc-cosine kernels and the two-layer ReLU NTK of the catalogue carry
    closed-form eigenvalues (Gamma-function ratios) used at every ``d`` and
    precision instead.

    For ``digits=None`` and a kernel with Taylor coefficients, a vectorised
    numpy evaluation of the same series runs first. It keeps every term as a
    mantissa and a power of two, so eigenvalues below the float64 range keep
    their relative accuracy in ``log_eigenvalues``, and it is used only when
    its error bound is below ``1e-12`` relative for every eigenvalue and the
    tail trace. Otherwise (slow series at small ``d``, terms that cancel, an
    unresolved tail) the mpmath engines above give the float64 result.

    Examples
    --------
    >>> from asymptotics import kernels
    >>> s = spectrum(kernels.relu_ntk(), d=3, max_degree=4)
    >>> [round(float(x), 10) for x in s.eigenvalues]
    [0.5, 0.3333333333, 0.078125, 0.0, 0.0052083333]
    >>> spectrum(kernels.polynomial([0, 0, 1]), d=10, exact=True).eigenvalues
    (Fraction(1, 10), Fraction(0, 1), Fraction(1, 60))
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be an asymptotics.Kernel, got {type(kernel).__name__}")
    d = check_dimension(d)
    digits = _check_digits(digits)
    if max_degree is None:
        degree = kernel.polynomial_degree
        max_degree = DEFAULT_MAX_DEGREE if degree is None else degree
    max_degree = check_degree(max_degree, name="max_degree")
    if max_degree > MAX_DEGREE_LIMIT:
        # Every degree costs a series or a quadrature column; far beyond any use.
        raise ValueError(
            f"max_degree must be an integer in [0, {MAX_DEGREE_LIMIT}], got {max_degree}"
        )
    multiplicities = _multiplicities(d, max_degree)
    if exact and digits is not None:
        raise ValueError("exact=True and digits are exclusive; pass one of them")
    if kernel.polynomial_coefficients is not None:
        # Polynomial kernels have finite rational series: compute exactly, then round.
        values, trace, hilbert_schmidt, h_one = _exact_values(kernel, d, max_degree, multiplicities)
        if exact:
            logs = np.array([_log_fraction(x) for x in values])
            return Spectrum(
                kernel, d, tuple(values), multiplicities, logs, trace, hilbert_schmidt, h_one,
                ("exact",) * len(values), None, "exact",
            )  # fmt: skip
        promised = FLOAT_DIGITS if digits is None else digits
        with mpmath.workdps(promised + GUARD_DIGITS):
            numbers = [_mp_fraction(x) for x in (*values, trace, hilbert_schmidt, h_one)]
        *values, trace, hilbert_schmidt, h_one = numbers
        methods = ["exact"] * len(values)
        return _present(kernel, d, values, multiplicities, methods, trace, hilbert_schmidt, h_one, digits)
    if exact:
        raise ValueError(
            f"exact=True needs a polynomial kernel with rational coefficients; "
            f"{kernel.name!r} is not one"
        )
    if digits is not None and not kernel.accepts_mpmath:
        raise ValueError(
            f"digits={digits} needs a kernel function that accepts mpmath numbers; "
            f"{kernel.name!r} evaluates in float64 only"
        )
    if kernel.eigenvalue_formula is not None:
        return _closed_form(kernel, d, max_degree, multiplicities, digits)
    if digits is None and kernel.has_coefficients:
        try:
            return _float64_spectrum(kernel, d, max_degree, multiplicities)
        except FloatSeriesFailed as reason:
            logger.debug("float64 series of %s at d=%d not used: %s", kernel.name, d, reason)
    promised = FLOAT_DIGITS if digits is None else digits
    for guard in GUARD_SEQUENCE:
        final = guard == GUARD_SEQUENCE[-1] or not kernel.accepts_mpmath
        with warnings.catch_warnings(record=True) as caught, mpmath.workdps(promised + guard):
            warnings.simplefilter("always", AsymptoticsWarning)
            values, methods = _mp_eigenvalues(kernel, d, max_degree, promised, guard)
            tail = _mp_tail(kernel, d, values, multiplicities, promised, guard, final)
        if tail is not None:
            break
    # Only the warnings of the pass whose results are returned are shown.
    for warning in caught:
        warnings.warn(warning.message, warning.category, stacklevel=2)
    return _present(kernel, d, values, multiplicities, methods, *tail, digits)


def _closed_form(kernel, d, max_degree, multiplicities, digits):
    """Eigenvalues and tails from the kernel's closed-form eigenvalue formula."""
    promised = FLOAT_DIGITS if digits is None else digits
    values, trace, hilbert_schmidt, h_one = closed_form_spectrum(
        kernel.eigenvalue_formula, d, max_degree, multiplicities, promised
    )
    methods = ["closed form"] * (max_degree + 1)
    return _present(kernel, d, values, multiplicities, methods, trace, hilbert_schmidt, h_one, digits)


def _float64_spectrum(kernel, d, max_degree, multiplicities):
    """The vectorised float64 series path; raises FloatSeriesFailed where it cannot promise."""
    with mpmath.workdps(20):
        h_one = kernel.at_one()
    _check_float_range(kernel, h_one)
    # Warnings are shown only when this path returns, not before a fallback.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AsymptoticsWarning)
        mantissas, exponents, _, trace, hilbert_schmidt = float_spectrum(
            kernel, d, max_degree, multiplicities
        )
    for warning in caught:
        warnings.warn(warning.message, warning.category, stacklevel=3)
    values = np.ldexp(mantissas, exponents)
    with np.errstate(divide="ignore"):
        logs = np.log(mantissas) + exponents * math.log(2)
    underflow = np.flatnonzero((mantissas != 0) & (np.abs(values) < np.finfo(float).tiny))
    if len(underflow):
        _warn_underflow(d, underflow.tolist())
    return Spectrum(
        kernel, d, values, multiplicities, logs, trace, hilbert_schmidt, float(h_one),
        ("series",) * (max_degree + 1), None, "float64",
    )  # fmt: skip


def _check_float_range(kernel, h_one):
    if not mpmath.isfinite(mpmath.mpf(float(h_one))):
        raise ValueError(
            f"kernel {kernel.name!r} has h(1) = {mpmath.nstr(h_one, 6)}, beyond the float64 "
            f"range; use digits=N, or rescale h: the flow with c h at time t equals the flow "
            f"with h at time c t"
        )


def _warn_underflow(d, degrees):
    warn(
        f"eigenvalues of degrees {degrees} at d={d} are below the float64 range; "
        f"their values are in log_eigenvalues, or use digits=N for mpmath numbers"
    )


def _mp_fraction(value):
    return mpmath.mpf(value.numerator) / value.denominator


def _log_fraction(value):
    if value <= 0:
        return -math.inf
    return _log_int(value.numerator) - _log_int(value.denominator)


def _exact_values(kernel, d, max_degree, multiplicities):
    """Exact eigenvalues, tail trace, tail Hilbert-Schmidt norm and ``h(1)`` of a polynomial."""
    coefficients = kernel.polynomial_coefficients
    degree = kernel.polynomial_degree
    values = exact_eigenvalues(coefficients, d, max(max_degree, degree))
    h_one = sum(coefficients, Fraction(0))
    kept = values[: max_degree + 1]
    trace = h_one - sum(b * x for b, x in zip(multiplicities, kept))
    hilbert_schmidt = exact_second_moment(coefficients, d) - sum(
        b * x * x for b, x in zip(multiplicities, kept)
    )
    _check_positive_semidefinite(kernel, d, values, [0] * len(values))
    return kept, trace, hilbert_schmidt, h_one


def _mp_eigenvalues(kernel, d, max_degree, promised, guard):
    tolerance = mpmath.mpf(10) ** (-(promised + guard // 2))
    engine = EigenEngine(kernel, d, tolerance)
    values, methods, errors = [], [], []
    for k in range(max_degree + 1):
        value, method = engine.eigenvalue(k)
        values.append(value)
        methods.append(method)
        errors.append(engine.quadrature_error(k) if method == "quadrature" else mpmath.mpf(0))
    _check_positive_semidefinite(kernel, d, values, errors)
    _warn_inaccurate(kernel, d, values, errors, promised)
    values = _zero_within_error(kernel, d, values, errors)
    return values, methods


def _warn_inaccurate(kernel, d, values, errors, promised):
    """Warn about quadrature eigenvalues whose relative error exceeds the promise."""
    limit = mpmath.mpf(10) ** (-(promised - 4))
    loose = [
        k for k, (v, e) in enumerate(zip(values, errors)) if abs(v) > e > limit * abs(v)
    ]
    if loose:
        worst = max(errors[k] / abs(values[k]) for k in loose)
        warn(
            f"eigenvalues of kernel {kernel.name!r} at d={d} for degrees {loose} are accurate "
            f"only to about {mpmath.nstr(worst, 2)} relative (the kernel function limits the "
            f"precision of the quadrature)"
        )


def _zero_within_error(kernel, d, values, errors):
    """Replace quadrature eigenvalues indistinguishable from 0 by 0, with a warning."""
    zeroed = [k for k, (v, e) in enumerate(zip(values, errors)) if e > 0 and abs(v) <= e]
    if zeroed:
        warn(
            f"eigenvalues of kernel {kernel.name!r} at d={d} for degrees {zeroed} are zero "
            f"within the quadrature error and are reported as 0"
        )
    return [mpmath.mpf(0) if k in zeroed else v for k, v in enumerate(values)]


def _check_positive_semidefinite(kernel, d, values, errors):
    for k, (value, error) in enumerate(zip(values, errors)):
        if value < 0 and abs(value) > error:
            raise ValueError(
                f"kernel {kernel.name!r} is not positive semidefinite on the sphere in "
                f"dimension d={d}: the eigenvalue of degree {k} is {float(value):.6g} < 0"
            )


def _mp_tail(kernel, d, values, multiplicities, promised, guard, final):
    """Tail trace and Hilbert-Schmidt norm beyond the computed degrees, with ``h(1)``.

    Each eigenvalue carries ``guard/2`` digits beyond those promised. A tail
    obtained by subtraction from ``h(1)`` or ``E[h^2]`` is therefore resolved
    when it is above ``10^-(guard/2 - 1)`` of that reference. The direct sum
    over the higher degrees is used where it converges. Returns None when a
    tail is unresolved and more guard digits may resolve it. On the ``final``
    pass an unresolved tail is handled by :func:`_resolved`.
    """
    h_one = kernel.at_one()
    max_degree = len(values) - 1
    masses = [b * x for b, x in zip(multiplicities, values)]
    tolerance = mpmath.mpf(10) ** (-promised)
    direct_trace, direct_hilbert_schmidt = _direct_tail(kernel, d, max_degree, tolerance)
    resolution = mpmath.mpf(10) ** (-(guard // 2 - 1))
    # Absolute error of a subtraction, relative to its reference: the eigenvalue
    # tolerance, or the precision of the kernel's values for a float64 function.
    error = max(
        mpmath.mpf(10) ** (-(promised + guard // 2)), mpmath.mpf(10) ** (-(value_digits(kernel) - 3))
    )
    context = (kernel, d, max_degree, final)

    trace = direct_trace
    if trace is None:
        trace = _resolved("tail trace", h_one - mpmath.fsum(masses), abs(h_one), resolution, error, *context)
        if trace is None:
            return None
        if trace == 0:
            return mpmath.mpf(0), mpmath.mpf(0), h_one

    hilbert_schmidt = direct_hilbert_schmidt
    if hilbert_schmidt is None:
        second = quadrature_second_moment(kernel, d, tolerance * resolution)
        remainder = second - mpmath.fsum(m * x for m, x in zip(masses, values))
        hilbert_schmidt = _resolved(
            "tail Hilbert-Schmidt norm", remainder, second, resolution, error, *context, bound=True
        )
        if hilbert_schmidt is None:
            return None
    return trace, hilbert_schmidt, h_one


def _resolved(what, value, reference, resolution, error, kernel, d, max_degree, final, bound=False):
    """Check a tail obtained by subtraction.

    Returns ``value`` when it carries the promised digits, and None when more
    guard digits may resolve it. On the ``final`` pass it returns ``value`` with
    a warning about its accuracy. A value within its error of zero becomes 0,
    or with ``bound`` the error bound itself, as an upper bound.
    """
    if value > reference * resolution:
        return value
    if not final:
        return None
    absolute = reference * error
    name = f"the {what} of kernel {kernel.name!r} at d={d} beyond degree {max_degree}"
    if value > 10 * absolute:
        warn(f"{name} is {mpmath.nstr(value, 3)}, known only to about {mpmath.nstr(absolute, 2)}")
        return value
    if value < -10 * absolute:
        raise ValueError(
            f"kernel {kernel.name!r} is not positive semidefinite on the sphere in dimension "
            f"d={d}: {name} is {mpmath.nstr(value, 3)} < 0"
        )
    if bound:
        warn(
            f"{name} is below {mpmath.nstr(10 * absolute, 2)} and is set to that upper bound; "
            f"it only sets the lumped tail eigenvalue, which then is an upper bound too"
        )
        return 10 * absolute
    warn(f"{name} is zero within {mpmath.nstr(10 * absolute, 2)} and is reported as 0")
    return mpmath.mpf(0)


def _direct_tail(kernel, d, max_degree, tolerance):
    """``(T, S)`` summed over the degrees above ``max_degree``; None for a sum that is slow.

    The remainder after the last degree is bounded by the geometric series of
    the ratio of the last two non-zero terms, which must be below 1/2. Smooth
    kernels at any ``d``, and every catalogue kernel at large ``d`` for ``S``,
    converge in a few degrees.
    """
    if not kernel.has_coefficients:
        return None, None
    engine = EigenEngine(kernel, d, tolerance * mpmath.mpf("1e-3"))
    sums = [mpmath.mpf(0), mpmath.mpf(0)]
    previous = [None, None]
    done = [False, False]
    for k in range(max_degree + 1, max_degree + MAX_TAIL_DEGREES + 1):
        try:
            value = engine.series(k)
        except SeriesNotConverged:
            break
        if value == 0:
            continue
        mass = multiplicity(d, k) * value
        for i, term in enumerate((mass, mass * value)):
            if done[i]:
                continue
            sums[i] += term
            if previous[i] is not None:
                ratio = term / previous[i]
                done[i] = ratio < mpmath.mpf("0.5") and term * ratio / (1 - ratio) <= tolerance * sums[i]
            previous[i] = term
        if all(done) or (done[1] and k > max_degree + 20):
            break
    return tuple(total if finished else None for total, finished in zip(sums, done))


def _present(kernel, d, values, multiplicities, methods, trace, hilbert_schmidt, h_one, digits):
    """Convert the mpmath results to the requested number type."""
    logs = np.array([float(mpmath.log(v)) if v > 0 else -math.inf for v in values])
    if digits is not None:
        with mpmath.workdps(digits):
            rounded = tuple(+v for v in values)
            return Spectrum(
                kernel, d, rounded, multiplicities, logs, +trace, +hilbert_schmidt, +h_one,
                tuple(methods), digits, "mpmath",
            )  # fmt: skip
    _check_float_range(kernel, h_one)
    floats = np.array([float(v) for v in values])
    underflow = [k for k, (v, f) in enumerate(zip(values, floats)) if v != 0 and abs(f) < 2.3e-308]
    if underflow:
        _warn_underflow(d, underflow)
    for name, value in (("tail trace", trace), ("tail Hilbert-Schmidt norm", hilbert_schmidt)):
        if value > 0 and float(value) < 2.3e-308:
            warn(
                f"the {name} at d={d} is {mpmath.nstr(value, 3)}, below the float64 range, and "
                f"reads as {float(value):g}; use digits=N for mpmath numbers"
            )
    return Spectrum(
        kernel, d, floats, multiplicities, logs, float(trace), float(hilbert_schmidt),
        float(h_one), tuple(methods), None, "float64",
    )  # fmt: skip
