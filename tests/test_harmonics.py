"""Tests of multiplicities and normalised Gegenbauer polynomials.

Each reference is exact integer or rational arithmetic (math, fractions, sympy),
an independent library (mpmath, scipy.special, numpy's Chebyshev class) or a
value published in section 1.1 of the theory reference (cited as "theory 1.1").
No expected value comes from the package itself.
"""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import scipy.special
import sympy

from asymptotics import cumulative_dimension, gegenbauer, learnable_degree, multiplicity
from asymptotics.harmonics import gegenbauer_all

# Points of [-1, 1] without u = 0: mpmath.gegenbauer raises there for odd degrees,
# because its hypergeometric sum cannot reach relative accuracy on an exact zero.
GRID = np.linspace(-1.0, 1.0, 40)


def _binomial_multiplicity(d, k):
    # Theory 1.1: B(d, 0) = 1 and B(d, k) = (2k + d - 2)(k + d - 3)! / (k! (d - 2)!) for k >= 1.
    if k == 0:
        return 1
    numerator = (2 * k + d - 2) * math.factorial(k + d - 3)
    denominator = math.factorial(k) * math.factorial(d - 2)
    assert numerator % denominator == 0
    return numerator // denominator


def _series_multiplicity(d, k):
    # Coefficient of r^k in (1 + r)/(1 - r)^(d-1): C(k+d-2, d-2) + C(k+d-3, d-2).
    return math.comb(k + d - 2, d - 2) + (math.comb(k + d - 3, d - 2) if k >= 1 else 0)


def _mpmath_normalised_gegenbauer(k, d, t):
    # Classical C_k^(d/2 - 1) divided by its value at 1 (theory 1.3).
    alpha = mpmath.mpf(d) / 2 - 1
    return mpmath.gegenbauer(k, alpha, t) / mpmath.gegenbauer(k, alpha, 1)


# ---------------------------------------------------------------- multiplicity


@pytest.mark.parametrize(
    "d, expected",
    [
        (20, [1, 20, 209, 1520, 8645, 40964]),
        (30, [1, 30, 464, 4930, 40455, 273296]),
    ],
)
def test_multiplicity_published_low_degrees(d, expected):
    # Reference: theory 1.1, "Values" line.
    values = [multiplicity(d, k) for k in range(6)]
    assert values == expected
    assert all(type(value) is int for value in values)


def test_multiplicity_published_d100():
    # Reference: theory 1.1, B(100, 2..4).
    assert multiplicity(100, 2) == 5049
    assert multiplicity(100, 3) == 171600
    assert multiplicity(100, 4) == 4416225


def test_multiplicity_circle_is_two():
    # Reference: B(2, k) = 2 for k >= 1, spanned by cos(k theta) and sin(k theta) (theory 1.1).
    assert multiplicity(2, 0) == 1
    assert all(multiplicity(2, k) == 2 for k in range(1, 50))


def test_multiplicity_sphere_is_odd():
    # Reference: B(3, k) = 2k + 1 (theory 1.1).
    assert all(multiplicity(3, k) == 2 * k + 1 for k in range(50))


@pytest.mark.parametrize("d", [2, 3, 7, 100, 10**6])
def test_multiplicity_degrees_zero_one(d):
    # Reference: B(d, 0) = 1 (constants) and B(d, 1) = d (linear forms), theory 1.1.
    assert multiplicity(d, 0) == 1
    assert multiplicity(d, 1) == d


@pytest.mark.parametrize("d", [4, 9, 57])
def test_multiplicity_low_degree_polynomials(d):
    # Reference: B(d, 2) = (d-1)(d+2)/2 and B(d, 3) = d(d-1)(d+4)/6 (theory 1.1).
    assert multiplicity(d, 2) == (d - 1) * (d + 2) // 2
    assert multiplicity(d, 3) == d * (d - 1) * (d + 4) // 6


