"""The three stages of gradient flow: finite-``d`` boundaries and the ``d -> inf`` table.

With ``n`` samples the empirical world can learn the degrees up to ``l``, the
largest degree with ``N(d, <=l) <= n``. The curves then go through three
stages (Ghosh, Mei and Yu, arXiv 2111.07167):

1. ``t < t1``: oracle, test and training risk agree;
2. ``t1 < t < t2``: the training risk falls to zero while test and oracle risk
   still agree (the deep bootstrap);
3. ``t > t2``: the oracle keeps learning degrees above ``l``; the test risk
   stays on its plateau ``sigma^2 + sum_{k > l} ||P_k f_*||^2``.

At finite ``d``: ``t1 = n / (2 T_{>l})`` with ``T_{>l}`` the kernel trace above
degree ``l``, and ``t2 = 1 / (2 xi_{d,k*})`` with ``k*`` the degree above ``l``
with the largest positive eigenvalue among those carrying target energy
(usually ``l + 1``). These are the times where the relevant exponential
``exp(-2 T_{>l} t / n)`` or ``exp(-2 xi_{d,k*} t)`` equals ``1/e``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._levels import check_pair, eigenvalue_of
from ._validation import check_sample_size, check_times
from .empirical import empirical_risk
from .harmonics import learnable_degree
from .limit_curves import _Limit, limit_curves
from .oracle import oracle_risk

__all__ = ["StageReport", "LimitStage", "stages", "stage_of", "limit_stages"]

@dataclass(frozen=True)
class StageReport:
    """Stage boundaries and plateaus of one ``(kernel, d, n, target)``.

    Attributes
    ----------
    d, n : int, float
        Dimension and sample size.
    learnable_degree : int
        ``l``: the largest degree with ``N(d, <=l) <= n``.
    next_degree : int or None
        ``k*``: the degree whose oracle learning ends stage 2 (None if no
        degree above ``l`` has a positive eigenvalue within the spectrum).
    next_degree_energy : float
        Target energy in degree ``k*``; 0 when no degree above ``l`` that
        carries energy can be learned, so the oracle stays on the plateau.
    tail_trace : float
        ``T_{>l} = h(1) - sum_{k <= l} B(d, k) xi_{d,k}``.
    t1, t2 : float
        Start of stage 2 (``n / (2 T_{>l})``) and of stage 3
        (``1 / (2 xi_{d,k*})``), in gradient-flow time (half squared loss,
        empirical loss averaged over ``n``). ``inf`` when the stage never starts.
    plateau : float
        Leading-order test risk in stages 2 and 3: ``sigma^2`` plus the energy
        above degree ``l`` and on degrees with ``xi_{d,k} = 0`` (noise included).
    oracle_floor : float
        ``sigma^2`` plus the energy on degrees with ``xi_{d,k} = 0``: the
        oracle risk at ``t = inf``.
    middle_time : float
        ``sqrt(t1 t2)``, the middle of stage 2 on a log scale (nan when there
        is no stage 2).
    middle_test, middle_oracle, middle_train : float
        Deterministic-equivalent test, oracle and training risk at
        ``middle_time``.
    final_test : float
        Deterministic-equivalent test risk at ``t = inf``.
    """

    d: int
    n: float
    learnable_degree: int
    next_degree: object
    next_degree_energy: float
    tail_trace: float
    t1: float
    t2: float
    plateau: float
    oracle_floor: float
    middle_time: float
    middle_test: float
    middle_oracle: float
    middle_train: float
    final_test: float

    @property
    def has_second_stage(self):
        """Whether ``t1 < t2``: the training risk falls before the oracle moves on."""
        return self.t1 < self.t2


def stages(spectrum, target, n):
    """Compute the finite-``d`` stage boundaries and plateaus.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel in dimension ``d``.
    target : Target
        Degree energies and label noise.
    n : float
        Number of samples, ``>= 1``.

    Returns
    -------
    StageReport

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.relu_ntk(), d=100)
    >>> report = stages(s, Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25), n=1000)
    >>> report.learnable_degree, report.next_degree
    (1, 2)
    >>> bool(report.t1 < report.t2)
    True
    """
    check_pair(spectrum, target)
    n = check_sample_size(n)
    degree = learnable_degree(spectrum.d, int(n))
    if degree >= spectrum.max_degree:
        raise ValueError(
            f"n = {n} samples learn degrees up to {degree} at d = {spectrum.d}; compute the "
            f"spectrum with max_degree > {degree} (now {spectrum.max_degree})"
        )
    eigenvalues = np.exp(spectrum.log_eigenvalues)
    masses = np.asarray(spectrum.degree_masses, dtype=float)
    tail_trace = float(spectrum.tail_trace) + float(masses[degree + 1 :].sum())
    t1 = n / (2 * tail_trace) if tail_trace > 0 else math.inf

    next_degree = _next_degree(eigenvalues, target, degree)
    t2 = 1 / (2 * float(eigenvalues[next_degree])) if next_degree is not None else math.inf
    plateau = target.noise + sum(
        e for k, e in target.energies.items() if k > degree or eigenvalue_of(spectrum, k) == 0
    )
    oracle_floor = target.noise + sum(
        e for k, e in target.energies.items() if eigenvalue_of(spectrum, k) == 0
    )

    middle_time = math.sqrt(t1 * t2) if t1 < t2 and math.isfinite(t2) else math.nan
    times = [middle_time if math.isfinite(middle_time) else 0.0, math.inf]
    empirical = empirical_risk(spectrum, target, n, times)
    oracle = oracle_risk(spectrum, target, times)
    middle = [
        float(curve[0]) if math.isfinite(middle_time) else math.nan
        for curve in (empirical.test, oracle, empirical.train)
    ]
    return StageReport(
        spectrum.d, n, degree, next_degree, target.energy(next_degree) if next_degree is not None else 0.0,
        tail_trace, t1, t2, plateau, oracle_floor,
        middle_time, *middle, float(empirical.test[1]),
    )  # fmt: skip


def _next_degree(eigenvalues, target, degree):
    """Degree above ``degree`` with the largest positive eigenvalue, preferring target degrees."""
    above = [k for k in range(degree + 1, len(eigenvalues)) if eigenvalues[k] > 0]
    with_energy = [k for k in above if target.energy(k) > 0]
    candidates = with_energy or above
    if not candidates:
        return None
    return max(candidates, key=lambda k: (eigenvalues[k], -k))


def stage_of(report, t):
    """Stage (1, 2 or 3) of each time.

    Stage 3 starts at ``t2`` whether or not stage 2 exists; stage 2 is the
    window ``t1 <= t < t2``.

    Parameters
    ----------
    report : StageReport
        From :func:`stages`.
    t : float or array_like
        Times ``>= 0``.

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> report = stages(spectrum(kernels.relu_ntk(), d=100), Target({1: 1.0, 2: 1.0}), n=1000)
    >>> stage_of(report, [1.0, report.middle_time, 1e9]).tolist()
    [1, 2, 3]
    """
    times = check_times(t)
    # A boundary at inf is never reached, also not at t = inf (inf >= inf is true).
    stage = np.where((times >= report.t1) & math.isfinite(report.t1), 2, 1)
    return np.where((times >= report.t2) & math.isfinite(report.t2), 3, stage)


@dataclass(frozen=True)
class LimitStage:
    """One row of the ``d -> inf`` stage table, for ``t = d^gamma`` and ``n = d^alpha``.

    Attributes
    ----------
    gamma_low, gamma_high : float
        The open interval of time exponents ``gamma`` the row covers.
    stage : int
        1, 2 or 3.
    oracle, test, train : float
        Limits of the oracle, test (noise included) and training risk in the
        interval.
    """

    gamma_low: float
    gamma_high: float
    stage: int
    oracle: float
    test: float
    train: float


def limit_stages(kernel, target, alpha):
    """Leading-order stage table as ``d -> inf`` with ``n = d^alpha``, ``t = d^gamma``.

    Each degree ``k`` with ``h^{(k)}(0) > 0`` is learned by the oracle at
    ``gamma = k`` (in general at the exponent of :func:`limit_rates`); the
    empirical world stops at ``l = floor(alpha)`` and its training risk falls to
    0 at ``gamma = alpha`` when the kernel has mass above degree ``l``
    (``T^inf_{>l} = h(1) - sum_{k <= l} a_k > 0``). The rows are the plateaus
    of :func:`limit_curves`.

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients ``a_k = h^{(k)}(0)/k!``.
    target : Target
        Degree energies (held fixed as ``d`` grows) and noise.
    alpha : float
        Sample exponent, positive and not an integer (at integer exponents the
        polynomial-regime formulas apply instead).

    Returns
    -------
    list of LimitStage
        Rows ordered by ``gamma``, split at ``alpha`` and at every learning
        exponent where a limit changes; the last row extends to
        ``gamma = inf``.

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> rows = limit_stages(kernels.relu_ntk(), Target({1: 1.0, 2: 1.0, 3: 1.0}, 0.25), 1.5)
    >>> [(r.gamma_low, r.gamma_high, r.stage, r.oracle, r.test, r.train) for r in rows][:3]
    [(0.0, 1.0, 1, 3.25, 3.25, 3.25), (1.0, 1.5, 1, 2.25, 2.25, 2.25), (1.5, 2.0, 2, 2.25, 2.25, 0.0)]
    """
    limit = _Limit(kernel, target, alpha)
    exponents = {r.exponent for r in limit.rates if math.isfinite(r.exponent)}
    cuts = sorted(exponents | {0.0, limit.alpha})
    rows = []
    for low, high in zip(cuts, cuts[1:] + [math.inf]):
        # Interior point of the interval (low, high): the limits are constant there.
        inside = low + 0.5 if math.isinf(high) else (low + high) / 2
        curves = limit_curves(kernel, target, alpha, inside)
        values = (int(curves.stage[0]), float(curves.oracle[0]), float(curves.test[0]),
                  float(curves.train[0]))  # fmt: skip
        if rows and (rows[-1].stage, rows[-1].oracle, rows[-1].test, rows[-1].train) == values:
            # Same limits on both sides of a cut (a degree without energy): one row.
            rows[-1] = LimitStage(rows[-1].gamma_low, float(high), *values)
        else:
            rows.append(LimitStage(float(low), float(high), *values))
    return rows
