"""Measure the deterministic equivalents against real kernel gradient flow on sampled data.

For every setting of a grid over the dimension ``d``, the sample size ``n``,
the kernel, the target and the label noise, this script runs
:func:`asymptotics.simulate` (exact gradient flow on sampled inputs, test risk
exact by Funk-Hecke, label noise averaged exactly) and compares the mean over
draws with :func:`asymptotics.empirical_risk` at times across the three stages.
It writes ``docs/validation.md`` and the raw numbers to ``docs/validation.json``.

Run from the repository root::

    OMP_NUM_THREADS=2 python examples/validate.py            # full grid
    python examples/validate.py --quick                       # two small settings
    python examples/validate.py --from-json docs/validation.json  # rewrite the page only
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

from asymptotics import Target, kernels, limit_stages, multiplicity, simulate, spectrum
from asymptotics.empirical import empirical_risk

MAX_DEGREE = 16
# Time exponents gamma in t = d^gamma: stage 1 (t << n), stage 2 (n << t), and
# the ridgeless end point; every grid also ends at t = inf.
TIME_EXPONENTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
# CPU seconds spent per setting on the draws when the seed count is free.
SECONDS_PER_SETTING = 20.0
MIN_SEEDS, MAX_SEEDS = 20, 400
# Training risk below this fraction of its t = 0 value is not compared: it is
# set by the few smallest eigenvalues of K/n, whose spread the mean does not settle.
TRAIN_FLOOR = 0.01

KERNELS = {
    "exponential": kernels.exponential(),
    "relu_ntk": kernels.relu_ntk(),
    "polynomial": kernels.polynomial([0.2, 1.0, 0.5, 0.25]),
}


def _setting(
    kernel, d, n, energies, noise, n_label, harmonics="product", ridge=0.0, step_size=None
):
    return {
        "kernel": kernel,
        "d": d,
        "n": int(n),
        "n_label": n_label,
        "energies": energies,
        "noise": noise,
        "harmonics": harmonics,
        "ridge": ridge,
        "step_size": step_size,
    }


def build_grid():
    """Settings of the full grid: d from 12 to 100, n from d to about d^3 where n <= 2000."""
    b = multiplicity
    return [
        _setting("exponential", 12, round(12**1.5), {1: 1.0, 2: 1.0, 3: 0.5}, 0.2, "d^1.5"),
        _setting("relu_ntk", 12, b(12, 2), {1: 1.0, 2: 1.0}, 0.5, "B(d,2)"),
        _setting("polynomial", 12, round(12**2.2), {1: 1.0, 2: 1.0, 3: 1.0}, 0.1, "d^2.2"),
        _setting("exponential", 12, b(12, 3), {0: 0.5, 1: 1.0, 2: 1.0, 3: 1.0}, 0.0, "B(d,3)"),
        _setting("exponential", 12, round(12**2.9), {1: 1.0, 2: 1.0, 3: 1.0}, 0.3, "d^2.9"),
        _setting("exponential", 20, round(20**1.5), {1: 1.0, 2: 1.0}, 0.0, "d^1.5"),
        _setting("relu_ntk", 20, b(20, 2), {1: 1.0, 2: 1.0, 3: 1.0}, 0.25, "B(d,2)"),
        _setting("polynomial", 20, round(20**2.2), {1: 1.0, 2: 1.0, 3: 1.0}, 0.2, "d^2.2"),
        _setting("exponential", 20, b(20, 3), {1: 1.0, 2: 1.0, 3: 1.0}, 1.0, "B(d,3)"),
        _setting("exponential", 20, 400, {1: 1.0, 2: 1.0, 3: 1.0}, 0.1, "d^2", "zonal"),
        _setting("exponential", 20, 400, {1: 1.0, 2: 1.0, 3: 1.0}, 0.1, "d^2"),
        _setting("relu_ntk", 30, round(30**1.5), {0: 0.5, 1: 1.0, 2: 1.0}, 0.5, "d^1.5"),
        _setting("exponential", 30, b(30, 2), {1: 1.0, 2: 1.0, 3: 0.5}, 0.0, "B(d,2)"),
        _setting("polynomial", 30, 30**2, {1: 1.0, 2: 1.0, 3: 1.0}, 1.0, "d^2"),
        _setting("exponential", 50, round(50**1.5), {1: 1.0, 2: 1.0}, 0.3, "d^1.5"),
        _setting("relu_ntk", 50, b(50, 2), {1: 1.0, 2: 1.0, 3: 0.5}, 0.1, "B(d,2)"),
        _setting("polynomial", 50, 50, {1: 1.0, 2: 1.0}, 0.0, "d"),
        _setting("exponential", 100, 100, {1: 1.0, 2: 1.0}, 0.5, "d"),
        _setting("relu_ntk", 100, 1000, {1: 1.0, 2: 1.0}, 0.2, "d^1.5"),
        # Weight decay (t = inf is kernel ridge regression) and gradient descent.
        _setting("exponential", 20, b(20, 2), {1: 1.0, 2: 1.0, 3: 0.5}, 0.5, "B(d,2)", ridge=1e-3),
        _setting("relu_ntk", 30, b(30, 2), {1: 1.0, 2: 1.0}, 0.2, "B(d,2)", step_size=2.0),
        _setting(
            "polynomial", 20, 400, {1: 1.0, 2: 1.0, 3: 1.0}, 0.3, "d^2", ridge=1e-2, step_size=2.0
        ),
        # Last because it is the most expensive.
        _setting("polynomial", 100, 2000, {1: 1.0, 2: 1.0, 3: 1.0}, 0.05, "d^1.65"),
    ]


def build_quick_grid():
    """Two small settings for trying the script out in a few seconds."""
    return [
        _setting("exponential", 20, 209, {1: 1.0, 2: 1.0}, 0.3, "B(d,2)"),
        _setting("relu_ntk", 30, 164, {0: 0.5, 1: 1.0, 2: 1.0}, 0.5, "d^1.5"),
    ]


def seeds_for(n, harmonics="product"):
    """Draws for one setting: about SECONDS_PER_SETTING of eigendecompositions.

    Zonal harmonics are heavy-tailed and get three times the budget.
    """
    seconds_per_draw = 5e-10 * n**3 + 4e-4 * n + 0.02
    budget = SECONDS_PER_SETTING * (3 if harmonics == "zonal" else 1)
    return int(min(MAX_SEEDS, max(MIN_SEEDS, budget / seconds_per_draw)))


def leading_order(kernel, target, d, n, times):
    """Plateau of the d -> inf test and training risk at ``n = d^alpha``, ``t = d^gamma``."""
    alpha = math.log(n) / math.log(d)
    if abs(alpha - round(alpha)) < 1e-9:
        return [None] * len(times), [None] * len(times)
    rows = limit_stages(kernel, target, alpha)
    test, train = [], []
    for t in times:
        gamma = math.inf if math.isinf(t) else math.log(t) / math.log(d)
        row = next(r for r in rows if r.gamma_low <= gamma < r.gamma_high or r.gamma_high == math.inf)
        test.append(row.test)
        train.append(row.train)
    return test, train


def run_setting(setting, seeds=None):
    """Simulate and compute the theory for one setting; returns a JSON-ready record."""
    kernel = KERNELS[setting["kernel"]]
    d, n = setting["d"], setting["n"]
    target = Target(setting["energies"], setting["noise"])
    times = np.array([float(d) ** g for g in TIME_EXPONENTS] + [np.inf])
    options = {"ridge": setting.get("ridge", 0.0), "step_size": setting.get("step_size")}
    if options["step_size"] is not None:
        # Whole numbers of steps, at least 10 (the contour needs about 0.4 * 18).
        steps = np.maximum(np.round(times[:-1] / options["step_size"]), 10)
        times = np.append(np.unique(steps) * options["step_size"], np.inf)
    seeds = seeds or seeds_for(n, setting["harmonics"])

    start = time.perf_counter()
    simulated = simulate(
        kernel, d, n, target, times, seeds=seeds, max_degree=MAX_DEGREE,
        harmonics=setting["harmonics"], **options,
    )
    elapsed = time.perf_counter() - start
    spec = spectrum(kernel, d, max_degree=MAX_DEGREE)
    theory = empirical_risk(spec, target, n, times, **options)
    if options["ridge"] == 0 and options["step_size"] is None:
        limit_test, limit_train = leading_order(kernel, target, d, n, times)
    else:
        limit_test, limit_train = [None] * len(times), [None] * len(times)
    return {
        **{key: value for key, value in setting.items() if key != "energies"},
        "energies": {str(k): v for k, v in setting["energies"].items()},
        "seeds": seeds,
        "seconds": elapsed,
        "times": [None if math.isinf(t) else t for t in times],
        "sim_test": simulated.test.tolist(),
        "sim_test_error": simulated.test_error.tolist(),
        "sim_train": simulated.train.tolist(),
        "sim_train_error": simulated.train_error.tolist(),
        "theory_test": theory.test.tolist(),
        "theory_train": theory.train.tolist(),
        "initial": target.noise + target.total_energy,
        "limit_test": limit_test,
        "limit_train": limit_train,
    }


def deviations(record):
    """Relative deviations (simulated mean - theory)/theory of test and of compared train risk."""
    test = np.array(record["sim_test"]) / np.array(record["theory_test"]) - 1
    theory_train = np.array(record["theory_train"])
    compared = theory_train >= TRAIN_FLOOR * record["initial"]
    with np.errstate(divide="ignore", invalid="ignore"):
        train = np.array(record["sim_train"]) / theory_train - 1
    return test, np.where(compared, train, np.nan)


def _number(value, digits=4):
    return "—" if value is None else f"{value:.{digits}g}"


def _time(t):
    return "inf" if t is None else f"{t:.4g}"


def setting_table(record):
    """Markdown table of one setting."""
    test_dev, train_dev = deviations(record)
    lines = [
        "| t | test sim ± s.e. | test theory | dev | train sim ± s.e. | train theory | dev "
        "| d→∞ test | d→∞ train |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i, t in enumerate(record["times"]):
        train_dev_text = "—" if np.isnan(train_dev[i]) else f"{100 * train_dev[i]:+.2f} %"
        lines.append(
            f"| {_time(t)} "
            f"| {record['sim_test'][i]:.4f} ± {record['sim_test_error'][i]:.4f} "
            f"| {record['theory_test'][i]:.4f} | {100 * test_dev[i]:+.2f} % "
            f"| {record['sim_train'][i]:.4g} ± {record['sim_train_error'][i]:.2g} "
            f"| {record['theory_train'][i]:.4g} | {train_dev_text} "
            f"| {_number(record['limit_test'][i])} | {_number(record['limit_train'][i])} |"
        )
    return "\n".join(lines)


def _is_flow(record):
    return record.get("ridge", 0.0) == 0 and record.get("step_size") is None


GROUPS = {
    "d >= 20, gradient flow": lambda r: r["d"] >= 20 and _is_flow(r),
    "d >= 20, weight decay or descent": lambda r: r["d"] >= 20 and not _is_flow(r),
    "d >= 20, all": lambda r: r["d"] >= 20,
    "d = 12": lambda r: r["d"] < 20,
}


def summary(records, include):
    """Median and max |relative deviation| of test and compared train risk over the included settings."""
    test, train = [], []
    for record in records:
        if not include(record):
            continue
        test_dev, train_dev = deviations(record)
        test.extend(np.abs(test_dev))
        train.extend(np.abs(train_dev[~np.isnan(train_dev)]))
    result = {"test_count": len(test), "train_count": len(train)}
    for name, values in (("test", test), ("train", train)):
        result[name + "_median"] = float(np.median(values)) if values else math.nan
        result[name + "_max"] = float(np.max(values)) if values else math.nan
    return result


def summary_rows(records):
    """Markdown rows of the summary table."""
    rows = []
    for label, include in GROUPS.items():
        values = summary(records, include)
        for risk in ("test", "train"):
            rows.append(
                f"| {label} | {risk} | {values[risk + '_count']} "
                f"| {100 * values[risk + '_median']:.2f} % | {100 * values[risk + '_max']:.2f} % |"
            )
    return rows


def write_page(records, path, total_seconds):
    """Write the markdown page with the summary first and one table per setting."""
    lines = [
        "# Deterministic equivalents against simulated kernel gradient flow",
        "",
        "Generated by `examples/validate.py`. Each setting runs exact kernel gradient flow",
        "(`asymptotics.simulate`) on inputs uniform on the sphere of radius sqrt(d): one",
        "eigendecomposition of K/n per draw, the test risk computed exactly by Funk-Hecke",
        "(no test set), the label noise averaged exactly, so the standard error (s.e.) comes",
        "only from the draws of inputs and target directions. Each target degree is one",
        "unit-norm harmonic in a random direction (product of coordinates unless marked",
        "zonal). Theory is `asymptotics.empirical_risk` with the same spectrum (max_degree",
        f"{MAX_DEGREE}). Times are t = d^gamma for gamma in {list(TIME_EXPONENTS)} and t = inf",
        "(ridgeless interpolant, or kernel ridge regression with weight decay); descent uses",
        "the nearest whole number of steps, at least 10. Risks: test = E(y - f_t(x))^2",
        "including the noise, train = (1/n) sum_i (y_i - f_t(x_i))^2; time in units of",
        "gradient flow on half the squared loss averaged over n.",
        "",
        "dev = (simulated mean - theory)/theory. The training risk is compared only where",
        f"theory is at least {TRAIN_FLOOR:.0%} of its initial value noise + ||f_*||^2; below that it",
        "depends on the few smallest eigenvalues of K/n. The d→∞ columns are the leading-order",
        "plateau of `asymptotics.limit_stages` at alpha = log n/log d, gamma = log t/log d",
        "(a dash where alpha is an integer, where those plateaux do not apply, and for",
        "weight decay or descent).",
        "",
        f"Total simulation time {total_seconds / 60:.1f} min on {platform.machine()}, numpy "
        f"{np.__version__}, Python {platform.python_version()}, on 2 cores shared with other jobs.",
        "",
        "## Summary",
        "",
        "| settings | risk | points | median abs dev | max abs dev |",
        "|---|---|---|---|---|",
        *summary_rows(records),
        "",
    ]
    lines += NOTES
    for record in records:
        energies = ", ".join(f"F_{k}^2 = {v:g}" for k, v in record["energies"].items())
        schedule = "gradient flow"
        if record.get("step_size") is not None:
            schedule = f"gradient descent, step {record['step_size']:g}"
        if record.get("ridge", 0.0) > 0:
            schedule += f", weight decay {record['ridge']:g}"
        lines += [
            f"## {record['kernel']}, d = {record['d']}, n = {record['n']} ({record['n_label']}), "
            f"{record['harmonics']} harmonics, {schedule}",
            "",
            f"Target {energies}; noise sigma^2 = {record['noise']:g}; {record['seeds']} draws "
            f"({record['seconds']:.0f} s).",
            "",
            setting_table(record),
            "",
        ]
    Path(path).write_text("\n".join(lines))


# Text of the page that is not generated from numbers.
NOTES = [
    "A point is one (setting, time) pair. Late times past the slowest time scale of",
    "K/n repeat the t = inf value, so a setting that freezes early counts its end point",
    "more than once.",
    "",
    "## Scope and exclusions",
    "",
    "Settings with n above 2000 are excluded, because each draw needs the",
    "eigendecomposition of an n x n matrix and the whole grid had to run in about half",
    "an hour on two cores shared with other jobs. This excludes n = d^3 for every",
    "d >= 20 (8000 and more), n = B(d,3) for d >= 30 (4930 and more), n = B(d,2) for",
    "d = 100 (5049), and every n above 2000 at d = 50 and d = 100. At d = 12, n = d^3 =",
    "1728 is replaced by n = d^2.9 = 1348. The draws of a setting buy about 20 s of",
    "single-core eigendecompositions (`seeds_for`; three times that for zonal",
    "harmonics), with 20 to 400 draws. The standard error of the mean test risk is",
    "0.1-1 % of it; that of the training risk is larger where it is small. Every",
    "table lists them.",
    "",
    "## Where the deterministic equivalent is less accurate",
    "",
    "- Small d: the d = 12 rows deviate more than those with d >= 20 (summary table).",
    "  The one deviation in the grid far beyond its standard error is at d = 12,",
    "  n = 1348. There the test risk rises again from 0.46 to 0.73 late in training,",
    "  and the simulated ridgeless end point (t = inf) lies 1.6 % above the",
    "  equivalent, 13 standard errors. It is",
    "  unchanged when max_degree goes from 16 to 28 in both theory and simulation, so",
    "  it is the error of the equivalent at small d, not truncation in the simulator.",
    "  Every deviation at d >= 20, test or compared training risk, is within 2.5",
    "  standard errors.",
    "- Energy concentrated in one direction of a degree. Every target here is a single",
    "  harmonic per degree, and the equivalent describes the mean over directions,",
    "  so single draws scatter around it. At d = 20, n = 400 the spread of one draw is",
    "  about 4.3 % of the test risk and 13 % of the training risk for product harmonics.",
    "  It is 5.4 % and 23 % for zonal harmonics, whose values are heavy-tailed. The means",
    "  agree with the equivalent within their standard errors in both cases. The",
    "  extreme case is degree 0, the constant: one direction",
    "  whose eigenvalue of K/n is an outlier. Take a constant target alone",
    "  (exponential kernel, d = 20, no noise, 60-200 draws) at t = 3, where the",
    "  constant is half learned. There the simulated mean test risk lies 21 %, 12 % and",
    "  4 % below the equivalent at n = 20, 100 and 400. With energy also in degrees 1 and 2",
    "  (F^2 = 0.5, 1, 1, noise 0.1) the total stays within 2 % even at n = 1 to 5.",
    "- The training risk below 1 % of its initial value (end of the second stage) is",
    "  not compared: it is set by the few smallest eigenvalues of K/n.",
    "- The leading-order d → ∞ plateaux differ from the finite-d test risk by 11 %",
    "  (median) and up to 184 % (near stage boundaries) at these dimensions; they are",
    "  shown only for contrast.",
    "",
]


def _key(setting):
    return (
        setting["kernel"],
        setting["d"],
        setting["n"],
        setting["harmonics"],
        setting.get("ridge", 0.0),
        setting.get("step_size"),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run two small settings only")
    parser.add_argument("--from-json", help="rewrite the page from this JSON file, no simulation")
    parser.add_argument("--output", default="docs/validation.md", help="markdown page to write")
    parser.add_argument("--json", default="docs/validation.json", help="raw numbers to write")
    parser.add_argument(
        "--resume", action="store_true", help="keep the settings already in the JSON file"
    )
    args = parser.parse_args(argv)

    if args.from_json:
        data = json.loads(Path(args.from_json).read_text())
        write_page(data["records"], args.output, data["seconds"])
        return 0

    grid = build_quick_grid() if args.quick else build_grid()
    records, done_seconds = [], 0.0
    if args.resume and Path(args.json).exists():
        data = json.loads(Path(args.json).read_text())
        records, done_seconds = data["records"], data["seconds"]
    done = {_key(record) for record in records}
    start = time.perf_counter() - done_seconds
    for setting in grid:
        if _key(setting) in done:
            continue
        record = run_setting(setting)
        records.append(record)
        test_dev, train_dev = deviations(record)
        print(
            f"{record['kernel']:12s} d={record['d']:4d} n={record['n']:5d} seeds={record['seeds']:3d} "
            f"{record['seconds']:6.1f}s  max|dev| test {100 * np.nanmax(np.abs(test_dev)):.2f} % "
            f"train {100 * np.nanmax(np.abs(train_dev), initial=0):.2f} %",
            flush=True,
        )
        total = time.perf_counter() - start
        Path(args.json).write_text(json.dumps({"records": records, "seconds": total}, indent=1))
        write_page(records, args.output, total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