@pytest.mark.parametrize("d", [2, 3, 5, 12])
def test_multiplicity_generating_function(d):
    # Reference: exact sympy series of (1 + r)/(1 - r)^(d-1) (theory 1.1).
    r = sympy.Symbol("r")
    order = 12
    series = sympy.series((1 + r) / (1 - r) ** (d - 1), r, 0, order).removeO()
    poly = sympy.Poly(series, r)
    for k in range(order):
        assert multiplicity(d, k) == int(poly.coeff_monomial(r**k))


def test_multiplicity_large_exact_int():
    # Reference: the factorial formula of theory 1.1 in Python integers.
    value = multiplicity(1000, 200)
    assert type(value) is int
    assert value == _binomial_multiplicity(1000, 200)


@pytest.mark.parametrize("d, k", [(2, 7), (3, 11), (10, 6), (250, 9)])
def test_multiplicity_matches_factorial_formula(d, k):
    # Reference: the factorial formula of theory 1.1 in Python integers. It is also
    # valid at d = 2, where (k + d - 3)! is (k - 1)!.
    assert multiplicity(d, k) == _binomial_multiplicity(d, k)


# ------------------------------------------------------- cumulative dimension


@pytest.mark.parametrize("d", [2, 3, 8, 100, 1000])
def test_cumulative_is_partial_sum(d):
    # Reference: N(d, <=k) = sum_{j <= k} B(d, j), the multiplicities summed exactly.
    running = 0
    for k in range(15):
        running += _binomial_multiplicity(d, k)
        assert cumulative_dimension(d, k) == running


def test_cumulative_published_value():
    # Reference: N(100, <=2) = 1 + 100 + 5049 from the values of theory 1.1.
    assert cumulative_dimension(100, 2) == 1 + 100 + 5049


# ---------------------------------------------------------- learnable degree


@pytest.mark.parametrize("d", [2, 3, 10, 100])
@pytest.mark.parametrize("n", [1, 2, 3, 17, 101, 5149, 5150, 10**6, 1234.5])
def test_learnable_degree_definition(d, n):
    # Reference: l(n) = max{k : N(d, <=k) <= n} (theory 1.1), with N summed exactly.
    level = learnable_degree(d, n)
    total = sum(_series_multiplicity(d, j) for j in range(level + 1))
    following = total + _series_multiplicity(d, level + 1)
    assert total <= n
    assert following > n


def test_learnable_degree_boundary_d100():
    # Reference: N(100, <=1) = 101 and N(100, <=2) = 5150, from theory 1.1.
    assert learnable_degree(100, 100) == 0
    assert learnable_degree(100, 101) == 1
    assert learnable_degree(100, 5149) == 1
    assert learnable_degree(100, 5150) == 2


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args, error",
    [
        ((1, 0), ValueError),
        ((2.5, 1), TypeError),
        ((3, -1), ValueError),
        ((3, 1.5), TypeError),
    ],
)
def test_multiplicity_rejects_bad_input(args, error):
    # Reference: the package contract, d is an integer >= 2 and k an integer >= 0.
    with pytest.raises(error):
        multiplicity(*args)


def test_multiplicity_rejects_boolean_degree():
    # Reference: _validation raises TypeError for a value of the wrong kind, and its
    # explicit bool test shows that a boolean is meant to be rejected.
    with pytest.raises(TypeError):
        multiplicity(5, True)


def test_learnable_degree_rejects_small_n():
    # Reference: the package contract, a sample size must be at least 1.
    with pytest.raises(ValueError):
        learnable_degree(10, 0)


# ----------------------------------------------------------------- Gegenbauer


@pytest.mark.parametrize("d", [2, 3, 5, 100, 10**6])
def test_gegenbauer_one_at_one(d):
    # Reference: normalisation P_k(1) = 1 and parity P_k(-1) = (-1)^k (theory 1.3).
    for k in range(30):
        assert float(gegenbauer(k, d, 1.0)) == 1.0
        assert float(gegenbauer(k, d, -1.0)) == (-1.0) ** k


