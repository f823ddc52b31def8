"""Tests of the kernel catalogue: values, Taylor coefficients and input checks.

References are the closed forms of sections 2.1-2.4 of the theory reference
(cited as "theory 2.3"). Sympy gives their exact series in rationals and pi, and
mpmath evaluates them at 30-40 digits. No expected value comes from the package.
"""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from asymptotics import Kernel, kernels, spectrum

U = sympy.Symbol("u")


def _closed_form(name):
    # Closed forms of theory 2.1, 2.3 and 2.4 as sympy expressions in u.
    kappa0 = 1 - sympy.acos(U) / sympy.pi
    kappa1 = (sympy.sqrt(1 - U**2) + (sympy.pi - sympy.acos(U)) * U) / sympy.pi
    forms = {
        "relu_ntk": U * kappa0 + kappa1,
        "arccos0": kappa0,
        "arccos1": kappa1,
        "exponential": sympy.exp(sympy.Rational(5, 2) * U),
    }
    return forms[name]


def _make(name):
    return {
        "relu_ntk": kernels.relu_ntk,
        "arccos0": lambda: kernels.arccos(0),
        "arccos1": lambda: kernels.arccos(1),
        "exponential": lambda: kernels.exponential(Fraction(5, 2)),
    }[name]()


# -------------------------------------------------------------- values at one


def test_relu_ntk_value_at_one():
    # Reference: h_NTK(1) = kappa0(1) + kappa1(1) = 2 (theory 2.4).
    kernel = kernels.relu_ntk()
    assert float(kernel(1.0)) == 2.0
    assert kernel.at_one() == 2


@pytest.mark.parametrize("order", [0, 1])
def test_arccos_value_at_one(order):
    # Reference: kappa0(1) = kappa1(1) = 1 (theory 2.3).
    kernel = kernels.arccos(order)
    assert float(kernel(1.0)) == 1.0
    assert kernel.at_one() == 1


def test_exponential_value_at_one():
    # Reference: exp(1) is math.e, and exp(2.5) comes from mpmath at 40 digits.
    assert float(kernels.exponential()(1.0)) == pytest.approx(math.e, rel=1e-15)
    with mpmath.workdps(40):
        value = kernels.exponential(2.5).at_one()
        assert abs(value - mpmath.exp(mpmath.mpf(5) / 2)) <= mpmath.mpf("1e-38") * value


# ------------------------------------------------------- values on [-1, 1]


