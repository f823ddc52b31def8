"""Command line: ``asymptotics [curves|spectrum|stages] [options]``.

With no arguments it computes the default job: the ReLU NTK at ``d = 100``,
``n = d^1.5``, energy 1 in degrees 1, 2 and 3, noise 0.25, and prints the
oracle, test and training risk over time with the stage of each row.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import warnings
from fractions import Fraction

import mpmath
import numpy as np

from . import kernels
from ._validation import AsymptoticsWarning
from .empirical import ABSOLUTE_ACCURACY, empirical_risk
from .oracle import oracle_risk
from .spectrum import DEFAULT_MAX_DEGREE, spectrum
from .limits import limit_stages, stage_of, stages
from .targets import Target

CONVENTIONS = (
    "Gradient flow on half the squared loss, empirical loss averaged over n, from f = 0.\n"
    "Test and oracle risk E(y - f(x))^2 include the noise; train is (1/n) sum (y_i - f(x_i))^2.\n"
    "Empirical curves are deterministic equivalents of the mean over training sets."
)
COMMANDS = ("curves", "spectrum", "stages")
MAX_POINTS = 1000


class UsageError(Exception):
    """An invalid command-line value, reported as one sentence."""


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one line, without the usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _kernel(args):
    name = args.kernel
    if args.scale is not None and name != "exponential":
        raise UsageError(f"--scale applies only to --kernel exponential, not to {name}")
    if args.coefficients is not None and name != "polynomial":
        raise UsageError(f"--coefficients applies only to --kernel polynomial, not to {name}")
    if name == "relu_ntk":
        return kernels.relu_ntk()
    if name == "exponential":
        return kernels.exponential(1 if args.scale is None else args.scale)
    if name in ("arccos0", "arccos1"):
        return kernels.arccos(int(name[-1]))
    if name == "polynomial":
        if not args.coefficients:
            raise UsageError("--kernel polynomial needs --coefficients, for example 1,2,1")
        return kernels.polynomial(_numbers(args.coefficients, "--coefficients"))
    raise UsageError(f"unknown kernel {name!r}")


def _numbers(text, option):
    try:
        return [float(part) if any(c in part for c in ".eE") else int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"{option} must be comma-separated numbers, got {text!r}") from None


def _energies(text):
    energies = {}
    for part in text.split(","):
        degree, sep, energy = part.partition(":")
        try:
            degree, energy = int(degree), float(energy)
        except ValueError:
            raise UsageError(
                f"--energies must look like 1:1,2:0.5 (degree:energy), got {text!r}"
            ) from None
        if not sep:
            raise UsageError(f"--energies must look like 1:1,2:0.5 (degree:energy), got {text!r}")
        if degree in energies:
            raise UsageError(f"--energies lists degree {degree} twice in {text!r}")
        energies[degree] = energy
    return energies


def _add_kernel_options(parser):
    parser.add_argument(
        "--kernel",
        default="relu_ntk",
        choices=["relu_ntk", "exponential", "arccos0", "arccos1", "polynomial"],
        help="kernel h(u) of u = <x, x'>/d: relu_ntk is u k0(u) + k1(u) with the arc-cosine "
        "kernels k0(u) = 1 - arccos(u)/pi and k1(u) = (sqrt(1 - u^2) + (pi - arccos u) u)/pi, "
        "so h(1) = 2; arccos0 and arccos1 are k0 and k1; exponential is exp(scale u) "
        "(default: relu_ntk)",
    )
    parser.add_argument("--scale", type=float, help="scale in h(u) = exp(scale u), only with --kernel exponential (default 1)")
    parser.add_argument("--coefficients", help="c_0,c_1,... of h(u) = sum_j c_j u^j, only with --kernel polynomial")
    parser.add_argument("--max-degree", type=int, help=f"highest degree computed individually; the rest is one lumped level (default: {DEFAULT_MAX_DEGREE}, or the target's highest degree + 2 if larger, or the degree of a polynomial kernel)")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")


def _add_target_options(parser):
    parser.add_argument("--energies", default="1:1,2:1,3:1", help="target energy ||P_k f||^2 per degree k, as k:energy pairs (default 1:1,2:1,3:1)")
    parser.add_argument("--noise", type=float, default=0.25, help="label-noise variance sigma^2 (default 0.25)")


def build_parser():
    """Build the argument parser of the ``asymptotics`` command."""
    parser = _Parser(
        prog="asymptotics",
        description="Learning curves of kernel gradient flow on the sphere, computed analytically.\n"
        "Commands: curves (the default when no command is given), spectrum, stages.\n"
        "Options of each command: asymptotics COMMAND --help.",
        epilog=CONVENTIONS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")

    curves = commands.add_parser("curves", help="oracle, test and train risk over time with the three stages (the default command)")
    _add_kernel_options(curves)
    _add_target_options(curves)
    curves.add_argument("--d", type=int, default=100, help="dimension d: inputs uniform on the sphere of radius sqrt(d) (default 100)")
    samples = curves.add_mutually_exclusive_group()
    samples.add_argument("--n", type=float, help="number of samples n (default: d^alpha rounded to an integer)")
    samples.add_argument("--alpha", type=float, default=1.5, help="sample exponent: n = d^alpha (default 1.5)")
    curves.add_argument("--t-min", type=float, help="first time, in units of gradient flow on half the squared loss averaged over n (default: 0.1, or less for kernels that learn faster)")
    curves.add_argument("--t-max", type=float, help="last finite time, same unit (default: 100 times the later stage boundary)")
    curves.add_argument("--points", type=int, default=25, help=f"number of log-spaced finite times, at most {MAX_POINTS}; a t = inf row follows (default 25)")

    spectrum_parser = commands.add_parser("spectrum", help="eigenvalue, multiplicity and degree mass per degree")
    _add_kernel_options(spectrum_parser)
    spectrum_parser.add_argument("--d", type=int, default=100, help="dimension d (default 100)")
    spectrum_parser.add_argument("--digits", type=int, help="correct significant digits, computed with mpmath (default: float64)")

    stages_parser = commands.add_parser("stages", help="the d -> inf stage table for n = d^alpha, t = d^gamma")
    _add_kernel_options(stages_parser)
    _add_target_options(stages_parser)
    stages_parser.add_argument("--alpha", type=float, default=1.5, help="sample exponent, n = d^alpha, positive and not an integer (default 1.5)")
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "curves")
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AsymptoticsWarning)
            output = {"curves": _curves, "spectrum": _spectrum, "stages": _stages}[args.command](args)
        sys.stdout.write(output)
        for warning in caught:
            if issubclass(warning.category, AsymptoticsWarning):
                print(f"warning: {warning.message}", file=sys.stderr)
    except (UsageError, ValueError, TypeError, ArithmeticError) as error:
        print(f"asymptotics: error: {error}", file=sys.stderr)
        return 2
    return 0


def _problem(args):
    kernel = _kernel(args)
    target = Target(_energies(args.energies), noise=args.noise)
    return kernel, target


def _curves(args):
    kernel, target = _problem(args)
    d = args.d
    if d < 2:
        raise UsageError(f"--d must be an integer >= 2, got {d}")
    if args.n is None and not (math.isfinite(args.alpha) and args.alpha > 0):
        raise UsageError(f"--alpha must be a finite number > 0, got {args.alpha}")
    try:
        n = args.n if args.n is not None else float(round(float(d) ** args.alpha))
    except OverflowError:
        raise UsageError(f"n = d^alpha = {d}^{args.alpha} is beyond the float64 range") from None
    if not 1 <= args.points <= MAX_POINTS:
        # Each time costs a two-variable Laplace inversion; a table needs far fewer rows.
        raise UsageError(f"--points must be an integer in [1, {MAX_POINTS}], got {args.points}")
    max_degree = args.max_degree
    if max_degree is None:
        max_degree = max(DEFAULT_MAX_DEGREE, target.max_degree + 2)
    spec = spectrum(kernel, d, max_degree=max_degree)
    report = stages(spec, target, n)
    times = np.append(_time_grid(args, spec, report), np.inf)
    empirical = empirical_risk(spec, target, n, times)
    oracle = oracle_risk(spec, target, times)
    stage = stage_of(report, times)
    columns = {
        "time": times,
        "stage": stage,
        "oracle": oracle,
        "test": empirical.test,
        "train": empirical.train,
        "bias": empirical.bias,
        "variance": empirical.variance,
    }
    if args.format != "table":
        meta = {
            "kernel": kernel.name, "d": d, "n": n, "noise": target.noise,
            "energies": dict(target.energies), "learnable_degree": report.learnable_degree,
            "t1": report.t1, "t2": report.t2, "plateau": report.plateau,
        }  # fmt: skip
        return _machine(columns, args.format, meta)
    return _curves_table(kernel, d, n, target, columns, report)


def _time_grid(args, spec, report):
    """Log-spaced finite times from ``--t-min`` to ``--t-max`` or defaults that span the stages."""
    fastest = float(np.exp(spec.log_eigenvalues.max()))
    first = args.t_min if args.t_min is not None else min(0.1, 0.1 / (2 * fastest))
    boundaries = [t for t in (report.t1, report.t2) if math.isfinite(t)]
    last = args.t_max if args.t_max is not None else 100 * max(boundaries + [first])
    if not (0 < first < last < math.inf):
        raise UsageError(f"need 0 < --t-min < --t-max < inf, got {first:g} and {last:g}")
    return np.geomspace(first, last, args.points)


def _curves_table(kernel, d, n, target, columns, report):
    floor = ABSOLUTE_ACCURACY * (target.noise + target.total_energy)
    lines = [
        f"{kernel.name} at d = {d}, n = {_g(n)} (log_d n = {math.log(n) / math.log(d):.3g}), "
        f"noise {_g(target.noise)}, energies {_energy_text(target)}",
        CONVENTIONS,
        "",
        f"{'time':>12} {'stage':>5} {'oracle':>11} {'test':>11} {'train':>11}",
    ]
    unresolved = False
    for t, s, o, te, tr in zip(*(columns[k] for k in ("time", "stage", "oracle", "test", "train"))):
        train = _g(tr) if tr == 0 or tr > floor else f"<{floor:.1g}"
        unresolved |= train.startswith("<")
        lines.append(f"{_g(t):>12} {s:>5} {_g(o):>11} {_g(te):>11} {train:>11}")
    lines += [""] + _stage_lines(report)
    if unresolved:
        lines.append(f"Training risks shown as <{floor:.1g} are below the accuracy of the inversion.")
    return "\n".join(lines) + "\n"


def _stage_lines(report):
    l = report.learnable_degree
    lines = [
        f"Learnable degree l = {l} (largest l with N(d, <=l) <= n).",
        f"t1 = n / (2 T_>{l}) = {_g(report.t1)}: the training risk leaves the test risk "
        f"(T_>{l} = {_g(report.tail_trace)} is the kernel trace above degree {l}).",
    ]
    if report.next_degree is None:
        lines.append("t2 = inf: no degree above l has a positive eigenvalue in the spectrum.")
    else:
        lines.append(
            f"t2 = 1 / (2 xi_{report.next_degree}) = {_g(report.t2)}: the oracle learns degree "
            f"{report.next_degree} and leaves the test risk."
        )
        if report.next_degree_energy == 0:
            lines.append(
                f"The target has no energy in degree {report.next_degree}, and none that the "
                f"oracle can learn above degree {l}: the oracle risk stays on the plateau."
            )
    lines.append(
        "Rows are labelled by these crossovers; at finite d each transition spans about a "
        f"decade of time, so the stages separate cleanly only when t2/t1 >> 10 (here "
        f"{_g(report.t2 / report.t1, 3)})."
    )
    if report.has_second_stage:
        lines.append(
            f"Mid stage 2 (t = {_g(report.middle_time)}): oracle {_g(report.middle_oracle)}, "
            f"test {_g(report.middle_test)}, train {_g(report.middle_train)}."
        )
    else:
        lines.append("No stage 2 at this (d, n): the oracle moves on before the training risk falls.")
    lines += [
        f"Leading-order test plateau (noise + energy above degree {l} or on zero eigenvalues): "
        f"{_g(report.plateau)}; test risk at t = inf: {_g(report.final_test)}.",
        f"Oracle risk at t = inf (noise + energy on zero eigenvalues): {_g(report.oracle_floor)}.",
    ]
    return lines


def _spectrum(args):
    kernel = _kernel(args)
    spec = spectrum(kernel, args.d, max_degree=args.max_degree, digits=args.digits)
    d = spec.d
    digits = args.digits or 17
    columns = {
        "degree": list(range(spec.max_degree + 1)),
        "eigenvalue": list(spec.eigenvalues),
        "multiplicity": list(spec.multiplicities),
        "degree_mass": list(spec.degree_masses),
        "scaled_eigenvalue": [x * d**k for k, x in enumerate(spec.eigenvalues)],
    }
    if args.format != "table":
        meta = {"kernel": kernel.name, "d": d, "precision": spec.precision, "digits": args.digits,
                "tail_trace": spec.tail_trace, "tail_hilbert_schmidt": spec.tail_hilbert_schmidt}  # fmt: skip
        return _machine(columns, args.format, meta, digits)
    width = max(24, digits + 8)
    lines = [
        f"{kernel.name} at d = {d} ({spec.precision}"
        f"{f', {args.digits} digits' if args.digits else ''}); xi_k is the eigenvalue under the "
        f"uniform probability measure, B(d, k) its multiplicity.",
        "",
        f"{'k':>4} {'xi_k':>{width}} {'B(d, k)':>24} {'B xi_k':>14} {'d^k xi_k':>14}",
    ]
    for k, xi, b, mass, scaled in zip(*columns.values()):
        lines.append(
            f"{k:>4} {_number(xi, digits):>{width}} {_int_text(b):>24} {_g(mass):>14} {_g(scaled):>14}"
        )
    lines.append(
        f"Lumped tail above degree {spec.max_degree}: trace {_g(spec.tail_trace)}, "
        f"Hilbert-Schmidt norm {_g(spec.tail_hilbert_schmidt)}; h(1) = {_g(spec.value_at_one)}."
    )
    return "\n".join(lines) + "\n"


def _number(value, digits):
    """Full-precision text of a float, mpmath number or Fraction."""
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, digits)
    if isinstance(value, Fraction):
        return str(value)
    return _g(value, min(digits, 17))


def _stages(args):
    kernel, target = _problem(args)
    rows = limit_stages(kernel, target, args.alpha)
    columns = {
        "gamma_low": [r.gamma_low for r in rows],
        "gamma_high": [r.gamma_high for r in rows],
        "stage": [r.stage for r in rows],
        "oracle": [r.oracle for r in rows],
        "test": [r.test for r in rows],
        "train": [r.train for r in rows],
    }
    if args.format != "table":
        meta = {"kernel": kernel.name, "alpha": args.alpha, "noise": target.noise,
                "energies": dict(target.energies)}  # fmt: skip
        return _machine(columns, args.format, meta)
    lines = [
        f"{kernel.name}, n = d^{args.alpha}, t = d^gamma, d -> inf; noise {_g(target.noise)}, "
        f"energies {_energy_text(target)}. Risks include the noise.",
        "",
        f"{'gamma':>14} {'stage':>5} {'oracle':>9} {'test':>9} {'train':>9}",
    ]
    for r in rows:
        window = f"{_g(r.gamma_low)}..{_g(r.gamma_high)}"
        lines.append(f"{window:>14} {r.stage:>5} {_g(r.oracle):>9} {_g(r.test):>9} {_g(r.train):>9}")
    return "\n".join(lines) + "\n"


def _machine(columns, format, meta, digits=17):
    """Columns as CSV (one row per entry) or JSON (with the metadata).

    Floats are written with ``repr``; mpmath numbers as strings with ``digits``
    significant digits; infinities as the string ``"inf"`` (JSON has no infinity).
    """

    def plain(value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, mpmath.mpf):
            return mpmath.nstr(value, digits)
        if isinstance(value, (float, np.floating)):
            return float(value) if math.isfinite(value) else str(float(value))
        return value

    if format == "json":
        data = {key: [plain(v) for v in values] for key, values in columns.items()}
        meta = {key: plain(value) for key, value in meta.items()}
        return json.dumps({"meta": meta, "columns": data}, indent=1, default=str) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns.keys())
    for row in zip(*columns.values()):
        writer.writerow([plain(v) for v in row])
    return buffer.getvalue()


def _g(value, digits=6):
    value = float(value)
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def _int_text(value):
    text = str(value)
    return text if len(text) <= 24 else f"{float(value):.6e}"


def _energy_text(target):
    return ", ".join(f"{k}:{_g(e)}" for k, e in target.energies.items()) or "none"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
