"""Command line: ``asymptotics [curves|spectrum|stages|simulate|compare] [options]``.

With no arguments it computes the default job: the ReLU NTK at ``d = 100``,
``n = d^1.5``, energy 1 in degrees 1, 2 and 3, noise 0.25, and prints the
oracle, test and training risk over time with the stage of each row.
``--plot FILE`` on curves, spectrum and simulate also writes a figure
(needs matplotlib).
"""

from __future__ import annotations

import argparse
import ast
import csv
import decimal
import inspect
import io
import json
import math
import re
import sys
import time
import warnings
from fractions import Fraction

import mpmath
import numpy as np

from . import kernels
from ._validation import AsymptoticsWarning
from .compare import compare
from .empirical import ABSOLUTE_ACCURACY, empirical_risk
from .oracle import oracle_risk
from .simulation import SimulationResult, simulate
from .spectrum import DEFAULT_MAX_DEGREE, spectrum
from .limits import limit_stages, stage_of, stages
from .targets import Target

CONVENTIONS = (
    "Gradient flow on half the squared loss, empirical loss averaged over n, from f = 0.\n"
    "Test and oracle risk E(y - f(x))^2 include the noise; train is (1/n) sum (y_i - f(x_i))^2.\n"
    "Empirical curves are deterministic equivalents of the mean over training sets."
)
COMMANDS = ("curves", "spectrum", "stages", "simulate", "compare")
# Short names for catalogue entries with a fixed argument: arccos0 is arccos(0).
KERNEL_ALIASES = {"arccos0": ("arccos", (0,)), "arccos1": ("arccos", (1,))}
# Public names of the kernels module that build kernels from user input, not catalogue kernels.
KERNEL_BUILDERS = ("Kernel", "from_expression", "from_coefficients")
# Calls of the simulator per run: each batch of draws reports progress and has its own
# root seed. Every call recomputes the spectrum, so more batches cost more time.
SIMULATION_BATCHES = 4
# Finite times of the theory curves drawn in a figure.
PLOT_POINTS = 200
# Most finite times in a table: each costs a two-variable Laplace inversion, and a
# table needs far fewer rows.
MAX_POINTS = 1000


class UsageError(Exception):
    """An invalid command-line value, reported as one sentence."""


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one line, without the usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _catalogue():
    """Catalogue kernels by name: every public kernel constructor of :mod:`asymptotics.kernels`."""
    names = {}
    for name in getattr(kernels, "__all__", ()):
        constructor = getattr(kernels, name, None)
        if name not in KERNEL_BUILDERS and inspect.isfunction(constructor):
            names[name] = constructor
    return names


def _kernel_names():
    return sorted(set(_catalogue()) | set(KERNEL_ALIASES) | {"polynomial"})


def _kernel(args):
    """The kernel chosen by ``--kernel`` (with its options) or ``--kernel-expr``."""
    if args.kernel_expr is not None:
        if args.kernel is not None or args.scale is not None or args.coefficients is not None:
            raise UsageError("--kernel-expr replaces --kernel, --scale and --coefficients. Give only one of them")
        return _expression_kernel(args.kernel_expr)
    text = args.kernel if args.kernel is not None else "relu_ntk"
    name, positional, keywords = _kernel_call(text)
    if args.scale is not None and name != "exponential":
        raise UsageError(f"--scale applies only to --kernel exponential, not to {name}")
    if args.coefficients is not None and name != "polynomial":
        raise UsageError(f"--coefficients applies only to --kernel polynomial, not to {name}")
    if name == "exponential" and args.scale is not None:
        keywords.setdefault("scale", args.scale)
    if name == "polynomial" and not positional and "coefficients" not in keywords:
        if not args.coefficients:
            raise UsageError("--kernel polynomial needs --coefficients, for example 1,2,1")
        return kernels.from_coefficients(_coefficients(args.coefficients))
    if name in KERNEL_ALIASES:
        if positional or keywords:
            raise UsageError(f"kernel {name} takes no parameters")
        name, positional = KERNEL_ALIASES[name]
    constructor = _catalogue().get(name)
    if constructor is None:
        raise UsageError(f"unknown kernel {name!r}. Choose one of {', '.join(_kernel_names())}")
    try:
        inspect.signature(constructor).bind(*positional, **keywords)
    except TypeError:
        raise UsageError(
            f"kernel {name} takes the parameters ({_parameters(constructor)}), got {text!r}"
        ) from None
    return constructor(*positional, **keywords)


