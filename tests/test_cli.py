"""Command line: default job, formats and error handling."""

import builtins
import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from asymptotics import multiplicity
from asymptotics.cli import main, pool_means


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
        (["--kernel", "bogus"], "unknown kernel 'bogus'"),
        (["--kernel", "exponential(beta=2)"], "takes the parameters (scale=1)"),
        (["--kernel", "exponential(scale=__import__('os'))"], "must be numbers"),
        (["--kernel", "exponential.x"], "--kernel must be a name"),
        (["--kernel-expr", "t.__class__"], "not allowed"),
        (["--kernel-expr", "exp(beta*t)"], "uses the name 'beta'"),
        (["--kernel-expr", "exp(t)", "--scale", "2"], "--kernel-expr replaces"),
        (["--kernel", "arccos0(1)"], "takes no parameters"),
        (["simulate", "--seeds", "1"], "--seeds must be >= 2"),
        (["simulate", "--n", "10.5"], "whole number"),
    ],
)
def test_bad_input_is_one_sentence(capsys, argv, fragment):
    status, out, err = run(argv, capsys)
    assert status == 2
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unwritable_plot_is_one_sentence(capsys):
    pytest.importorskip("matplotlib")
    status, _, err = run(["--plot", "/nonexistent-folder/figure.png", "--points", "2"], capsys)
    assert status == 2
    assert "cannot write" in err
    assert err.count("\n") == 1


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


def spectrum_rows(argv, capsys):
    status, out, err = run(["spectrum", "--format", "csv"] + argv, capsys)
    assert status == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def test_spectrum_columns_and_scaled_eigenvalue(capsys):
    argv = ["--kernel-expr", "1 + t", "--d", "20", "--max-degree", "3"]
    status, out, _ = run(["spectrum"] + argv, capsys)
    assert status == 0
    header = next(line for line in out.splitlines() if line.lstrip().startswith("degree"))
    assert header.split() == ["degree", "eigenvalue", "multiplicity", "degree", "mass", "d^k", "xi"]
    rows = spectrum_rows(argv, capsys)
    assert list(rows[0]) == ["degree", "eigenvalue", "multiplicity", "degree_mass", "scaled_eigenvalue"]
    # h(u) = 1 + u has xi_1 = E u^2 = 1/d, so d xi_1 = 1, and xi_k = 0 for k >= 2.
    assert float(rows[1]["scaled_eigenvalue"]) == pytest.approx(1.0, rel=1e-15)
    assert rows[3]["scaled_eigenvalue"] == "0.0"


def test_spectrum_scaled_eigenvalue_beyond_float_range(capsys):
    # d^k = 1000^120 overflows float64; the product d^k xi_k stays finite.
    rows = spectrum_rows(["--kernel", "exponential", "--d", "1000", "--max-degree", "120"], capsys)
    scaled = float(rows[120]["scaled_eigenvalue"])
    assert np.isfinite(scaled)
    assert scaled > 0


def test_kernel_expression_matches_catalogue(capsys):
    parsed = spectrum_rows(["--kernel-expr", "exp(t)", "--d", "30", "--max-degree", "5"], capsys)
    catalogue = spectrum_rows(["--kernel", "exponential", "--d", "30", "--max-degree", "5"], capsys)
    for mine, theirs in zip(parsed, catalogue):
        assert float(mine["eigenvalue"]) == pytest.approx(float(theirs["eigenvalue"]), rel=1e-15)


def test_kernel_expression_in_u(capsys):
    in_u = spectrum_rows(["--kernel-expr", "(1 + u)^2", "--d", "10"], capsys)
    in_t = spectrum_rows(["--kernel-expr", "(1 + t)^2", "--d", "10"], capsys)
    assert in_u == in_t


def test_kernel_parameters_in_call_syntax(capsys):
    called = spectrum_rows(["--kernel", "exponential(scale=2)", "--d", "10", "--max-degree", "4"], capsys)
    option = spectrum_rows(["--kernel", "exponential", "--scale", "2", "--d", "10", "--max-degree", "4"], capsys)
    assert called == option
    arccos = spectrum_rows(["--kernel", "arccos(1)", "--d", "10", "--max-degree", "4"], capsys)
    alias = spectrum_rows(["--kernel", "arccos1", "--d", "10", "--max-degree", "4"], capsys)
    assert arccos == alias


def test_polynomial_fraction_coefficients_exact(capsys):
    # h(u) = u^2/3 at d = 5: xi_0 = E u^2 / 3 = 1/(3 d) = 1/15.
    argv = ["--kernel", "polynomial", "--coefficients", "0,0,1/3", "--d", "5", "--exact"]
    status, out, _ = run(["spectrum"] + argv, capsys)
    assert status == 0
    assert " 1/15 " in out
    rows = spectrum_rows(argv, capsys)
    assert rows[0]["eigenvalue"] == "1/15"
    assert rows[0]["scaled_eigenvalue"] == "1/15"
    expression = spectrum_rows(["--kernel-expr", "t^2/3", "--d", "5", "--exact"], capsys)
    assert expression == rows


def simulate_argv(*extra):
    return ["simulate", "--kernel", "exponential", "--d", "8", "--n", "30", "--seeds", "5", "--points", "3",
            "--energies", "1:1,2:0.5", "--noise", "0.1", *extra]  # fmt: skip