@pytest.mark.parametrize("name", ["relu_ntk", "arccos0", "arccos1", "exponential"])
def test_float_values_match_closed_form(name):
    # Reference: the sympy closed form at 30 digits. Float64 elementary functions are
    # good to a few ulps, so relative 1e-14 (absolute 1e-15 near zero).
    kernel = _make(name)
    expression = _closed_form(name)
    grid = np.linspace(-1.0, 1.0, 33)
    values = kernel(grid)
    for u, value in zip(grid, values):
        reference = float(expression.subs(U, sympy.Float(float(u), 30)).evalf(30))
        assert value == pytest.approx(reference, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("name", ["relu_ntk", "arccos0", "arccos1", "exponential"])
def test_mpmath_values_match_closed_form(name):
    # Reference: the sympy closed form at 40 digits. The package evaluates at 30 digits
    # and must agree to 27 digits relative.
    kernel = _make(name)
    expression = _closed_form(name)
    with mpmath.workdps(30):
        for text in ("-0.97", "-0.4", "0.125", "0.9"):
            value = kernel(mpmath.mpf(text))
            assert isinstance(value, mpmath.mpf)
            reference = mpmath.mpf(str(expression.subs(U, sympy.Rational(text)).evalf(40)))
            assert abs(value - reference) <= mpmath.mpf("1e-27") * abs(reference)


@pytest.mark.parametrize("name", ["relu_ntk", "arccos0", "arccos1"])
def test_angular_form_matches_function(name):
    # Reference: the angular form is h(cos theta), so the sympy closed form at
    # u = cos(theta) at 40 digits, compared to 27 digits.
    kernel = _make(name)
    expression = _closed_form(name)
    with mpmath.workdps(30):
        for theta in ("0.1", "1.3", "2.9"):
            value = kernel.evaluate_angle(mpmath.mpf(theta))
            point = sympy.cos(sympy.Rational(theta))
            reference = mpmath.mpf(str(expression.subs(U, point).evalf(40)))
            assert abs(value - reference) <= mpmath.mpf("1e-27") * abs(reference)


# ------------------------------------------------------- Taylor coefficients


@pytest.mark.parametrize("name", ["relu_ntk", "arccos0", "arccos1", "exponential"])
def test_taylor_coefficients_match_sympy_series(name):
    # Reference: sympy's exact series of the closed form (rationals over powers of pi)
    # at 40 digits. The package works at 30 digits and must agree to 28.
    kernel = _make(name)
    order = 13
    series = sympy.series(_closed_form(name), U, 0, order).removeO()
    with mpmath.workdps(30):
        for m in range(order):
            exact = sympy.nsimplify(series.coeff(U, m))
            value = kernel.taylor_coefficient(m)
            if exact == 0:
                assert value == 0
                assert kernel.coefficient_is_zero(m)
            else:
                reference = mpmath.mpf(str(sympy.N(exact, 40)))
                assert abs(value - reference) <= mpmath.mpf("1e-28") * abs(reference)


def test_relu_ntk_published_coefficients():
    # Reference: a_2 = 3/(2 pi) and a_4 = 5/(24 pi) (theory 2.4), mpmath at 30 digits.
    kernel = kernels.relu_ntk()
    with mpmath.workdps(30):
        assert abs(kernel.taylor_coefficient(2) - 3 / (2 * mpmath.pi)) <= mpmath.mpf("1e-29")
        assert abs(kernel.taylor_coefficient(4) - 5 / (24 * mpmath.pi)) <= mpmath.mpf("1e-29")


@pytest.mark.parametrize(
    "name, zero_degrees, nonzero_degrees",
    [
        ("relu_ntk", [3, 5, 7, 101], [0, 1, 2, 4, 100]),
        ("arccos0", [2, 4, 6, 100], [0, 1, 3, 5, 101]),
        ("arccos1", [3, 5, 7, 101], [0, 1, 2, 4, 100]),
    ],
)
def test_declared_zero_coefficients(name, zero_degrees, nonzero_degrees):
    # Reference: the parity zeros of theory 2.3-2.4. The odd part of h_NTK and of
    # kappa1 is linear, and the even part of kappa0 is constant.
    kernel = _make(name)
    with mpmath.workdps(20):
        for m in zero_degrees:
            assert kernel.coefficient_is_zero(m)
            assert kernel.taylor_coefficient(m) == 0
        for m in nonzero_degrees:
            assert not kernel.coefficient_is_zero(m)
            assert kernel.taylor_coefficient(m) > 0


def test_coefficients_sum_to_value_at_one():
    # Reference: h(1) = sum_m a_m. For exp(u) the partial sum to m = 40 misses less
    # than 2/41! (below 1e-49) of e, so 38 digits at 40-digit precision.
    kernel = kernels.exponential()
    with mpmath.workdps(40):
        total = mpmath.fsum(kernel.taylor_coefficient(m) for m in range(41))
        assert abs(total - mpmath.e) <= mpmath.mpf("1e-38")


# ----------------------------------------------------------- hair outside


@pytest.mark.parametrize(
    "name, endpoint_values",
    [("relu_ntk", (2.0, 0.0)), ("arccos0", (1.0, 0.0)), ("arccos1", (1.0, 0.0))],
)
def test_float_hair_outside_interval(name, endpoint_values):
    # Reference: the closed forms at u = +-1 (theory 2.3-2.4). Rounded inner products
    # <x, x'>/d can exceed 1 by an ulp, and that must not give NaN.
    kernel = _make(name)
    values = kernel(np.array([1.0 + 1e-15, -1.0 - 1e-15]))
    assert np.all(np.isfinite(values))
    assert values[0] == pytest.approx(endpoint_values[0], abs=1e-14)
    assert values[1] == pytest.approx(endpoint_values[1], abs=1e-14)


@pytest.mark.parametrize("name", ["relu_ntk", "arccos0", "arccos1"])
def test_mpmath_hair_outside_interval(name):
    # Reference: the documented clipping, so the value is the real h(1) of theory
    # 2.3-2.4 (2 for the NTK, 1 for the arc-cosine kernels).
    kernel = _make(name)
    with mpmath.workdps(30):
        value = kernel(mpmath.mpf(1) + mpmath.mpf("1e-15"))
        assert isinstance(value, mpmath.mpf)
        assert abs(value - kernel.at_one()) <= mpmath.mpf("1e-6")


# ---------------------------------------------------------------- polynomial


def test_polynomial_exact_coefficients():
    # Reference: the inputs themselves as exact Fractions (0.5 is a binary fraction).
    kernel = kernels.polynomial([1, Fraction(1, 3), 0.5, sympy.Rational(2, 7), np.int64(4)])
    expected = (Fraction(1), Fraction(1, 3), Fraction(1, 2), Fraction(2, 7), Fraction(4))
    assert kernel.polynomial_coefficients == expected
    assert all(type(c) is Fraction for c in kernel.polynomial_coefficients)


def test_polynomial_float_kept_binary_exact():
    # Reference: Fraction(0.1) is the exact binary value of the double 0.1.
    kernel = kernels.polynomial([0.1])
    assert kernel.polynomial_coefficients == (Fraction(3602879701896397, 36028797018963968),)


def test_polynomial_degree_ignores_trailing_zeros():
    # Reference: 1 + 2u + 0u^2 + 0u^3 has degree 1, and the zero polynomial degree 0.
    assert kernels.polynomial([1, 2, 0, 0]).polynomial_degree == 1
    assert kernels.polynomial([0, 0]).polynomial_degree == 0


def test_polynomial_evaluates_float_and_mpmath():
    # Reference: (1 + u)^2 is exactly 2.25 at u = 0.5 and 16/9 at u = 1/3.
    kernel = kernels.polynomial([1, 2, 1])
    assert float(kernel(0.5)) == 2.25
    with mpmath.workdps(30):
        value = kernel(mpmath.mpf(1) / 3)
        assert abs(value - mpmath.mpf(16) / 9) <= mpmath.mpf("1e-29")


def test_polynomial_coefficients_beyond_degree_zero():
    # Reference: a polynomial has a_m = 0 above its degree.
    kernel = kernels.polynomial([Fraction(1, 3), 0, 2])
    with mpmath.workdps(20):
        assert kernel.taylor_coefficient(5) == 0
        assert kernel.coefficient_is_zero(1)
        assert kernel.coefficient_is_zero(5)
        assert abs(kernel.taylor_coefficient(0) - mpmath.mpf(1) / 3) <= mpmath.mpf("1e-19")


def test_polynomial_value_at_one_exact_sum():
    # Reference: h(1) is the sum of the coefficients, 1/3 + 2 = 7/3.
    kernel = kernels.polynomial([Fraction(1, 3), 0, 2])
    with mpmath.workdps(30):
        assert abs(kernel.at_one() - mpmath.mpf(7) / 3) <= mpmath.mpf("1e-29")


# ------------------------------------------------------------- user kernels


def test_user_kernel_without_coefficients():
    # Reference: a Kernel built from a function alone has no Taylor data.
    kernel = Kernel(lambda u: u * u, name="square")
    assert not kernel.has_coefficients
    assert kernel.polynomial_degree is None
    with pytest.raises(ValueError):
        kernel.taylor_coefficient(0)


def test_user_kernel_default_at_one():
    # Reference: without value_at_one, h(1) is the function at 1, here cosh(1) at 30 digits.
    kernel = Kernel(mpmath.cosh, name="cosh")
    with mpmath.workdps(30):
        assert abs(kernel.at_one() - mpmath.cosh(1)) <= mpmath.mpf("1e-29")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("order", [2, -1, 0.5, True, "0"])
def test_arccos_rejects_bad_order(order):
    # Reference: only orders 0 and 1 exist in the catalogue (theory 2.3).
    with pytest.raises(ValueError):
        kernels.arccos(order)


@pytest.mark.parametrize("scale", ["a", None, True, 1j])
def test_exponential_rejects_non_real(scale):
    # Reference: the scale is a real number (theory 2.1).
    with pytest.raises(TypeError):
        kernels.exponential(scale)


@pytest.mark.parametrize("scale", [math.inf, -math.inf, math.nan])
def test_exponential_rejects_non_finite(scale):
    # Reference: exp(beta u) needs a finite beta.
    with pytest.raises(ValueError):
        kernels.exponential(scale)


def test_polynomial_rejects_empty():
    # Reference: a polynomial needs at least one coefficient.
    with pytest.raises(ValueError):
        kernels.polynomial([])


@pytest.mark.parametrize(
    "coefficients, error",
    [
        (["a"], TypeError),
        ([True], TypeError),
        ([math.nan], ValueError),
        ([1, math.inf], ValueError),
    ],
)
def test_polynomial_rejects_bad_coefficients(coefficients, error):
    # Reference: coefficients are finite real numbers.
    with pytest.raises(error):
        kernels.polynomial(coefficients)


def test_kernel_rejects_non_callable():
    # Reference: a kernel's function must be callable.
    with pytest.raises(TypeError):
        Kernel(3.0)


def test_failing_user_function_is_reported():
    # A user h that raises must surface as a ValueError that names the kernel.
    def broken(u):
        raise ZeroDivisionError("division by zero")

    with pytest.raises(ValueError, match="kernel 'broken' failed at u"):
        spectrum(Kernel(broken, name="broken"), 5)