def _kernel_call(text):
    """Split ``NAME`` or ``NAME(1, key=2.5)`` into the name and literal arguments.

    The arguments are read with :func:`ast.literal_eval`, so only numbers,
    strings and lists of them are accepted and nothing is executed.
    """
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        node = None
    if isinstance(node, ast.Name):
        return node.id, [], {}
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise UsageError(f"--kernel must be a name such as exponential or a call such as "
                         f"'exponential(scale=2)', got {text!r}")  # fmt: skip
    try:
        positional = [ast.literal_eval(argument) for argument in node.args]
        keywords = {item.arg: ast.literal_eval(item.value) for item in node.keywords}
    except (ValueError, TypeError, SyntaxError):
        raise UsageError(f"--kernel parameters must be numbers or lists of numbers, got {text!r}") from None
    if None in keywords:
        raise UsageError(f"--kernel parameters must be named or positional values, got {text!r}")
    return node.func.id, positional, keywords


def _parameters(constructor):
    return ", ".join(str(p) for p in inspect.signature(constructor).parameters.values())


def _expression_kernel(text):
    """Kernel from a formula in ``t`` (or in ``u`` when the formula uses ``u`` and not ``t``)."""
    uses = lambda name: re.search(rf"\b{name}\b", text) is not None  # noqa: E731
    variable = "u" if uses("u") and not uses("t") else "t"
    return kernels.from_expression(text, variable=variable)


def _coefficients(text):
    """Comma-separated Taylor coefficients; ``1/3`` stays an exact fraction."""
    parts = [part.strip() for part in text.split(",")]
    values = []
    for part in parts:
        if "/" in part:
            values.append(part)
            continue
        values.extend(_numbers(part, "--coefficients"))
    return values


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
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--kernel",
        help="catalogue kernel h(u) of u = <x, x'>/d, by name or with parameters such as "
        "'exponential(scale=2)': " + ", ".join(_kernel_names()) + ". relu_ntk is "
        "u k0(u) + k1(u) with the arc-cosine kernels k0(u) = 1 - arccos(u)/pi and "
        "k1(u) = (sqrt(1 - u^2) + (pi - arccos u) u)/pi, so h(1) = 2; arccos0 and arccos1 are "
        "k0 and k1; exponential is exp(scale u) (default: relu_ntk)",
    )
    choice.add_argument(
        "--kernel-expr",
        metavar="FORMULA",
        help="h as a formula in t (or u), such as 'exp(t)' or '(1 + t)^3/8'; allowed are numbers, "
        "+ - * / ^, pi, E and exp log sqrt sin cos tan sinh cosh tanh asin acos atan asinh atanh "
        "erf besseli",
    )
    parser.add_argument("--scale", type=float, help="scale in h(u) = exp(scale u), only with --kernel exponential (default 1)")
    parser.add_argument("--coefficients", help="c_0,c_1,... of h(u) = sum_j c_j u^j, only with --kernel polynomial; fractions such as 1/3 stay exact")
    parser.add_argument("--max-degree", type=int, help=f"highest degree computed individually; the rest is one lumped level (default: {DEFAULT_MAX_DEGREE}, or the target's highest degree + 2 if larger, or the degree of a polynomial kernel)")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")


def _add_plot_option(parser, time_axis=True):
    parser.add_argument("--plot", metavar="FILE", help="also write a figure to FILE; the extension (.png, .pdf, .svg) sets the format; needs matplotlib (pip install 'asymptotics[plot]')")
    if time_axis:
        parser.add_argument("--time-axis", choices=["t", "gamma"], default="t", help="x axis of the figure: time t on a log scale, or gamma = log t / log d (default t)")


def _add_time_options(parser, points):
    parser.add_argument("--t-min", type=float, help="first time, in units of gradient flow on half the squared loss averaged over n (default: 0.1, or less for kernels that learn faster)")
    parser.add_argument("--t-max", type=float, help="last finite time, same unit (default: 100 times the later stage boundary)")
    parser.add_argument("--points", type=int, default=points, help=f"number of log-spaced finite times, at most {MAX_POINTS}; a t = inf row follows (default {points})")


def _add_target_options(parser):
    parser.add_argument("--energies", default="1:1,2:1,3:1", help="target energy ||P_k f||^2 per degree k, as k:energy pairs (default 1:1,2:1,3:1)")
    parser.add_argument("--noise", type=float, default=0.25, help="label-noise variance sigma^2 (default 0.25)")


