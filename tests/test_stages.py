"""Stage boundaries at finite d and the d -> inf stage table."""

import math
from fractions import Fraction

import numpy as np
import pytest

from asymptotics import Target, kernels, multiplicity, spectrum
from asymptotics.empirical import empirical_risk
from asymptotics.oracle import oracle_risk
from asymptotics.limits import limit_stages, stage_of, stages


def test_boundaries_of_cubic_kernel_are_exact():
    # h = (1 + u)^3 at d = 12 has exact rational eigenvalues; with n = 80 the
    # learnable degree is 1 (N(12, <=1) = 13 <= 80 < N(12, <=2) = 90).
    d, n = 12, 80
    s = spectrum(kernels.polynomial([1, 3, 3, 1]), d, exact=True)
    report = stages(s, Target({1: 1.0, 2: 1.0}, noise=0.1), n)
    assert report.learnable_degree == 1
    tail = Fraction(8) - s.eigenvalues[0] - multiplicity(d, 1) * s.eigenvalues[1]
    assert report.t1 == pytest.approx(n / (2 * float(tail)), rel=1e-14)
    assert report.next_degree == 2
    assert report.t2 == pytest.approx(1 / (2 * float(s.eigenvalues[2])), rel=1e-14)


def test_next_degree_skips_zero_eigenvalues():
    # ReLU NTK: xi_3 = 0, so with l = 2 the oracle leaves the test curve at degree 4.
    d = 30
    s = spectrum(kernels.relu_ntk(), d)
    report = stages(s, Target({1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}, noise=0.0), 2000)
    assert report.learnable_degree == 2
    assert report.next_degree == 4
    assert report.oracle_floor == 1.0


def test_curves_separate_at_boundaries():
    # Exponential kernel, d = 1000, n = d^1.5: train leaves test around t1 and the
    # oracle leaves test around t2. The factors below follow from
    # exp(-2 T t / n) at t = t1/10 (0.82) and t = 10 t1 (2e-9), and from the
    # degree-2 oracle term 1 - exp(-2 xi_2 t) at t2/10 (0.095) and 10 t2 (1).
    d = 1000
    n = d**1.5
    target = Target({1: 1.0, 2: 1.0}, noise=0.2)
    s = spectrum(kernels.exponential(), d)
    report = stages(s, target, n)
    assert report.has_second_stage
    times = np.array([report.t1 / 10, 10 * report.t1, report.t2 / 10, 10 * report.t2])
    empirical = empirical_risk(s, target, n, times)
    oracle = oracle_risk(s, target, times)
    plateau = report.plateau
    assert empirical.train[0] > 0.75 * empirical.test[0]
    assert empirical.train[1] < 1e-3 * empirical.test[1]
    assert empirical.test[2] - oracle[2] < 0.15
    assert empirical.test[3] - oracle[3] > 0.9
    assert empirical.test[3] == pytest.approx(plateau, rel=0.05)


def test_stage_labels_follow_boundaries():
    s = spectrum(kernels.exponential(), 200)
    report = stages(s, Target({1: 1.0, 2: 1.0}), 200**1.5)
    times = [report.t1 / 2, report.middle_time, report.t2 * 2, math.inf]
    assert stage_of(report, times).tolist() == [1, 2, 3, 3]


def test_stages_reject_degree_beyond_spectrum():
    s = spectrum(kernels.exponential(), 10, max_degree=2)
    with pytest.raises(ValueError, match="max_degree"):
        stages(s, Target({1: 1.0}), 10**4)


def test_limit_table_for_relu_ntk():
    # Leading-order stage table: oracle staircase sigma^2 + energy above floor(gamma),
    # test stops at l = 1, train falls to 0 after gamma = alpha.
    rows = limit_stages(kernels.relu_ntk(), Target({1: 1.0, 2: 1.0, 3: 1.0}, 0.25), 1.5)
    table = [(r.gamma_low, r.gamma_high, r.stage, r.oracle, r.test, r.train) for r in rows]
    assert table == [
        (0.0, 1.0, 1, 3.25, 3.25, 3.25),
        (1.0, 1.5, 1, 2.25, 2.25, 2.25),
        (1.5, 2.0, 2, 2.25, 2.25, 0.0),
        (2.0, math.inf, 3, 1.25, 2.25, 0.0),
    ]


def test_limit_table_low_rank_kernel_keeps_training_risk():
    # h = u + u^2 has no mass above degree 2: with alpha = 2.5 nothing interpolates.
    rows = limit_stages(kernels.polynomial([0, 1, 1]), Target({1: 1.0, 3: 1.0}, 0.5), 2.5)
    last = rows[-1]
    assert last.train == last.test == 1.5


@pytest.mark.parametrize("alpha", [2.0, 0.0, -1.5, math.nan])
def test_limit_table_rejects_bad_alpha(alpha):
    with pytest.raises((ValueError, TypeError), match="alpha"):
        limit_stages(kernels.relu_ntk(), Target({1: 1.0}), alpha)


@pytest.mark.parametrize("gamma, row", [(0.5, 0), (1.75, 2), (2.5, 3)])
def test_finite_d_curves_approach_limit(gamma, row):
    # d = 10^6, n = d^1.5, h = e^u (h^(k)(0) = 1, so xi_k ~ d^-k): at t = d^gamma each
    # exponential exp(-2 xi_k t) or exp(-2 T t / n) is 0 or 1 up to at most
    # 1 - exp(-2 d^-0.25) = 0.061, the degree-2 oracle term at gamma = 1.75, so the
    # finite-d curves lie within 0.07 of the table.
    d = 10**6
    kernel = kernels.exponential()
    target = Target({1: 1.0, 2: 1.0}, noise=0.25)
    limit = limit_stages(kernel, target, 1.5)[row]
    assert limit.gamma_low < gamma < limit.gamma_high
    s = spectrum(kernel, d, max_degree=6)
    t = float(d) ** gamma
    empirical = empirical_risk(s, target, d**1.5, t)
    assert oracle_risk(s, target, t)[0] == pytest.approx(limit.oracle, abs=0.07)
    assert empirical.test[0] == pytest.approx(limit.test, abs=0.07)
    assert empirical.train[0] == pytest.approx(limit.train, abs=0.07)
