"""Input checks shared by the public entry points.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError``
for a value out of range. The message names the parameter, the value and the
valid range.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings

import numpy as np

# Largest sample size accepted: the risk engines divide float64 numbers by n.
MAX_SAMPLE_SIZE = sys.float_info.max

class AsymptoticsWarning(UserWarning):
    """Numerical trouble that the package detected but could still compute a result for."""


def warn(message):
    """Issue an :class:`AsymptoticsWarning` attributed to the caller's caller."""
    warnings.warn(message, AsymptoticsWarning, stacklevel=3)


def check_integer(value, name, minimum):
    """Return ``value`` as an int after checking it is an integer ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def check_dimension(d, name="d"):
    """Return ``d`` as an int after checking ``d >= 2``."""
    return check_integer(d, name, 2)


def check_degree(k, name="k"):
    """Return ``k`` as an int after checking ``k >= 0``."""
    return check_integer(k, name, 0)


def check_sample_size(n, name="n"):
    """Return ``n`` as a number after checking ``n >= 1``.

    Non-integer sample sizes such as ``d**1.5`` are accepted: the deterministic
    equivalents depend on ``n`` smoothly.
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 1, got {n!r}")
    if isinstance(n, numbers.Integral):
        n = int(n)
    else:
        # Fractions, Decimals and numpy scalars become floats, the type the engines use.
        n = float(n)
    if not 1 <= n <= MAX_SAMPLE_SIZE:
        shown_value = str(n)
        if len(shown_value) > 20:
            shown_value = f"an integer of {len(shown_value)} digits"
        raise ValueError(f"{name} must be a finite number >= 1, got {shown_value}")
    return n


def check_nonnegative(value, name):
    """Return ``value`` as a float after checking it is finite and ``>= 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0, got {value!r}")
    value = float(value)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def as_real_array(value, name):
    """Return ``value`` as a float array after checking every entry is a real number.

    ``numpy.asarray(x, dtype=float)`` alone would turn None into NaN, accept
    numeric strings and drop imaginary parts with only a warning.
    """
    array = np.asarray(value)
    if array.dtype.kind == "O":
        entries = array.ravel().tolist()
        if all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in entries):
            return array.astype(float)
    elif array.dtype.kind in "iuf":
        return array.astype(float)
    raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")


def check_times(t, name="t"):
    """Return the times as a 1-d float array, checking each is ``>= 0`` (``inf`` allowed).

    NaN is rejected: a time that is not a number has no risk.
    """
    times = as_real_array(t, name)
    if times.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-d array, got shape {times.shape}")
    times = np.atleast_1d(times)
    if np.isnan(times).any():
        raise ValueError(f"{name} contains NaN; times must be numbers in [0, inf]")
    if (times < 0).any():
        raise ValueError(f"{name} must be >= 0, got minimum {times.min()}")
    return times
