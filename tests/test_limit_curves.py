"""Limit curves as d -> inf: learning exponents, plateaus and transition shapes."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from asymptotics import (
    Kernel,
    Target,
    empirical_risk,
    kernels,
    limit_curves,
    limit_rates,
    limit_stages,
    oracle_risk,
    spectrum,
    stages,
)


def test_rates_of_quartic_monomial_are_exact():
    # h = u^4: xi_0 = 3/(d(d+2)), xi_2 = 12/(d(d+2)(d+4)), xi_4 = 24/(d(d+2)(d+4)(d+6))
    # (closed forms), odd degrees 0.
    rates = limit_rates(kernels.polynomial([0, 0, 0, 0, 1]), 5)
    assert [r.exponent for r in rates] == [2, math.inf, 3, math.inf, 4, math.inf]
    assert [r.constant for r in rates] == [3.0, 0.0, 12.0, 0.0, 24.0, 0.0]


def test_rates_of_relu_ntk():
    # h^(k)(0) of the ReLU NTK: 1/pi, 1, 3/pi, 0 (odd part is u), 5/pi.
    rates = limit_rates(kernels.relu_ntk(), 4)
    assert [r.exponent for r in rates] == [0, 1, 2, math.inf, 4]
    expected = [1 / math.pi, 1.0, 3 / math.pi, 0.0, 5 / math.pi]
    assert [r.constant for r in rates] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("kernel", [kernels.exponential(), kernels.relu_ntk()])
def test_rates_match_large_d_spectrum(kernel):
    # d^k xi_{d,k} -> c_k with relative corrections O(k^2/d); at d = 10^5 they are below 2e-4.
    d = 10**5
    s = spectrum(kernel, d, max_degree=4)
    for rate in limit_rates(kernel, 4):
        if math.isinf(rate.exponent):
            assert s.log_eigenvalues[rate.degree] == -np.inf
            continue
        scaled = math.exp(s.log_eigenvalues[rate.degree] + rate.exponent * math.log(d))
        assert scaled == pytest.approx(rate.constant, rel=2e-4)


def test_rates_reject_negative_leading_coefficient():
    with pytest.raises(ValueError, match="not positive semidefinite"):
        limit_rates(kernels.polynomial([1, -1]), 2)


def test_curves_reproduce_stage_table():
    # ReLU NTK, energies 1 in degrees 1..3, noise 0.25, alpha = 1.5: the
    # oracle staircase 3.25 -> 2.25 -> 1.25 (degree 3 never learned: xi_3 = 0),
    # the test curve stops at 2.25, the training risk drops to 0 after alpha.
    target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    curves = limit_curves(kernels.relu_ntk(), target, 1.5, [0.5, 1.2, 1.7, 3.0, math.inf])
    assert curves.stage.tolist() == [1, 1, 2, 3, 3]
    assert curves.oracle.tolist() == [3.25, 2.25, 2.25, 1.25, 1.25]
    assert curves.test.tolist() == [3.25, 2.25, 2.25, 2.25, 2.25]
    assert curves.train.tolist() == [3.25, 2.25, 0.0, 0.0, 0.0]


def test_rows_agree_with_curves():
    target = Target({0: 0.5, 1: 1.0, 2: 1.0, 4: 1.0}, noise=0.1)
    for row in limit_stages(kernels.relu_ntk(), target, 2.5):
        inside = (
            row.gamma_low + 0.5
            if math.isinf(row.gamma_high)
            else (row.gamma_low + row.gamma_high) / 2
        )
        curves = limit_curves(kernels.relu_ntk(), target, 2.5, inside)
        assert (row.stage, row.oracle, row.test, row.train) == (
            curves.stage[0],
            curves.oracle[0],
            curves.test[0],
            curves.train[0],
        )


def test_oracle_transition_shape():
    # At t = c d: degree 1 keeps exp(-2 c h'(0)) of its energy, h'(0) = 1 for e^u.
    scale = np.array([0.1, 0.5, 2.0])
    target = Target({1: 1.0, 2: 1.0}, noise=0.2)
    curves = limit_curves(kernels.exponential(), target, 1.5, 1.0, scale=scale)
    expected = 0.2 + 1.0 + np.exp(-2 * scale)
    np.testing.assert_allclose(curves.oracle, expected, rtol=1e-15)
    np.testing.assert_allclose(curves.test, expected, rtol=1e-15)
    np.testing.assert_allclose(curves.train, expected, rtol=1e-15)


def test_train_transition_shape():
    # At t = theta n with alpha = 1.5: training risk (sigma^2 + F_2^2) exp(-2 theta T),
    # T = e - 2 for e^u; test and oracle stay at sigma^2 + F_2^2.
    theta = np.array([0.1, 0.5, 2.0])
    target = Target({1: 1.0, 2: 1.0}, noise=0.2)
    curves = limit_curves(kernels.exponential(), target, 1.5, 1.5, scale=theta)
    np.testing.assert_allclose(curves.train, 1.2 * np.exp(-2 * theta * (math.e - 2)), rtol=1e-14)
    np.testing.assert_allclose(curves.test, 1.2, rtol=1e-15)
    assert curves.stage.tolist() == [2, 2, 2]


def test_transition_shapes_approached_at_large_d():
    # d = 10^5, n = d^1.5: at t = c d the oracle step and at t = theta n the
    # training step of the deterministic equivalent match the limit shapes. The
    # leading corrections are O(1/d) in xi_1 d and O(d^-0.5) in B(d, 1)/n.
    d = 10**5
    kernel = kernels.exponential()
    target = Target({1: 1.0, 2: 1.0}, noise=0.2)
    s = spectrum(kernel, d, max_degree=6)
    scale = np.array([0.1, 0.5, 2.0])
    step = limit_curves(kernel, target, 1.5, 1.0, scale=scale)
    np.testing.assert_allclose(oracle_risk(s, target, scale * d), step.oracle, atol=1e-4)
    n = d**1.5
    fall = limit_curves(kernel, target, 1.5, 1.5, scale=scale)
    risk = empirical_risk(s, target, n, scale * n)
    np.testing.assert_allclose(risk.train, fall.train, atol=0.02)
    np.testing.assert_allclose(risk.test, fall.test, atol=0.02)


def test_late_eigenvalue_below_l_unlearned():
    # h = u^4 + u^5/2: xi_2 ~ 12/d^3 from a_4, so at alpha = 2.5 degree 2 (<= l = 2) lies
    # below the effective ridge d^-2.5 and the empirical world never learns it,
    # while the oracle does at gamma = 3.
    kernel = kernels.polynomial([0, 0, 0, 0, 1, 0.5])
    target = Target({2: 1.0}, noise=0.0)
    curves = limit_curves(kernel, target, 2.5, [2.7, 3.5])
    assert curves.oracle.tolist() == [1.0, 0.0]
    assert curves.test.tolist() == [1.0, 1.0]
    assert curves.stage.tolist() == [2, 3]


def test_kernel_without_mass_above_l_never_interpolates():
    curves = limit_curves(kernels.polynomial([0, 1, 1]), Target({1: 1.0, 3: 1.0}, 0.5), 2.5, 4.0)
    assert curves.train[0] == curves.test[0] == 1.5


def _user_exponential(with_coefficients):
    coefficient = (lambda m: 1 / mpmath.factorial(m)) if with_coefficients else None
    return Kernel(np.exp, name="user exp", coefficient=coefficient)


def test_user_kernel_with_coefficients_matches_catalogue():
    target = Target({1: 1.0, 2: 1.0}, noise=0.2)
    gamma = [0.5, 1.0, 1.5, 2.2]
    user = limit_curves(_user_exponential(True), target, 1.5, gamma)
    catalogue = limit_curves(kernels.exponential(), target, 1.5, gamma)
    np.testing.assert_allclose(user.train, catalogue.train, rtol=1e-15)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"alpha": 2.0}, ValueError),
        ({"alpha": -0.5}, ValueError),
        ({"alpha": math.nan}, TypeError),
        ({"gamma": -1.0}, ValueError),
        ({"gamma": math.nan}, ValueError),
        ({"scale": 0.0}, ValueError),
        ({"scale": math.inf}, ValueError),
        ({"kernel": _user_exponential(False)}, ValueError),
        ({"target": {1: 1.0}}, TypeError),
    ],
)
def test_curves_reject_bad_input(kwargs, error):
    arguments = {
        "kernel": kernels.exponential(),
        "target": Target({1: 1.0}),
        "alpha": 1.5,
        "gamma": 1.0,
        "scale": 1.0,
    }
    arguments.update(kwargs)
    with pytest.raises(error):
        limit_curves(
            arguments.pop("kernel"),
            arguments.pop("target"),
            arguments.pop("alpha"),
            arguments.pop("gamma"),
            scale=arguments.pop("scale"),
        )


def test_stage_three_starts_at_next_learnable_degree():
    # ReLU NTK, alpha = 2.5, energy only in degree 1: no target degree above l, so
    # stage 3 starts where the oracle learns the next degree with xi > 0, degree 4
    # (xi_3 = 0), as in the finite-d report.
    target = Target({1: 1.0})
    curves = limit_curves(kernels.relu_ntk(), target, 2.5, [3.5, 4.0])
    assert curves.stage.tolist() == [2, 3]
    report = stages(spectrum(kernels.relu_ntk(), 100), target, 100**2.5)
    assert report.next_degree == 4


def test_high_mass_of_polynomial_is_exact():
    # 1/10 + u/5 + 3u^2/10 + 7u^3/10 has no mass above degree 3; the sum of the
    # decimal fractions must give exactly 0 there (in floats it would not). So the
    # training risk never leaves the test risk and there is no stage 2.
    kernel = kernels.polynomial([Fraction(1, 10), Fraction(1, 5), Fraction(3, 10), Fraction(7, 10)])
    curves = limit_curves(kernel, Target({1: 1.0}, noise=0.5), 3.5, 5.0)
    assert curves.train[0] == 0.5
    assert curves.stage[0] == 1