@pytest.mark.parametrize("k", range(0, 16))
def test_gegenbauer_circle_is_chebyshev(k):
    # Reference: d = 2 gives Chebyshev T_k (theory 1.3), evaluated by numpy's Chebyshev class.
    chebyshev = np.polynomial.Chebyshev.basis(k)(GRID)
    np.testing.assert_allclose(gegenbauer(k, 2, GRID), chebyshev, rtol=0, atol=2e-15)


@pytest.mark.parametrize("k", [3, 9, 20])
def test_gegenbauer_circle_chebyt_mpmath(k):
    # Reference: mpmath.chebyt at 30 digits, with the package also running in mpmath at 30 digits.
    with mpmath.workdps(30):
        for t in ("-0.83", "0.1", "0.77"):
            value = gegenbauer(k, 2, mpmath.mpf(t))
            reference = mpmath.chebyt(k, mpmath.mpf(t))
            assert abs(value - reference) <= mpmath.mpf("1e-25")


@pytest.mark.parametrize("k", range(0, 16))
def test_gegenbauer_sphere_is_legendre(k):
    # Reference: d = 3 gives Legendre P_k (theory 1.3), scipy.special.eval_legendre.
    legendre = scipy.special.eval_legendre(k, GRID)
    np.testing.assert_allclose(gegenbauer(k, 3, GRID), legendre, rtol=0, atol=2e-15)


@pytest.mark.parametrize("d", [3, 4, 5, 10, 101])
def test_gegenbauer_matches_mpmath_float(d):
    # Reference: mpmath.gegenbauer at 30 digits, normalised at 1. Because |P_k| <= 1 and
    # the recurrence is stable, float64 agrees to a few ulps (measured up to 4.4e-16).
    with mpmath.workdps(30):
        for k in range(0, 21):
            reference = np.array(
                [float(_mpmath_normalised_gegenbauer(k, d, mpmath.mpf(t))) for t in GRID]
            )
            np.testing.assert_allclose(gegenbauer(k, d, GRID), reference, rtol=0, atol=2e-15)


@pytest.mark.parametrize("d", [3, 6, 17])
def test_gegenbauer_matches_mpmath_digits(d):
    # Reference: mpmath.gegenbauer normalised at 1, both at 30 digits. The tolerance is
    # 25 digits relative because the recurrence loses only about k ulps.
    with mpmath.workdps(30):
        for k in (2, 7, 15):
            for t in ("-0.91", "-0.3", "0.45", "0.99"):
                point = mpmath.mpf(t)
                reference = _mpmath_normalised_gegenbauer(k, d, point)
                value = gegenbauer(k, d, point)
                assert abs(value - reference) <= mpmath.mpf("1e-25") * abs(reference)


@pytest.mark.parametrize("d", [3, 4, 9, 30])
def test_gegenbauer_exact_rational(d):
    # Reference: sympy.gegenbauer in exact rationals, divided by its value at 1. The
    # package gets an mpf at 40 digits and must agree to 25 digits relative.
    alpha = sympy.Rational(d, 2) - 1
    with mpmath.workdps(40):
        for k in (1, 4, 8, 13):
            for t in (Fraction(-5, 7), Fraction(1, 3), Fraction(9, 10)):
                x = sympy.Rational(t.numerator, t.denominator)
                exact = sympy.gegenbauer(k, alpha, x) / sympy.gegenbauer(k, alpha, 1)
                assert exact.is_Rational
                reference = mpmath.mpf(int(exact.p)) / int(exact.q)
                value = gegenbauer(k, d, mpmath.mpf(t.numerator) / t.denominator)
                assert abs(value - reference) <= mpmath.mpf("1e-25") * abs(reference)


