"""Smoke test of the benchmark script in its quick mode (no timing is asserted)."""

import json
import math
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
TITLES = [
    "### 1a. Three curves",
    "### 1b. One simulated draw",
    "### 1c. Equal accuracy",
    "### 2. Spectra",
    "### 3a. Curve time against the number of times",
    "### 3b. Time against max_degree",
    "### 3c. Curve time against contour nodes",
]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("benchmarks")
    numbers = folder / "results.json"
    page = folder / "page.md"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(numbers), "--markdown", str(page)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return completed, json.loads(numbers.read_text()), page.read_text()


def positive(value):
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def test_quick_mode_exits_cleanly(quick_run):
    completed, _, _ = quick_run
    assert completed.returncode == 0, completed.stderr


def test_quick_mode_prints_every_table(quick_run):
    completed, _, page = quick_run
    for title in TITLES:
        assert title in completed.stdout
        assert title in page


def test_curve_timings_finite_and_positive(quick_run):
    _, results, _ = quick_run
    for row in results["curves"]:
        assert positive(row["spectrum_s"])
        assert positive(row["curves_s"])
        assert row["finite"]
        # The test risk includes the noise 0.25 and cannot exceed noise + total energy 3.
        assert 0.25 <= row["test_at_end"] <= 3.25


def test_simulation_timings_finite_and_positive(quick_run):
    _, results, _ = quick_run
    for row in results["single_draw"]:
        assert positive(row["simulation_s"])
        assert positive(row["theory_s"])
        assert positive(row["ratio"])
    equal = results["equal_accuracy"]
    for key in ("per_seed_s", "simulation_s", "theory_s", "ratio", "relative_spread"):
        assert positive(equal[key]), key
    assert equal["seeds_needed"] >= 2


def test_package_spectra_accurate(quick_run):
    # The reference is the package at 60 digits: float64 must agree to float64
    # rounding and the 50-digit spectrum to about 50 digits.
    _, results, _ = quick_run
    rows = {row["method"]: row for row in results["spectra"]}
    assert positive(rows["package float64"]["seconds"])
    assert rows["package float64"]["max_relative_error"] < 1e-14
    assert rows["package 50 digits"]["max_relative_error"] < 1e-48
    assert rows["package float64"]["failed_degrees"] == 0


def test_scaling_timings_finite_and_positive(quick_run):
    _, results, _ = quick_run
    for row in results["time_points"]:
        assert positive(row["seconds"])
    for row in results["degrees"]:
        assert positive(row["spectrum_s"])
        assert positive(row["curves_s"])
    for row in results["nodes"]:
        assert positive(row["seconds"])
        assert math.isfinite(row["max_change"])
