"""Kernels built from user input: formulas parsed by sympy and Taylor coefficient lists."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from asymptotics import kernels, spectrum


def test_expression_exp_matches_catalogue_spectrum():
    # Both kernels have a_m = 1/m!: the expression's coefficients come from
    # sympy's series, the catalogue's from the closed form.
    parsed = spectrum(kernels.from_expression("exp(t)"), 30, max_degree=6, digits=30)
    catalogue = spectrum(kernels.exponential(1), 30, max_degree=6, digits=30)
    for k in range(7):
        assert mpmath.almosteq(parsed.eigenvalues[k], catalogue.eigenvalues[k], rel_eps=1e-28)


def test_expression_taylor_coefficients_exact():
    h = kernels.from_expression("exp(2*t/3)")
    # a_m = (2/3)^m / m!, exactly rational.
    for m in range(8):
        expected = Fraction(2, 3) ** m / sympy.factorial(m)
        with mpmath.workdps(40):
            assert mpmath.almosteq(
                h.taylor_coefficient(m), mpmath.mpf(expected.p) / expected.q, rel_eps=1e-38
            )


def test_expression_polynomial_is_exact():
    h = kernels.from_expression("(1 + t)^3 / 8")
    assert h.polynomial_coefficients == (
        Fraction(1, 8),
        Fraction(3, 8),
        Fraction(3, 8),
        Fraction(1, 8),
    )
    from_list = kernels.from_coefficients(["1/8", "3/8", "3/8", "1/8"])
    exact = spectrum(h, 7, exact=True)
    reference = spectrum(from_list, 7, exact=True)
    assert list(exact.eigenvalues) == list(reference.eigenvalues)


def test_expression_polynomial_closed_form_eigenvalues():
    # For h(u) = u^2 on the sphere of radius sqrt(d): h = (1/d) P_0 + ((d-1)/d) P_2
    # in normalised Gegenbauer polynomials, so xi_0 = 1/d and
    # xi_2 = (d - 1)/(d B(d, 2)) with B(d, 2) = (d + 2)(d - 1)/2.
    d = 9
    spec = spectrum(kernels.from_expression("t**2"), d, exact=True)
    assert spec.eigenvalues[0] == Fraction(1, d)
    assert spec.eigenvalues[1] == 0
    assert spec.eigenvalues[2] == Fraction(2, d * (d + 2))


def test_expression_relu_ntk_matches_catalogue():
    # The catalogue builds these coefficients from central binomials.
    text = "t*(1 - acos(t)/pi) + (sqrt(1 - t^2) + (pi - acos(t))*t)/pi"
    h = kernels.from_expression(text)
    reference = kernels.relu_ntk()
    assert h.zero_coefficients == (1, 3)
    with mpmath.workdps(30):
        for m in range(10):
            assert mpmath.almosteq(h.taylor_coefficient(m), reference.taylor_coefficient(m), rel_eps=1e-27)
    u = np.linspace(-1, 1, 11)
    np.testing.assert_allclose(h(u), reference(u), rtol=1e-14, atol=1e-15)


def test_expression_even_function_declares_zero_odd_coefficients():
    assert kernels.from_expression("cosh(t)").zero_coefficients == (1, 1)
    assert kernels.from_expression("t + sinh(t)^2").zero_coefficients == (1, 3)
    assert kernels.from_expression("exp(t)").zero_coefficients is None


def test_expression_rational_function_coefficients():
    # 1/(2 - t) = sum_m t^m / 2^(m+1).
    h = kernels.from_expression("1/(2 - t)")
    for m in (0, 5, 40, 100):
        assert h.taylor_coefficient(m) == mpmath.mpf(1) / 2 ** (m + 1)


def test_expression_accepts_sympy_and_other_variable():
    u = sympy.Symbol("u")
    from_sympy = kernels.from_expression(sympy.exp(u) * sympy.cos(u), variable="u")
    from_text = kernels.from_expression("exp(x)*cos(x)", variable="x")
    for m in range(6):
        assert from_sympy.taylor_coefficient(m) == from_text.taylor_coefficient(m)
    # exp(u) cos(u) = Re exp((1 + i) u): a_3 = Re (1 + i)^3 / 3! = -2/6.
    assert from_text.taylor_coefficient(3) == mpmath.mpf(-1) / 3


def test_expression_evaluates_floats_and_mpmath():
    h = kernels.from_expression("exp(t) + 1")
    values = h(np.array([0.0, 1.0]))
    assert values.shape == (2,)
    assert values[0] == 2.0
    assert h.accepts_mpmath
    with mpmath.workdps(50):
        assert mpmath.almosteq(h(mpmath.mpf(1)), mpmath.e + 1, rel_eps=1e-48)
    constant = kernels.from_expression("cosh(0) + 0*t + exp(1)")
    assert constant(np.zeros(3)).shape == (3,)


def test_expression_implicit_multiplication_and_caret():
    h = kernels.from_expression("2t^2 + 1")
    assert h.polynomial_coefficients == (1, 0, 2)


@pytest.mark.parametrize(
    "text",
    [
        "t.__class__",
        "__import__('os').system('true')",
        "lambda t: t",
        "exp(t)[0]",
        "'exp(t)'",
        "t if t else 1",
        "exec",
        "eval('t')",
        "t; t",
        "[t]",
        "{t: 1}",
        "t == 1",
        "1j * t",
    ],
)
def test_expression_rejects_code(text):
    with pytest.raises(ValueError, match="expression"):
        kernels.from_expression(text)


@pytest.mark.parametrize(
    "text, message",
    [
        ("exp(beta*t)", "uses the name 'beta'"),
        ("sqrt(t)", "finite and real"),
        ("1/(1 - t)", "cannot be evaluated at u = 1"),
        ("1/t", "cannot be evaluated at u = 0"),
        ("abs(t)", "uses the name 'abs'"),
        ("exp(t", "not a valid formula"),
        ("", "not a valid formula"),
    ],
)
def test_expression_rejects_invalid_kernels(text, message):
    with pytest.raises(ValueError, match=message):
        kernels.from_expression(text)


def test_expression_rejects_free_sympy_symbols():
    beta, t = sympy.symbols("beta t")
    with pytest.raises(ValueError, match="beta"):
        kernels.from_expression(sympy.exp(beta * t))


def test_expression_rejects_wrong_types():
    with pytest.raises(TypeError, match="expression"):
        kernels.from_expression(3.0)
    with pytest.raises(ValueError, match="variable"):
        kernels.from_expression("exp(t)", variable="exp")
    with pytest.raises(ValueError, match="variable"):
        kernels.from_expression("exp(t)", variable="a.b")


def test_coefficients_mapping_and_strings():
    h = kernels.from_coefficients({0: 1, 3: "1/3"})
    assert h.polynomial_coefficients == (1, 0, 0, Fraction(1, 3))
    assert h.name.startswith("polynomial")
    named = kernels.from_coefficients([1, 1], name="affine")
    assert named.name == "affine"
    assert float(named(0.5)) == 1.5


def test_coefficients_reject_bad_input():
    with pytest.raises(ValueError, match="a_1"):
        kernels.from_coefficients([1, "one"])
    with pytest.raises(ValueError, match="empty"):
        kernels.from_coefficients({})
    with pytest.raises(ValueError, match="powers"):
        kernels.from_coefficients({-1: 1})
    with pytest.raises(TypeError, match="sequence"):
        kernels.from_coefficients("1,2")
    with pytest.raises(TypeError):
        kernels.from_coefficients([1, None])


def test_expression_decimals_are_exact():
    # 0.1 is read as 1/10, not as the nearest binary float.
    h = kernels.from_expression("0.1 + 0.25*t^2")
    assert h.polynomial_coefficients == (Fraction(1, 10), 0, Fraction(1, 4))
    scaled = kernels.from_expression("exp(0.5*t)")
    with mpmath.workdps(40):
        assert scaled.taylor_coefficient(3) == mpmath.mpf(1) / 48


def test_expression_sympy_float_takes_binary_value():
    t = sympy.Symbol("t")
    h = kernels.from_expression(sympy.Float(0.1) * t)
    assert h.polynomial_coefficients == (0, Fraction(0.1))


def test_expression_beyond_expansion_order_uses_quadrature():
    # The ReLU NTK's coefficients decay like m^(-3/2), so its eigenvalue series needs more
    # than the 128 expanded orders; the spectrum then integrates h and must still agree
    # with the catalogue kernel's closed-form coefficients.
    text = "t*(1 - acos(t)/pi) + (sqrt(1 - t^2) + (pi - acos(t))*t)/pi"
    parsed = spectrum(kernels.from_expression(text), 10, max_degree=4)
    reference = spectrum(kernels.relu_ntk(), 10, max_degree=4)
    assert "quadrature" in parsed.methods
    np.testing.assert_allclose(parsed.eigenvalues, reference.eigenvalues, rtol=1e-13, atol=0)


def test_expression_special_functions():
    # I_0(t) = sum_j (t/2)^(2j) / (j!)^2, so a_2 = 1/4 and every odd coefficient is 0.
    bessel = kernels.from_expression("besseli(0, t)")
    assert bessel.taylor_coefficient(2) == mpmath.mpf(1) / 4
    assert bessel.zero_coefficients == (1, 1)
    np.testing.assert_allclose(bessel(np.array([1.0])), [float(mpmath.besseli(0, 1))], rtol=1e-15)
    # erf(t) = (2/sqrt(pi)) (t - t^3/3 + ...): odd, and float arrays evaluate through scipy.
    error_function = kernels.from_expression("1 + erf(t)")
    with mpmath.workdps(30):
        assert mpmath.almosteq(
            error_function.taylor_coefficient(3), -2 / (3 * mpmath.sqrt(mpmath.pi)), rel_eps=1e-28
        )
    assert error_function.zero_coefficients == (0, 2)
    np.testing.assert_allclose(error_function(np.array([0.5])), [1 + float(mpmath.erf(0.5))], rtol=1e-15)