def build_parser():
    """Build the argument parser of the ``asymptotics`` command.

    Returns
    -------
    argparse.ArgumentParser
        With the subcommands curves, spectrum, stages, simulate and compare.

    Examples
    --------
    >>> args = build_parser().parse_args(["spectrum", "--d", "10"])
    >>> args.command, args.d
    ('spectrum', 10)
    """
    parser = _Parser(
        prog="asymptotics",
        description="Learning curves of kernel gradient flow on the sphere, computed analytically.\n"
        "Commands: curves (the default when no command is given), spectrum, stages, simulate,\n"
        "compare.\n"
        "Options of each command: asymptotics COMMAND --help.",
        epilog=CONVENTIONS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")

    curves = commands.add_parser("curves", help="oracle, test and train risk over time with the three stages (the default command)")
    _add_kernel_options(curves)
    _add_target_options(curves)
    curves.add_argument("--d", type=int, default=100, help="dimension d: inputs uniform on the sphere of radius sqrt(d) (default 100)")
    _add_sample_options(curves)
    _add_time_options(curves, points=25)
    _add_plot_option(curves)

    spectrum_parser = commands.add_parser("spectrum", help="eigenvalue, multiplicity and degree mass per degree")
    _add_kernel_options(spectrum_parser)
    spectrum_parser.add_argument("--d", type=int, default=100, help="dimension d (default 100)")
    spectrum_parser.add_argument("--digits", type=int, help="correct significant digits, computed with mpmath (default: float64)")
    spectrum_parser.add_argument("--exact", action="store_true", help="exact rational eigenvalues; only for polynomial kernels with rational coefficients")
    _add_plot_option(spectrum_parser, time_axis=False)

    stages_parser = commands.add_parser("stages", help="the d -> inf stage table for n = d^alpha, t = d^gamma")
    _add_kernel_options(stages_parser)
    _add_target_options(stages_parser)
    stages_parser.add_argument("--alpha", type=float, default=1.5, help="sample exponent, n = d^alpha, positive and not an integer (default 1.5)")

    simulate_parser = commands.add_parser("simulate", help="Monte Carlo kernel gradient flow on sampled data beside the theory")
    _add_kernel_options(simulate_parser)
    _add_target_options(simulate_parser)
    simulate_parser.add_argument("--d", type=int, default=20, help="dimension d (default 20)")
    _add_sample_options(simulate_parser, alpha=1.5)
    _add_time_options(simulate_parser, points=12)
    simulate_parser.add_argument("--seeds", type=int, default=20, help="number of independent draws of data and target, >= 2 (default 20)")
    simulate_parser.add_argument("--seed", type=int, default=0, help="root seed, >= 0; the same seed gives the same draws (default 0)")
    simulate_parser.add_argument("--harmonics", choices=["product", "zonal"], default="product", help="kind of unit-norm harmonic each target degree is drawn as (default product)")
    simulate_parser.add_argument("--quiet", action="store_true", help="print no progress on stderr")
    _add_plot_option(simulate_parser)

    compare_parser = commands.add_parser("compare", help="training speed and test risk of two kernels on the same task")
    compare_parser.add_argument("--kernel-a", default="exponential", metavar="KERNEL", help="first kernel: a catalogue name or call such as 'exponential(scale=2)', otherwise a formula in t such as 'exp(t) + 3*t^4' (default exponential)")
    compare_parser.add_argument("--kernel-b", default="exp(t) + 3*t^4", metavar="KERNEL", help="second kernel, in the same form (default 'exp(t) + 3*t^4': the same coefficients up to degree 3 and more mass above)")
    compare_parser.add_argument("--energies", default="1:1,2:0.5", help="target energy ||P_k f||^2 per degree k, as k:energy pairs (default 1:1,2:0.5)")
    compare_parser.add_argument("--noise", type=float, default=0.5, help="label-noise variance sigma^2 (default 0.5)")
    compare_parser.add_argument("--d", type=int, default=100, help="dimension d (default 100)")
    _add_sample_options(compare_parser)
    _add_time_options(compare_parser, points=13)
    compare_parser.add_argument("--max-degree", type=int, help=f"highest degree computed individually for both kernels (default: {DEFAULT_MAX_DEGREE}, or the target's highest degree + 2 if larger)")
    compare_parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    return parser


def _add_sample_options(parser, alpha=1.5):
    samples = parser.add_mutually_exclusive_group()
    samples.add_argument("--n", type=float, help="number of samples n (default: d^alpha rounded to an integer)")
    samples.add_argument("--alpha", type=float, default=alpha, help=f"sample exponent: n = d^alpha (default {alpha})")


def main(argv=None):
    """Run the command line and return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.
        Without a command, ``curves`` is run.

    Returns
    -------
    int
        0 on success; 2 after an invalid argument or a failed computation,
        reported as one sentence on stderr.

    Examples
    --------
    ``h(u) = u^2`` at ``d = 5`` has ``xi_0 = E u^2 = 1/d`` and
    ``xi_2 = 2/(d (d + 2))``, exactly:

    >>> main(["spectrum", "--kernel-expr", "t^2", "--d", "5", "--exact", "--format", "csv"])
    degree,eigenvalue,multiplicity,degree_mass,scaled_eigenvalue
    0,1/5,1,1/5,1/5
    1,0,5,0,0
    2,2/35,14,4/5,10/7
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "curves")
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AsymptoticsWarning)
            if getattr(args, "plot", None):
                _require_matplotlib()
            commands = {
                "curves": _curves,
                "spectrum": _spectrum,
                "stages": _stages,
                "simulate": _simulate,
                "compare": _compare,
            }
            output = commands[args.command](args)
        sys.stdout.write(output)
        for warning in caught:
            if issubclass(warning.category, AsymptoticsWarning):
                print(f"warning: {warning.message}", file=sys.stderr)
    except (UsageError, ValueError, TypeError, ArithmeticError, ImportError) as error:
        print(f"asymptotics: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"asymptotics: error: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


def _require_matplotlib():
    """Fail before any computation when ``--plot`` cannot be honoured."""
    from .plotting import INSTALL_HINT

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(f"--plot needs matplotlib; install it with {INSTALL_HINT}") from None


def _problem(args):
    kernel = _kernel(args)
    target = Target(_energies(args.energies), noise=args.noise)
    return kernel, target


def _sample_size(args):
    """``n`` from ``--n``, or ``d^alpha`` rounded to an integer."""
    d = args.d
    if d < 2:
        raise UsageError(f"--d must be an integer >= 2, got {d}")
    if args.n is not None:
        return args.n
    if not (math.isfinite(args.alpha) and args.alpha > 0):
        raise UsageError(f"--alpha must be a finite number > 0, got {args.alpha}")
    try:
        return float(round(float(d) ** args.alpha))
    except OverflowError:
        raise UsageError(f"n = d^alpha = {d}^{args.alpha} is beyond the float64 range") from None


def _check_points(args):
    if not 1 <= args.points <= MAX_POINTS:
        raise UsageError(f"--points must be an integer in [1, {MAX_POINTS}], got {args.points}")


def _theory(args, kernel, target, n):
    """Spectrum and stage report for the curves and simulate commands."""
    _check_points(args)
    max_degree = args.max_degree
    if max_degree is None:
        default = kernel.polynomial_degree if kernel.polynomial_degree is not None else DEFAULT_MAX_DEGREE
        max_degree = max(default, target.max_degree + 2)
    spec = spectrum(kernel, args.d, max_degree=max_degree)
    return spec, stages(spec, target, n)


def _curves(args):
    kernel, target = _problem(args)
    d = args.d
    n = _sample_size(args)
    spec, report = _theory(args, kernel, target, n)
    grid = _time_grid(args, spec, report)
    times = np.append(grid, np.inf)
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
    if args.plot:
        title = f"{kernel.name}, d = {d}, n = {_g(n)}, noise {_g(target.noise)}"
        _plot_theory(args, spec, target, n, report, grid, title)
    if args.format != "table":
        meta = {
            "kernel": kernel.name, "d": d, "n": n, "noise": target.noise,
            "energies": dict(target.energies), "learnable_degree": report.learnable_degree,
            "t1": report.t1, "t2": report.t2, "plateau": report.plateau,
        }  # fmt: skip
        return _machine(columns, args.format, meta)
    return _curves_table(kernel, d, n, target, columns, report)


def _plot_theory(args, spec, target, n, report, grid, title, simulation=None):
    """Write the risk figure of ``--plot``: theory on a fine grid over the table's time range."""
    from . import plotting

    fine = np.geomspace(grid[0], grid[-1], PLOT_POINTS) if len(grid) > 1 else grid
    empirical = empirical_risk(spec, target, n, fine)
    ax = plotting.plot_risk(
        fine,
        oracle=oracle_risk(spec, target, fine),
        test=empirical.test,
        train=empirical.train,
        report=report,
        simulation=simulation,
        time_axis=args.time_axis,
        title=title,
    )
    _save(ax, args.plot)


def _save(ax, path):
    ax.figure.savefig(path, dpi=150)
    print(f"wrote figure {path}", file=sys.stderr)


def _time_grid(args, spec, report):
    """Log-spaced finite times from ``--t-min`` to ``--t-max`` or defaults that span the stages."""
    fastest = float(np.exp(spec.log_eigenvalues.max()))
    first = args.t_min if args.t_min is not None else min(0.1, 0.1 / (2 * fastest))
    boundaries = [t for t in (report.t1, report.t2) if math.isfinite(t)]
    last = args.t_max if args.t_max is not None else 100 * max(boundaries + [first])
    if not (0 < first < last < math.inf):
        raise UsageError(f"need 0 < --t-min < --t-max < inf, got {first:g} and {last:g}")
    return np.geomspace(first, last, args.points)


def _inversion_floor(target):
    """Training risk below which the Laplace inversion gives only rounding noise."""
    return ABSOLUTE_ACCURACY * (target.noise + target.total_energy)


def _train_text(value, floor, digits=6):
    """A theory training risk, or ``<floor`` where it is below the inversion's accuracy."""
    return _g(value, digits) if value == 0 or value > floor else f"<{floor:.1g}"


def _floor_note(floor):
    return f"Training risks shown as <{floor:.1g} are below the accuracy of the inversion."


def _curves_table(kernel, d, n, target, columns, report):
    floor = _inversion_floor(target)
    lines = [
        f"{kernel.name} at d = {d}, n = {_g(n)} (log_d n = {math.log(n) / math.log(d):.3g}), "
        f"noise {_g(target.noise)}, energies {_energy_text(target)}",
        CONVENTIONS,
        "",
        f"{'time':>12} {'stage':>5} {'oracle':>11} {'test':>11} {'train':>11}",
    ]
    unresolved = False
    for t, s, o, te, tr in zip(*(columns[k] for k in ("time", "stage", "oracle", "test", "train"))):
        train = _train_text(tr, floor)
        unresolved |= train.startswith("<")
        lines.append(f"{_g(t):>12} {s:>5} {_g(o):>11} {_g(te):>11} {train:>11}")
    lines += [""] + _stage_lines(report)
    if unresolved:
        lines.append(_floor_note(floor))
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
    if args.exact and args.digits is not None:
        raise UsageError("--exact and --digits exclude each other: exact values have all digits")
    spec = spectrum(kernel, args.d, max_degree=args.max_degree, digits=args.digits, exact=args.exact)
    d = spec.d
    digits = args.digits or 17
    columns = {
        "degree": list(range(spec.max_degree + 1)),
        "eigenvalue": _eigenvalue_column(spec),
        "multiplicity": list(spec.multiplicities),
        "degree_mass": list(spec.degree_masses),
        "scaled_eigenvalue": _scaled_eigenvalues(spec),
    }
    if args.plot:
        from . import plotting

        _save(plotting.plot_spectrum(spec, title=f"{kernel.name} at d = {d}"), args.plot)
    if args.format != "table":
        meta = {"kernel": kernel.name, "d": d, "precision": spec.precision, "digits": args.digits,
                "tail_trace": spec.tail_trace, "tail_hilbert_schmidt": spec.tail_hilbert_schmidt,
                "scaled_eigenvalue": "d^k times the eigenvalue"}  # fmt: skip
        return _machine(columns, args.format, meta, digits)
    width = max(24, digits + 8)
    lines = [
        f"{kernel.name} at d = {d} ({spec.precision}"
        f"{f', {args.digits} digits' if args.digits else ''}); eigenvalues under the uniform "
        f"probability measure on the sphere, multiplicity B(d, k), degree mass B(d, k) xi_k.",
        "",
        f"{'degree':>6} {'eigenvalue':>{width}} {'multiplicity':>24} {'degree mass':>14} {'d^k xi':>14}",
    ]
    for k, xi, b, mass, scaled in zip(*columns.values()):
        lines.append(
            f"{k:>6} {_number(xi, digits):>{width}} {_int_text(b):>24} {_g(mass):>14} {_g(scaled):>14}"
        )
    lines.append(
        f"Lumped tail above degree {spec.max_degree}: trace {_g(spec.tail_trace)}, "
        f"Hilbert-Schmidt norm {_g(spec.tail_hilbert_schmidt)}; h(1) = {_g(spec.value_at_one)}."
    )
    return "\n".join(lines) + "\n"


def _eigenvalue_column(spec):
    """Eigenvalues; float64 ones below the float64 range as text from ``log_eigenvalues``.

    The logarithm keeps about 13 significant digits there, so 12 are printed.
    """
    column = []
    for xi, log_xi in zip(spec.eigenvalues, spec.log_eigenvalues):
        if spec.precision == "float64" and abs(xi) < np.finfo(float).tiny and math.isfinite(log_xi):
            column.append(mpmath.nstr(mpmath.exp(float(log_xi)), 12))
        else:
            column.append(xi)
    return column


def _scaled_eigenvalues(spec):
    """``d^k xi_k``; through logarithms for float64, where ``d^k`` or ``xi_k`` may leave the range."""
    scaled = []
    for k, xi in enumerate(spec.eigenvalues):
        if isinstance(xi, (Fraction, mpmath.mpf)):
            scaled.append(xi * spec.d**k)
        else:
            log_xi = float(spec.log_eigenvalues[k])
            if not math.isfinite(log_xi):
                scaled.append(0.0)
                continue
            log_scaled = log_xi + k * math.log(spec.d)
            # d^k xi_k tends to h^(k)(0), which passes the float64 range for large k.
            fits = log_scaled < math.log(np.finfo(float).max)
            scaled.append(math.exp(log_scaled) if fits else mpmath.exp(log_scaled))
    return scaled


def _number(value, digits):
    """Full-precision text of a float, mpmath number or Fraction (text stays as it is)."""
    if isinstance(value, str):
        return value
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


def _compare_kernel(text, option):
    """Kernel from a catalogue name or call, or else from a formula in ``t``."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        node = None
    called = node.func if isinstance(node, ast.Call) else node
    if isinstance(called, ast.Name) and called.id in _kernel_names():
        choice = argparse.Namespace(kernel=text, kernel_expr=None, scale=None, coefficients=None)
    else:
        choice = argparse.Namespace(kernel=None, kernel_expr=text, scale=None, coefficients=None)
    try:
        return _kernel(choice)
    except (UsageError, ValueError, TypeError) as error:
        raise UsageError(f"{option} {text!r} is not a valid kernel: {error}") from None


def _compare(args):
    kernel_a = _compare_kernel(args.kernel_a, "--kernel-a")
    kernel_b = _compare_kernel(args.kernel_b, "--kernel-b")
    target = Target(_energies(args.energies), noise=args.noise)
    d = args.d
    n = _sample_size(args)
    _check_points(args)
    first = args.t_min if args.t_min is not None else 1.0
    last = args.t_max if args.t_max is not None else 1e6
    if not (0 < first < last < math.inf):
        raise UsageError(f"need 0 < --t-min < --t-max < inf, got {first:g} and {last:g}")
    times = np.append(np.geomspace(first, last, args.points), np.inf)
    max_degree = args.max_degree if args.max_degree is not None else max(DEFAULT_MAX_DEGREE, target.max_degree + 2)
    result = compare(kernel_a, kernel_b, target, d, n, times, max_degree=max_degree)
    columns = {
        "time": result.times,
        "train_a": result.train_a,
        "train_b": result.train_b,
        "test_a": result.test_a,
        "test_b": result.test_b,
        "oracle_a": result.oracle_a,
        "oracle_b": result.oracle_b,
    }
    if args.format != "table":
        meta = {
            "kernel_a": kernel_a.name, "kernel_b": kernel_b.name, "d": d, "n": n,
            "noise": target.noise, "energies": dict(target.energies),
            "halving_time_a": result.halving_time_a, "halving_time_b": result.halving_time_b,
            "faster": result.faster, "better_at_halving": result.better_at_halving,
            "better_at_end": result.better_at_end,
        }  # fmt: skip
        return _machine(columns, args.format, meta)
    return _compare_table(kernel_a, kernel_b, d, n, target, columns, result)


def _compare_table(kernel_a, kernel_b, d, n, target, columns, result):
    lines = [
        f"a = {kernel_a.name}, b = {kernel_b.name} at d = {d}, n = {_g(n)}, "
        f"noise {_g(target.noise)}, energies {_energy_text(target)}",
        CONVENTIONS,
        "",
        f"{'time':>12} {'train a':>11} {'train b':>11} {'test a':>11} {'test b':>11}",
    ]
    floor = _inversion_floor(target)
    unresolved = False
    for t, train_a, train_b, test_a, test_b in zip(*(columns[k] for k in ("time", "train_a", "train_b", "test_a", "test_b"))):
        trains = [_train_text(v, floor) for v in (train_a, train_b)]
        unresolved |= any(text.startswith("<") for text in trains)
        lines.append(f"{_g(t):>12} {trains[0]:>11} {trains[1]:>11} {_g(test_a):>11} {_g(test_b):>11}")
    lines += ["", _compare_summary(result, columns["time"][-2])]
    if unresolved:
        lines.append(_floor_note(floor))
    return "\n".join(lines) + "\n"


def _compare_summary(result, last):
    """Sentences on which kernel trains faster and whether it also tests better."""
    halving = f"The training risk halves at t = {_g(result.halving_time_a)} (a) and {_g(result.halving_time_b)} (b)"
    if result.faster == "tie":
        return halving + ": neither kernel trains faster."
    other = "b" if result.faster == "a" else "a"
    first = 0 if result.faster == "a" else 1
    at_halving = result.test_at_halving
    verdict = "lower" if result.better_at_halving else "no lower"
    end = "lower" if result.better_at_end else "no lower"
    return (
        f"{halving}, so kernel {result.faster} trains faster.\n"
        f"At that time its test risk is {_g(at_halving[first])} against {_g(at_halving[1 - first])} "
        f"for kernel {other}: {verdict}. At t = {_g(last)} it has {end} test risk than kernel {other}."
    )


def _simulate(args):
    kernel, target = _problem(args)
    d = args.d
    n = _sample_size(args)
    if n != int(n) or n < 1:
        raise UsageError(f"--n must be a whole number >= 1 for a simulation, got {_g(n)}")
    n = int(n)
    if args.seeds < 2:
        raise UsageError(f"--seeds must be >= 2 to give a standard error, got {args.seeds}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")

    spec, report = _theory(args, kernel, target, n)
    grid = _time_grid(args, spec, report)
    times = np.append(grid, np.inf)
    empirical = empirical_risk(spec, target, n, times)
    progress = _Progress(args.seeds, enabled=not args.quiet)
    simulated = _simulate_in_batches(
        kernel, d, n, target, times, args.seeds, args.seed, args.harmonics, spec.max_degree, progress
    )

    columns = {
        "time": times,
        "stage": stage_of(report, times),
        "oracle": oracle_risk(spec, target, times),
        "test": empirical.test,
        "test_simulated": simulated.test,
        "test_error": simulated.test_error,
        "train": empirical.train,
        "train_simulated": simulated.train,
        "train_error": simulated.train_error,
    }
    if args.plot:
        title = f"{kernel.name}, d = {d}, n = {n}: theory and {args.seeds} simulated draws"
        _plot_theory(args, spec, target, n, report, grid, title, simulation=simulated)
    if args.format != "table":
        meta = {
            "kernel": kernel.name, "d": d, "n": n, "noise": target.noise,
            "energies": dict(target.energies), "seeds": args.seeds, "seed": args.seed,
            "harmonics": args.harmonics, "batches": max(1, min(SIMULATION_BATCHES, args.seeds // 2)),
            "errors": "standard errors of the simulated means over draws",
        }  # fmt: skip
        return _machine(columns, args.format, meta)
    return _simulate_table(kernel, d, n, target, args, columns)


def _simulate_table(kernel, d, n, target, args, columns):
    lines = [
        f"{kernel.name} at d = {d}, n = {n}, noise {_g(target.noise)}, energies {_energy_text(target)}; "
        f"{args.seeds} draws ({args.harmonics} harmonics, seed {args.seed}).",
        CONVENTIONS,
        "Theory columns are deterministic equivalents; sim columns are means over draws "
        "+- one standard error.",
        "",
        f"{'time':>11} {'stage':>5} {'oracle':>10} {'test':>10} {'test sim':>21} "
        f"{'train':>10} {'train sim':>21}",
    ]
    keys = ("time", "stage", "oracle", "test", "test_simulated", "test_error", "train",
            "train_simulated", "train_error")  # fmt: skip
    floor = _inversion_floor(target)
    for t, stage, oracle, test, test_sim, test_se, train, train_sim, train_se in zip(
        *(columns[k] for k in keys)
    ):
        lines.append(
            f"{_g(t):>11} {stage:>5} {_g(oracle, 5):>10} {_g(test, 5):>10} "
            f"{_g(test_sim, 5) + ' +- ' + _g(test_se, 2):>21} "
            f"{_train_text(train, floor, 5):>10} "
            f"{_g(train_sim, 5) + ' +- ' + _g(train_se, 2):>21}"
        )
    return "\n".join(lines) + "\n"


class _Progress:
    """Draws done so far, on stderr: one updating line on a terminal, else one line per batch."""

    def __init__(self, total, enabled):
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.terminal = enabled and sys.stderr.isatty()

    def update(self, done):
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        text = f"simulated {done}/{self.total} draws ({elapsed:.1f} s)"
        if self.terminal:
            end = "\n" if done == self.total else ""
            print(f"\r{text}", end=end, file=sys.stderr, flush=True)
        else:
            print(text, file=sys.stderr, flush=True)


def _simulate_in_batches(kernel, d, n, target, times, seeds, seed, harmonics, max_degree, progress):
    """Run :func:`asymptotics.simulate` in batches and pool their means and standard errors.

    The ``seeds`` draws are split as evenly as possible into at most
    ``SIMULATION_BATCHES`` batches of at least two draws (two give a standard
    error). Batch ``b`` uses the root seed
    ``SeedSequence([seed, b]).generate_state(1)[0]``, so the draws depend only
    on ``seed`` and ``seeds``. The pooled standard error is that of all draws
    together, recovered exactly from each batch's mean, standard error and size.
    """
    count = max(1, min(SIMULATION_BATCHES, seeds // 2))
    sizes = [seeds // count + (1 if b < seeds % count else 0) for b in range(count)]
    batches = []
    for index, size in enumerate(sizes):
        batch_seed = int(np.random.SeedSequence([seed, index]).generate_state(1)[0])
        batches.append(
            simulate(kernel, d, n, target, times, seeds=size, max_degree=max_degree,
                     harmonics=harmonics, seed=batch_seed)  # fmt: skip
        )
        progress.update(sum(sizes[: index + 1]))
    pooled = {}
    for name in ("test", "train", "bias", "variance", "bias_by_degree"):
        means = [getattr(batch, name) for batch in batches]
        errors = [getattr(batch, name + "_error") for batch in batches]
        pooled[name], pooled[name + "_error"] = pool_means(means, errors, sizes)
    first = batches[0]
    return SimulationResult(
        times=first.times,
        oracle=first.oracle,
        seeds=seeds,
        d=first.d,
        n=first.n,
        harmonics=first.harmonics,
        **pooled,
    )


def pool_means(means, errors, sizes):
    """Mean and standard error of all draws from per-batch means, standard errors and sizes.

    A batch of ``s`` draws with sample standard deviation ``sd`` (``ddof=1``)
    has standard error ``e = sd / sqrt(s)``, so its sum of squared deviations
    is ``e^2 s (s - 1)``. The pooled sum adds ``s (m_b - M)^2`` per batch.

    Parameters
    ----------
    means, errors : sequence of array_like
        Per batch, the mean and its standard error.
    sizes : sequence of int
        Draws per batch, each ``>= 2``.

    Returns
    -------
    mean, error : numpy.ndarray
        Mean and standard error of all draws together.

    Examples
    --------
    Batches ``[1, 3]`` and ``[5, 7]`` have means 2 and 6 and standard errors 1;
    all four values have mean 4 and standard error ``sqrt(20/3)/2``:

    >>> mean, error = pool_means([[2.0], [6.0]], [[1.0], [1.0]], [2, 2])
    >>> float(mean[0]), round(float(error[0]), 12)
    (4.0, 1.290994448736)
    """
    sizes = np.asarray(sizes, dtype=float)
    means = np.asarray(means, dtype=float)
    errors = np.asarray(errors, dtype=float)
    total = sizes.sum()
    weights = sizes.reshape((-1,) + (1,) * (means.ndim - 1))
    mean = (weights * means).sum(axis=0) / total
    squares = (errors**2 * weights * (weights - 1)).sum(axis=0) + (weights * (means - mean) ** 2).sum(axis=0)
    return mean, np.sqrt(squares / (total - 1) / total)


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
    if isinstance(value, mpmath.mpf) and not math.isfinite(float(value)) and mpmath.isfinite(value):
        return mpmath.nstr(value, digits)
    value = float(value)
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def _int_text(value):
    text = str(value)
    # Decimal rounds integers of any size; float() fails beyond about 1.8e308.
    return text if len(text) <= 24 else format(decimal.Decimal(value), ".6e")


def _energy_text(target):
    return ", ".join(f"{k}:{_g(e)}" for k, e in target.energies.items()) or "none"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