def test_simulate_table_and_progress(capsys):
    status, out, err = run(simulate_argv("--t-min", "1", "--t-max", "100"), capsys)
    assert status == 0
    assert "test sim" in out
    assert "train sim" in out
    assert "5 draws" in out
    assert "simulated 5/5 draws" in err


def test_simulate_csv_starts_at_initial_risk(capsys):
    status, out, err = run(simulate_argv("--format", "csv", "--t-min", "1e-9", "--quiet"), capsys)
    assert status == 0
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4
    # Near t = 0 the fit is f = 0 and the test risk is noise + energy = 1.6 in every draw.
    first = rows[0]
    assert float(first["test_simulated"]) == pytest.approx(1.6, rel=1e-6)
    assert float(first["test"]) == pytest.approx(1.6, rel=1e-6)
    assert rows[-1]["time"] == "inf"


def test_simulate_same_seed_same_draws(capsys):
    _, first, _ = run(simulate_argv("--format", "json", "--quiet", "--seed", "3"), capsys)
    _, again, _ = run(simulate_argv("--format", "json", "--quiet", "--seed", "3"), capsys)
    _, other, _ = run(simulate_argv("--format", "json", "--quiet", "--seed", "4"), capsys)
    assert json.loads(first) == json.loads(again)
    assert json.loads(first)["columns"]["test_simulated"] != json.loads(other)["columns"]["test_simulated"]


def test_pooled_batches_equal_direct_statistics():
    # Batch means and standard errors pooled must equal the statistics of all values at once.
    rng = np.random.default_rng(1)
    values = rng.normal(size=(11, 3))
    sizes = [3, 4, 4]
    splits = np.split(values, np.cumsum(sizes)[:-1])
    means = [batch.mean(axis=0) for batch in splits]
    errors = [batch.std(axis=0, ddof=1) / np.sqrt(len(batch)) for batch in splits]
    mean, error = pool_means(means, errors, sizes)
    np.testing.assert_allclose(mean, values.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(error, values.std(axis=0, ddof=1) / np.sqrt(11), rtol=1e-13)


@pytest.mark.parametrize(
    "argv",
    [
        ["curves", "--points", "3"],
        ["curves", "--points", "3", "--time-axis", "gamma"],
        ["spectrum", "--d", "10", "--max-degree", "6"],
        simulate_argv("--quiet"),
    ],
)
def test_plot_option_writes_png(capsys, tmp_path, argv):
    pytest.importorskip("matplotlib")
    path = tmp_path / "figure.png"
    status, out, err = run(argv + ["--plot", str(path)], capsys)
    assert status == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote figure {path}" in err
    assert out


def test_plot_without_matplotlib_is_one_sentence(capsys, monkeypatch, tmp_path):
    real_import = builtins.__import__

    def without_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_matplotlib)
    status, out, err = run(["spectrum", "--d", "5", "--plot", str(tmp_path / "x.png")], capsys)
    assert status == 2
    assert "pip install 'asymptotics[plot]'" in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_compare_default_pair(capsys):
    """exp(u) + 3 u^4 has more mass above degree 1 than exp(u), so at n = d^1.5 it
    halves its training risk first; at t = inf both interpolate (train 0) and the
    extra mass only raises the effective ridge, so its test risk is no lower."""
    status, out, _ = run(["compare", "--format", "json"], capsys)
    assert status == 0
    data = json.loads(out)
    meta, columns = data["meta"], data["columns"]
    assert meta["faster"] == "b"
    assert meta["halving_time_b"] < meta["halving_time_a"]
    assert meta["better_at_end"] is False
    assert columns["time"][-1] == "inf"
    assert columns["train_a"][-1] == 0.0
    assert columns["test_b"][-1] >= columns["test_a"][-1]


def test_compare_table_names_faster_kernel(capsys):
    status, out, _ = run(["compare", "--kernel-b", "relu_ntk", "--points", "4"], capsys)
    assert status == 0
    assert "a = exponential(scale=1), b = relu_ntk" in out
    assert "trains faster" in out


def test_compare_same_kernel_is_a_tie(capsys):
    status, out, _ = run(["compare", "--kernel-a", "exp(t)", "--kernel-b", "exp(t)", "--points", "3"], capsys)
    assert status == 0
    assert "neither kernel trains faster" in out


def test_compare_bad_kernel_names_option(capsys):
    status, _, err = run(["compare", "--kernel-a", "t^^2"], capsys)
    assert status == 2
    assert err.startswith("asymptotics: error: --kernel-a 't^^2' is not a valid kernel")
    assert err.count("\n") == 1


def test_spectrum_beyond_float_range_prints_values(capsys):
    # At d = 10^6 the eigenvalue of degree 200 (about 7e-830), B(d, 200) (about 1e825)
    # and d^200 xi_200 (about 7e370) all leave the float64 range; the table prints them
    # from logarithms and exact integers instead of failing or printing 0.
    status, out, err = run(["spectrum", "--d", "1000000", "--max-degree", "200", "--format", "csv"], capsys)
    assert status == 0
    assert "below the float64 range" in err
    last = list(csv.DictReader(io.StringIO(out)))[-1]
    assert last["degree"] == "200"
    mantissa, exponent = last["eigenvalue"].split("e")
    assert int(exponent) < -308
    assert float(mantissa) > 0
    assert int(last["multiplicity"]) == multiplicity(10**6, 200)
    assert 300 < int(last["scaled_eigenvalue"].split("e+")[1]) < 400
