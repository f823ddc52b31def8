"""The example scripts run as written and write what they promise."""

import csv
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

EXAMPLES = pathlib.Path(__file__).parents[1] / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_example(name, folder):
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--output", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@pytest.mark.slow
def test_three_stages_example(tmp_path):
    run_example("three_stages.py", tmp_path)
    assert (tmp_path / "three_stages.png").read_bytes()[:8] == PNG_SIGNATURE
    rows = read_rows(tmp_path / "three_stages.csv")
    assert len(rows) == 200
    # At the first time, 0.1, hardly anything is learned: test risk near noise + energy = 3.25.
    assert float(rows[0]["test"]) == pytest.approx(3.25, rel=0.01)


def test_staircase_example(tmp_path):
    run_example("staircase.py", tmp_path)
    assert (tmp_path / "staircase.png").read_bytes()[:8] == PNG_SIGNATURE


def test_multiple_descent_peaks_at_cumulative_dimensions(tmp_path):
    run_example("multiple_descent.py", tmp_path)
    assert (tmp_path / "multiple_descent.png").read_bytes()[:8] == PNG_SIGNATURE
    rows = read_rows(tmp_path / "multiple_descent.csv")
    n = np.array([float(row["n"]) for row in rows])
    risk = np.array([float(row["test_ridge_0"]) for row in rows])
    peaks = n[1:-1][(risk[1:-1] > risk[:-2]) & (risk[1:-1] > risk[2:])]
    # Ridgeless peaks sit near N(30, <= l) = 31, 495 and 5425 for l = 1, 2, 3.
    for boundary in (31, 495, 5425):
        assert np.min(np.abs(np.log(peaks / boundary))) < np.log(1.3), peaks


def test_reference_values_example(tmp_path):
    run_example("reference_values.py", tmp_path)
    data = json.loads((tmp_path / "reference_values.json").read_text())
    provenance = data["provenance"]
    for key in ("version", "git_commit", "created", "numpy", "mpmath", "conventions"):
        assert key in provenance
    rows = [dict(zip(data["columns"], row)) for row in data["rows"]]
    eigenvalues = {(r["kernel"], r["d"], r["degree"]): r["value"] for r in rows if r["quantity"] == "eigenvalue"}
    # The odd part of the ReLU NTK is exactly u, so xi_1 = 1/d.
    assert float(eigenvalues[("relu_ntk", 10, 1)]) == 0.1
    # (1 + u)^3 with E u^2 = 1/d and odd moments 0: xi_0 = 1 + 3/d = 13/10.
    assert eigenvalues[("polynomial (1 + u)^3", 10, 0)] == "13/10"
    assert len(read_rows(tmp_path / "reference_values.csv")) == len(rows)