@pytest.mark.parametrize("d", [2, 7])
def test_gegenbauer_explicit_low_degrees(d):
    # Reference: P_2 = (d u^2 - 1)/(d - 1) and P_3 = ((d + 2) u^3 - 3u)/(d - 1) from
    # theory 1.3, evaluated in exact fractions.
    for t in (Fraction(-3, 4), Fraction(1, 8), Fraction(2, 3)):
        p2 = (d * t * t - 1) / Fraction(d - 1)
        p3 = ((d + 2) * t**3 - 3 * t) / Fraction(d - 1)
        assert float(gegenbauer(2, d, float(t))) == pytest.approx(float(p2), rel=0, abs=1e-15)
        assert float(gegenbauer(3, d, float(t))) == pytest.approx(float(p3), rel=0, abs=1e-15)


def test_gegenbauer_huge_dimension_bounded():
    # Reference: |P_k(u)| <= 1 on [-1, 1] for d >= 2 (theory 1.3). The classical
    # normalisation C_k(1) = C(k + d - 3, k) overflows float64 here.
    grid = np.linspace(-1.0, 1.0, 2001)
    values = gegenbauer(200, 10**6, grid)
    assert np.all(np.isfinite(values))
    assert np.all(np.abs(values) <= 1.0 + 1e-12)


def test_gegenbauer_mpmath_type():
    # Reference: the documented contract that mpmath input gives an mpmath number.
    with mpmath.workdps(30):
        for k in (0, 1, 5):
            assert isinstance(gegenbauer(k, 7, mpmath.mpf("0.3")), mpmath.mpf)


def test_gegenbauer_array_shape():
    # Reference: the documented contract that array input gives an array of the same shape.
    grid = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    assert gegenbauer(4, 5, grid).shape == (3, 4)
    assert gegenbauer(0, 5, grid).shape == (3, 4)


def test_gegenbauer_all_matches_single():
    # Reference: gegenbauer_all lists the same degrees as gegenbauer, in order.
    values = gegenbauer_all(6, 9, GRID)
    assert len(values) == 7
    for k, value in enumerate(values):
        np.testing.assert_array_equal(value, gegenbauer(k, 9, GRID))


@pytest.mark.parametrize("d", [2, 3, 5, 10])
def test_gegenbauer_orthogonality_gauss_jacobi(d):
    # Reference: integral of P_j P_k dnu_d = delta_jk / B(d, k) (theory 1.3) by scipy's
    # Gauss-Jacobi rule, exact to degree 2n - 1. Weights sum to 1 and |P_j P_k| <= 1, so 1e-14.
    top = 8
    nodes, weights = scipy.special.roots_jacobi(top + 2, (d - 3) / 2, (d - 3) / 2)
    weights = weights / weights.sum()
    values = gegenbauer_all(top, d, nodes)
    for j in range(top + 1):
        for k in range(top + 1):
            integral = float(np.sum(weights * values[j] * values[k]))
            expected = 1.0 / _binomial_multiplicity(d, k) if j == k else 0.0
            assert integral == pytest.approx(expected, rel=0, abs=1e-14)


@pytest.mark.parametrize("d", [3, 8])
def test_gegenbauer_derivative_identity(d):
    # Reference: d/du P_k^(d) = k (k + d - 2)/(d - 1) P_{k-1}^(d+2) (theory 1.3). The
    # derivative comes from mpmath.diff at 30 digits and is compared to 20 digits.
    with mpmath.workdps(30):
        for k in (1, 4, 7):
            for t in ("-0.6", "0.35", "0.8"):
                point = mpmath.mpf(t)
                slope = mpmath.diff(lambda u: gegenbauer(k, d, u), point)
                factor = mpmath.mpf(k * (k + d - 2)) / (d - 1)
                expected = factor * gegenbauer(k - 1, d + 2, point)
                assert abs(slope - expected) <= mpmath.mpf("1e-20") * max(1, abs(expected))


def test_learnable_degree_huge_sample_size():
    # N(3, <=k) = (k + 1)^2, so n = 10^30 learns up to k = 10^15 - 1 (exact integers).
    from asymptotics import learnable_degree

    assert learnable_degree(3, 10**30) == 10**15 - 1
