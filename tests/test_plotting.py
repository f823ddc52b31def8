"""Figures: rendered to PNG with the Agg backend, and the drawn data checked."""

import builtins
import importlib

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from asymptotics import Target, empirical_risk, kernels, oracle_risk, plotting, spectrum, stages  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    spec = spectrum(kernels.exponential(), d=30)
    target = Target({1: 1.0, 2: 1.0}, noise=0.1)
    t = np.append(np.geomspace(0.1, 1e5, 50), np.inf)
    risk = empirical_risk(spec, target, n=200, t=t)
    return spec, target, t, risk, stages(spec, target, 200)


def assert_png(path):
    with open(path, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_risk_figure_renders_with_stages(problem, tmp_path):
    spec, target, t, risk, report = problem
    ax = plotting.plot_risk(
        t, oracle=oracle_risk(spec, target, t), test=risk.test, train=risk.train, report=report
    )
    path = tmp_path / "risk.png"
    ax.figure.savefig(path)
    assert_png(path)
    labels = [line.get_label() for line in ax.get_lines()]
    assert {"oracle", "test", "train"} <= set(labels)
    # The t = inf row is left out of the log axis.
    test_line = next(line for line in ax.get_lines() if line.get_label() == "test")
    assert len(test_line.get_xdata()) == len(t) - 1
    # One shaded window per stage and one dotted line per boundary.
    assert len(ax.patches) == 3
    boundaries = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert boundaries == pytest.approx([report.t1, report.t2])


def test_risk_figure_gamma_axis(problem):
    _, _, t, risk, report = problem
    ax = plotting.plot_risk(t, test=risk.test, report=report, time_axis="gamma")
    x = ax.get_lines()[-1].get_xdata()
    finite = t[np.isfinite(t)]
    np.testing.assert_allclose(x, np.log(finite) / np.log(30))


def test_risk_figure_simulation_points(problem, tmp_path):
    from asymptotics import simulate

    spec, target, _, _, report = problem
    times = [0.0, 1.0, 100.0, np.inf]
    result = simulate(kernels.exponential(), 30, 200, target, times, seeds=2)
    ax = plotting.plot_risk(times, test=oracle_risk(spec, target, times), simulation=result)
    ax.figure.savefig(tmp_path / "simulation.png")
    # Two error-bar containers (test and train), each with the two finite positive times.
    assert len(ax.containers) == 2
    assert len(ax.containers[0].lines[0].get_xdata()) == 2


def test_risk_figure_rejects_bad_input(problem):
    _, _, t, risk, _ = problem
    with pytest.raises(ValueError, match="time_axis"):
        plotting.plot_risk(t, test=risk.test, time_axis="log")
    with pytest.raises(ValueError, match="report"):
        plotting.plot_risk(t, test=risk.test, time_axis="gamma")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_risk(t, test=risk.test[:3])


def test_spectrum_figure_marks_exact_zeros(tmp_path):
    spec = spectrum(kernels.from_expression("cosh(t)"), d=20, max_degree=8)
    ax = plotting.plot_spectrum(spec)
    ax.figure.savefig(tmp_path / "spectrum.png")
    assert_png(tmp_path / "spectrum.png")
    zeros = next(line for line in ax.get_lines() if line.get_label() == "xi_k = 0 exactly")
    # cosh is even, so every odd degree has an exactly zero eigenvalue.
    assert list(zeros.get_xdata()) == [1, 3, 5, 7]
    eigenvalues = ax.get_lines()[0]
    assert list(eigenvalues.get_xdata()) == [0, 2, 4, 6, 8]


def test_learning_curve_marks_cumulative_dimensions(tmp_path):
    # N(10, <=1) = 11 and N(10, <=2) = 65 lie inside [5, 100].
    ax = plotting.plot_learning_curve([5, 20, 100], {"test": [1.0, 0.8, 0.4]}, d=10)
    ax.figure.savefig(tmp_path / "curve.png")
    marks = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert marks == [11, 65]
    with pytest.raises(ValueError, match="positive"):
        plotting.plot_learning_curve([0, 1], {"test": [1, 1]})


def test_missing_matplotlib_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def without_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_matplotlib)
    module = importlib.reload(plotting)
    with pytest.raises(ImportError, match=r"pip install 'asymptotics\[plot\]'"):
        module.plot_spectrum(spectrum(kernels.exponential(), d=5, max_degree=3))
