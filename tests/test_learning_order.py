"""Learning order in the oracle and empirical worlds, at finite d and in the limit."""

import math

import pytest

from asymptotics import (
    Target,
    kernels,
    learned_degrees,
    learning_order,
    limit_learning_order,
    oracle_risk,
    spectrum,
)


def test_oracle_time_leaves_one_over_e():
    # Reference: oracle_risk of unit energy in one degree equals exp(-1) at 1/(2 xi).
    s = spectrum(kernels.exponential(), 50, max_degree=4)
    for row in learning_order(s, Target({}), n=10**4, degrees=[0, 1, 2]):
        assert row.oracle_time == pytest.approx(1 / (2 * s.eigenvalues[row.degree]), rel=1e-15)
        residual = oracle_risk(s, Target({row.degree: 1.0}), row.oracle_time)[0]
        assert residual == pytest.approx(math.exp(-1), rel=1e-14)


def test_empirical_time_approaches_oracle_time():
    # n = d^2.5: degrees 0..2 are learned; the empirical delay over 1/(2 xi)
    # shrinks with d (the spike of K/n sits at xi + T/n, with B(d, k)/n -> 0).
    delays = []
    for d in [100, 1000, 10000]:
        s = spectrum(kernels.exponential(), d, max_degree=5)
        rows = {r.degree: r for r in learning_order(s, Target({}, noise=0.1), d**2.5)}
        assert all(math.isfinite(rows[k].empirical_time) for k in (0, 1, 2))
        assert all(math.isinf(rows[k].empirical_time) for k in (3, 4, 5))
        delays.append(rows[2].empirical_time / rows[2].oracle_time - 1)
    assert delays[0] > delays[1] > delays[2] > 0
    assert delays[2] < 0.005


def test_zero_eigenvalues_are_never_learned():
    s = spectrum(kernels.relu_ntk(), 100, max_degree=6)
    rows = {r.degree: r for r in learning_order(s, Target({}), 10**7)}
    for k in (3, 5):
        assert rows[k].eigenvalue == 0
        assert math.isinf(rows[k].oracle_time)
        assert math.isinf(rows[k].empirical_time)
    order = [r.degree for r in learning_order(s, Target({}), 10**7)]
    assert order == [0, 1, 2, 4, 6, 3, 5]


def test_learned_degrees_follow_times():
    s = spectrum(kernels.exponential(), 100, max_degree=4)
    order = learning_order(s, Target({}), n=10**3)
    oracle, empirical = learned_degrees(order, [0.1, 1.0, 1e3, 1e5, 1e9])
    assert oracle == [(), (0,), (0, 1), (0, 1, 2), (0, 1, 2, 3, 4)]
    assert empirical == [(), (0,), (0, 1), (0, 1), (0, 1)]


def test_late_eigenvalue_missed_at_finite_d():
    # h = u^4 + u^5/2 at alpha = 2.5: xi_2 ~ 12/d^3 lies below the effective ridge
    # T/n ~ d^-2.5, so even at degree 2 <= l the interpolant keeps more than 1/e.
    kernel = kernels.polynomial([0, 0, 0, 0, 1, 0.5])
    rows = {r.degree: r for r in limit_learning_order(kernel, 2.5, 4)}
    assert rows[2].exponent == 3
    assert not rows[2].empirical
    d = 1000
    s = spectrum(kernel, d, exact=False)
    finite = {r.degree: r for r in learning_order(s, Target({}), d**2.5, degrees=[2])}
    assert math.isinf(finite[2].empirical_time)
    assert finite[2].empirical_final > math.exp(-1)


def test_limit_order_exponential():
    rows = limit_learning_order(kernels.exponential(), 1.5, 3)
    assert [(r.degree, r.exponent, r.empirical) for r in rows] == [
        (0, 0, True),
        (1, 1, True),
        (2, 2, False),
        (3, 3, False),
    ]
    assert [r.constant for r in rows] == pytest.approx([1.0, 1.0, 1.0, 1.0], rel=1e-15)


def test_learning_order_rejects_degree_outside_spectrum():
    s = spectrum(kernels.exponential(), 20, max_degree=3)
    with pytest.raises(ValueError, match="degree 7"):
        learning_order(s, Target({}), 100, degrees=[7])
