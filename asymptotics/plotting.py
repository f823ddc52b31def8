"""Figures of risk curves, spectra and learning curves (needs matplotlib).

matplotlib is an optional dependency, installed with
``pip install 'asymptotics[plot]'``; it is imported only when a figure is
drawn. Every function draws on the axes it is given, or on a new
:class:`matplotlib.figure.Figure` that is not registered with pyplot, so no
display is needed. Save it with ``ax.figure.savefig(path)``.

The conventions are the package's: time is gradient-flow time on half the
squared loss with the empirical loss averaged over ``n``, and test and oracle
risk include the label noise.
"""

from __future__ import annotations

import math

import numpy as np

from .harmonics import cumulative_dimension

__all__ = ["plot_risk", "plot_spectrum", "plot_learning_curve"]

INSTALL_HINT = "pip install 'asymptotics[plot]'"
# Fill colours of stages 1, 2 and 3, light enough to keep the curves readable.
STAGE_COLOURS = ("#dbe9f6", "#fde2c8", "#d9f0d3")
CURVE_STYLES = {
    "oracle": {"color": "#1b9e77", "linestyle": "--"},
    "test": {"color": "#d95f02", "linestyle": "-"},
    "train": {"color": "#7570b3", "linestyle": "-."},
}


def _new_axes(ax, size=(6.4, 4.2)):
    """Return ``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"plotting needs matplotlib; install it with {INSTALL_HINT}") from None
    figure = Figure(figsize=size, layout="constrained")
    return figure.subplots()


def _log_d(values, d):
    return np.log(values) / math.log(d)


def plot_risk(
    t,
    *,
    oracle=None,
    test=None,
    train=None,
    report=None,
    simulation=None,
    time_axis="t",
    ax=None,
    title=None,
):
    """Plot risk curves over time, with the three stages shaded and their boundaries marked.

    Parameters
    ----------
    t : array_like
        Times, in gradient-flow time (half the squared loss, empirical loss
        averaged over ``n``). Times that are 0 or infinite are skipped, as a
        logarithmic axis cannot show them.
    oracle, test, train : array_like, optional
        Curves over ``t``, such as from :func:`asymptotics.oracle_risk` and
        :func:`asymptotics.empirical_risk`. Test and oracle risk include the
        noise.
    report : StageReport, optional
        From :func:`asymptotics.stages`. Stage 1 (``t < t1``), stage 2
        (``t1 <= t < t2``) and stage 3 (``t >= t2``) are shaded, the
        boundaries drawn as dotted lines and the test plateau as a thin line.
    simulation : SimulationResult, optional
        From :func:`asymptotics.simulate`: its mean test and training risk
        are drawn as points with error bars of one standard error.
    time_axis : {"t", "gamma"}
        ``"t"`` plots against ``t`` on a log axis. ``"gamma"`` plots against
        ``gamma = log t / log d``, which needs ``report`` (for ``d``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made when omitted.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If ``time_axis`` is unknown, ``"gamma"`` is requested without
        ``report``, or a curve's length differs from that of ``t``.

    Examples
    --------
    >>> import numpy as np
    >>> from asymptotics import Target, empirical_risk, kernels, spectrum, stages
    >>> spec = spectrum(kernels.relu_ntk(), d=30)
    >>> target = Target({1: 1.0, 2: 1.0}, noise=0.1)
    >>> t = np.geomspace(0.1, 1e5, 40)
    >>> risk = empirical_risk(spec, target, n=200, t=t)
    >>> ax = plot_risk(t, test=risk.test, train=risk.train, report=stages(spec, target, 200))
    >>> ax.get_xscale()
    'log'
    """
    if time_axis not in ("t", "gamma"):
        raise ValueError(f"time_axis must be 't' or 'gamma', got {time_axis!r}")
    if time_axis == "gamma" and report is None:
        raise ValueError("time_axis='gamma' needs report, which gives the dimension d")
    times = np.asarray(t, dtype=float)
    shown = np.isfinite(times) & (times > 0)
    ax = _new_axes(ax)
    to_axis = (lambda x: _log_d(x, report.d)) if time_axis == "gamma" else (lambda x: x)

    x = to_axis(times[shown])
    low, high = (x.min(), x.max()) if x.size else (None, None)
    if report is not None and low is not None:
        _shade_stages(ax, report, to_axis, low, high, logarithmic=time_axis == "t")

    for label, curve in (("oracle", oracle), ("test", test), ("train", train)):
        if curve is None:
            continue
        values = np.asarray(curve, dtype=float)
        if values.shape != times.shape:
            raise ValueError(f"{label} has shape {values.shape}, but t has shape {times.shape}")
        ax.plot(x, values[shown], label=label, linewidth=1.8, **CURVE_STYLES[label])

    if simulation is not None:
        _plot_simulation(ax, simulation, to_axis)

    ax.set_yscale("log")
    highest = [oracle, test, train] + ([simulation.test] if simulation is not None else [])
    _limit_risk_axis(ax, [oracle, test], highest, shown)
    if time_axis == "gamma":
        ax.set_xlabel(f"gamma = log t / log d  (d = {report.d})")
    else:
        ax.set_xscale("log")
        ax.set_xlabel("time t (gradient flow on half the squared loss, averaged over n)")
    ax.set_ylabel("risk (test and oracle include the noise)")
    if low is not None:
        ax.set_xlim(low, high)
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small", framealpha=0.9)
    return ax


def _limit_risk_axis(ax, lowest, highest, shown):
    """Show three decades below the largest risk, or down to the lowest test or oracle risk.

    A training risk that keeps falling towards 0 would otherwise stretch the
    axis over rounding noise and flatten the curves that matter.
    """
    tops = [np.nanmax(np.asarray(c, dtype=float)) for c in highest if c is not None]
    tops = [value for value in tops if np.isfinite(value) and value > 0]
    if not tops:
        return
    top = 2 * max(tops)
    bottom = 1e-3 * top
    for curve in lowest:
        if curve is None:
            continue
        values = np.asarray(curve, dtype=float)[shown]
        positive = values[values > 0]
        if positive.size:
            bottom = min(bottom, positive.min() / 3)
    ax.set_ylim(bottom, top)


def _shade_stages(ax, report, to_axis, low, high, logarithmic):
    """Shade the three stages between ``low`` and ``high`` (axis units) and mark t1 and t2."""
    t1 = to_axis(report.t1) if math.isfinite(report.t1) else math.inf
    t2 = to_axis(report.t2) if math.isfinite(report.t2) else math.inf
    # Stage 3 starts at t2 whether or not stage 2 exists (t1 >= t2 leaves it empty).
    windows = ((low, min(t1, t2)), (t1, t2), (t2, high))
    for stage, (start, stop) in enumerate(windows, start=1):
        start, stop = max(start, low), min(stop, high)
        if stop > start:
            ax.axvspan(start, stop, color=STAGE_COLOURS[stage - 1], zorder=0, linewidth=0)
            middle = math.sqrt(start * stop) if logarithmic else 0.5 * (start + stop)
            ax.text(
                middle,
                0.98,
                f"stage {stage}",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize="small",
                color="0.3",
            )
    for name, boundary, height in (("t1", t1, 0.02), ("t2", t2, 0.08)):
        if low <= boundary <= high:
            ax.axvline(boundary, color="0.35", linestyle=":", linewidth=1)
            ax.text(
                boundary,
                height,
                f" {name}",
                transform=ax.get_xaxis_transform(),
                fontsize="small",
                color="0.25",
            )
    ax.axhline(report.plateau, color="0.6", linewidth=0.8, zorder=1, label="test plateau")


def _plot_simulation(ax, simulation, to_axis):
    """Draw the simulated mean test and training risk with one standard error."""
    times = np.asarray(simulation.times, dtype=float)
    shown = np.isfinite(times) & (times > 0)
    x = to_axis(times[shown])
    for label, mean, error, marker in (
        ("test", simulation.test, simulation.test_error, "o"),
        ("train", simulation.train, simulation.train_error, "s"),
    ):
        ax.errorbar(
            x,
            np.asarray(mean)[shown],
            yerr=np.asarray(error)[shown],
            fmt=marker,
            markersize=4,
            capsize=2,
            color=CURVE_STYLES[label]["color"],
            label=f"{label}, simulation ({simulation.seeds} draws, n = {simulation.n})",
        )


def plot_spectrum(spectrum, *, ax=None, title=None):
    """Plot the eigenvalue ``xi_{d,k}`` and the degree mass ``B(d, k) xi_{d,k}`` per degree.

    Exact zero eigenvalues cannot sit on a log axis, so they are marked by
    crosses along the bottom edge instead of being dropped.

    Parameters
    ----------
    spectrum : Spectrum
        From :func:`asymptotics.spectrum`; eigenvalues under the uniform
        probability measure on the sphere.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made when omitted.
    title : str, optional
        Title of the axes; defaults to the dimension.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from asymptotics import kernels, spectrum
    >>> ax = plot_spectrum(spectrum(kernels.relu_ntk(), d=20, max_degree=8))
    >>> ax.get_yscale()
    'log'
    """
    ax = _new_axes(ax)
    degrees = np.arange(spectrum.max_degree + 1)
    # log_eigenvalues keeps eigenvalues below the float64 range; zeros are -inf.
    log_xi = np.asarray(spectrum.log_eigenvalues, dtype=float)
    positive = np.isfinite(log_xi)
    log_mass = log_xi + np.array([math.log(float(b)) for b in spectrum.multiplicities])
    ax.plot(degrees[positive], np.exp(log_xi[positive]), "o-", label="eigenvalue xi_k")
    ax.plot(degrees[positive], np.exp(log_mass[positive]), "s--", label="degree mass B(d, k) xi_k")
    if (~positive).any():
        ax.plot(
            degrees[~positive],
            np.zeros((~positive).sum()),
            "x",
            color="0.3",
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            label="xi_k = 0 exactly",
        )
    ax.set_yscale("log")
    ax.set_xlabel("degree k")
    ax.set_ylabel("eigenvalue (uniform probability measure)")
    ax.set_xticks(degrees)
    ax.set_title(title if title is not None else f"spectrum at d = {spectrum.d}")
    ax.legend(fontsize="small")
    return ax


def plot_learning_curve(n, curves, *, d=None, ax=None, title=None, ylabel=None):
    """Plot risks over the number of samples ``n``, marking ``n = N(d, <= l)``.

    Parameters
    ----------
    n : array_like
        Sample sizes, positive.
    curves : mapping of str to array_like
        Label to risk values over ``n``, such as test risks at ``t = inf``
        or at several ridges.
    d : int, optional
        Dimension. When given, vertical lines mark
        ``n = N(d, <= l) = sum_{k <= l} B(d, k)`` inside the plotted range,
        where the peaks of multiple descent sit.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made when omitted.
    title, ylabel : str, optional
        Title and y label of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_learning_curve([10, 100, 1000], {"test": [1.0, 0.5, 0.3]}, d=10)
    >>> ax.get_xscale()
    'log'
    """
    samples = np.asarray(n, dtype=float)
    if samples.ndim != 1 or not np.all(samples > 0):
        raise ValueError("n must be a one-dimensional array of positive sample sizes")
    ax = _new_axes(ax)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.shape != samples.shape:
            raise ValueError(f"curve {label!r} has shape {values.shape}, but n has shape {samples.shape}")
        ax.plot(samples, values, label=label, linewidth=1.6)
    if d is not None:
        for degree in range(0, 64):
            boundary = cumulative_dimension(d, degree)
            if boundary > samples.max():
                break
            if boundary >= samples.min():
                ax.axvline(boundary, color="0.5", linestyle=":", linewidth=1)
                ax.text(boundary, 0.98, f" N(d,<={degree})", transform=ax.get_xaxis_transform(),
                        va="top", fontsize="x-small", color="0.3")  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of samples n")
    ax.set_ylabel(ylabel if ylabel is not None else "test risk (includes the noise)")
    if title is not None:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return ax
