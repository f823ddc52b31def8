"""Command line: default job, formats and error handling."""

import csv
import io
import json
import subprocess
import sys

import pytest

from asymptotics.cli import main


def run(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_default_job_prints_table(capsys):
    status, out, err = run([], capsys)
    assert status == 0
    assert "relu_ntk at d = 100, n = 1000" in out
    assert "t1 = n / (2 T_>1)" in out
    assert "t2 = 1 / (2 xi_2)" in out
    rows = [line for line in out.splitlines() if line.strip() and line.split()[0][0].isdigit()]
    assert len(rows) == 25
    assert out.count("\n         inf ") == 1


def test_default_job_stages_increase(capsys):
    status, out, _ = run(["--format", "csv"], capsys)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    stages = [int(row["stage"]) for row in rows]
    assert stages == sorted(stages)
    assert set(stages) == {1, 2, 3}


def test_json_output_parses(capsys):
    status, out, _ = run(["curves", "--format", "json", "--points", "4"], capsys)
    assert status == 0
    data = json.loads(out)
    assert data["meta"]["d"] == 100
    assert data["columns"]["time"][-1] == "inf"
    assert len(data["columns"]["test"]) == 5


def test_spectrum_command_lists_degrees(capsys):
    status, out, _ = run(["spectrum", "--d", "20", "--max-degree", "4"], capsys)
    assert status == 0
    assert "B(d, k)" in out
    # B(20, 2) = 209 and B(20, 4) = 8645 are exact multiplicities.
    assert " 209 " in out
    assert " 8645 " in out


def test_stages_command_table(capsys):
    status, out, _ = run(["stages", "--alpha", "2.5", "--kernel", "exponential"], capsys)
    assert status == 0
    assert "2.5..3" in out


def test_spectrum_digits_printed_in_full(capsys):
    # sinh(1) = 1.17520119364380145688238185059560..., the d = 3 eigenvalue xi_0 of e^u.
    status, out, _ = run(["spectrum", "--d", "3", "--kernel", "exponential", "--digits", "30"], capsys)
    assert status == 0
    assert "1.175201193643801456882381850" in out


def test_fast_kernel_time_grid_adapts(capsys):
    # exp(100 u) learns on times far below the default first time 0.1.
    status, out, err = run(["--kernel", "exponential", "--scale", "100"], capsys)
    assert status == 0
    assert err == ""


def test_polynomial_kernel_option(capsys):
    status, out, _ = run(
        ["--kernel", "polynomial", "--coefficients", "0.1,1,1,1", "--d", "20", "--n", "500"], capsys
    )
    assert status == 0
    assert "polynomial" in out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--d", "1"], "d must be an integer >= 2"),
        (["--noise", "-1"], "noise must be"),
        (["--energies", "1:-2"], "energies[1]"),
        (["--energies", "x"], "--energies"),
        (["--n", "0"], "n must be"),
        (["--kernel", "polynomial"], "--coefficients"),
        (["--points", "0"], "--points"),
        (["spectrum", "--digits", "0"], "digits"),
        (["stages", "--alpha", "2"], "alpha"),
        (["--scale", "3"], "--scale"),
        (["--coefficients", "1,2"], "--coefficients"),
        (["--energies", "1:1,1:2"], "twice"),
        (["--t-max", "inf"], "--t-max"),
    ],
)
def test_bad_input_is_one_sentence(capsys, argv, fragment):
    status, out, err = run(argv, capsys)
    assert status == 2
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "asymptotics", "stages"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert "stage" in result.stdout


def test_argparse_errors_are_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "asymptotics", "--format", "bogus"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
