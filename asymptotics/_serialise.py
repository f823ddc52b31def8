"""JSON form of a Spectrum: exact numbers, full-precision mpmath values, provenance."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np

FORMAT = "asymptotics.Spectrum/1"


def _encode(value, precision, bits):
    if precision == "exact":
        return str(value)
    if precision == "mpmath":
        # Enough decimal digits that parsing at ``bits`` binary digits is exact.
        digits = math.ceil(bits * math.log10(2)) + 2
        return mpmath.nstr(value, digits, min_fixed=1, max_fixed=0)
    return repr(float(value))


def _mantissa_bits(value):
    """Significant bits of an mpmath number's mantissa (it carries no precision of its own)."""
    return value._mpf_[3]


def _decode(text, precision, bits):
    if precision == "exact":
        return Fraction(text)
    if precision == "mpmath":
        with mpmath.workprec(bits):
            return mpmath.mpf(text)
    return float(text)


def spectrum_to_json(spectrum):
    """Serialise ``spectrum`` to JSON text; see :meth:`Spectrum.to_json`."""
    from . import __version__
    from .kernels import constructor_of

    precision = spectrum.precision
    names = ("tail_trace", "tail_hilbert_schmidt", "value_at_one")
    bits = None
    if precision == "mpmath":
        numbers = [*spectrum.eigenvalues, *(getattr(spectrum, name) for name in names)]
        bits = max(53, *(_mantissa_bits(v) for v in numbers))
    with mpmath.workprec(bits or 53):
        scalars = {name: _encode(getattr(spectrum, name), precision, bits) for name in names}
        eigenvalues = [_encode(v, precision, bits) for v in spectrum.eigenvalues]
    constructor = constructor_of(spectrum.kernel)
    record = {
        "format": FORMAT,
        "package_version": __version__,
        "kernel": {
            "name": spectrum.kernel.name,
            "constructor": None if constructor is None else constructor[0],
            "arguments": None if constructor is None else constructor[1],
        },
        "d": spectrum.d,
        "max_degree": spectrum.max_degree,
        "precision": precision,
        "digits": spectrum.digits,
        "precision_bits": bits,
        "methods": list(spectrum.methods),
        "multiplicities": [str(b) for b in spectrum.multiplicities],
        "eigenvalues": eigenvalues,
        "log_eigenvalues": [repr(float(x)) for x in spectrum.log_eigenvalues],
        **scalars,
    }
    return json.dumps(record, indent=1)


def _placeholder_kernel(name):
    from .kernels import Kernel

    def unavailable(u):
        raise ValueError(
            f"kernel {name!r} was loaded from JSON without its function; only the saved "
            f"spectrum is available"
        )

    return Kernel(unavailable, name=name)


def spectrum_from_json(cls, text):
    """Rebuild the Spectrum saved in ``text``; see :meth:`Spectrum.from_json`."""
    from .kernels import rebuild

    record = json.loads(text)
    if record.get("format") != FORMAT:
        raise ValueError(
            f"text must be a spectrum saved as {FORMAT!r}, got format {record.get('format')!r}"
        )
    kernel_record = record["kernel"]
    if kernel_record["constructor"] is None:
        kernel = _placeholder_kernel(kernel_record["name"])
    else:
        kernel = rebuild(kernel_record["constructor"], kernel_record["arguments"])
    precision = record["precision"]
    bits = record["precision_bits"]
    values = [_decode(v, precision, bits) for v in record["eigenvalues"]]
    values = np.array(values) if precision == "float64" else tuple(values)
    scalars = [
        _decode(record[name], precision, bits)
        for name in ("tail_trace", "tail_hilbert_schmidt", "value_at_one")
    ]
    return cls(
        kernel,
        record["d"],
        values,
        tuple(int(b) for b in record["multiplicities"]),
        np.array([float(x) for x in record["log_eigenvalues"]]),
        *scalars,
        tuple(record["methods"]),
        record["digits"],
        precision,
    )
