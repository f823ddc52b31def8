"""The float64, mpmath and exact spectrum paths held against each other and against references.

References: exact Fraction sums of the monomial series written here (not the
package's), the 0F1 closed form of the exponential and Gaussian kernels in
mpmath, mpmath.quad integrals of h P_k against the density
c_d (1 - u^2)^((d-3)/2), and exact integer formulas for B(d, k). Where a test
compares two package paths it says so; those checks guard the agreement of
independent engines (numpy series against mpmath series or quadrature).
"""

import json
import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import asymptotics
from asymptotics import Kernel, Spectrum, kernels, spectrum

# ------------------------------------------------------------------ helpers


def _log_hyp0f1_eigenvalue(k, d, beta):
    # log of (beta/2)^k Gamma(d/2)/Gamma(d/2 + k) 0F1(; d/2 + k; beta^2/4), the
    # closed form of xi_{d,k} for h = exp(beta u).
    half = mpmath.mpf(d) / 2
    beta = mpmath.mpf(beta)
    return (
        k * mpmath.log(beta / 2)
        + mpmath.loggamma(half)
        - mpmath.loggamma(half + k)
        + mpmath.log(mpmath.hyp0f1(half + k, beta**2 / 4))
    )


def _exact_series(coefficient, d, k, terms):
    # xi_{d,k} = sum_j a_{k+2j} (k+2j)! / (2^(k+2j) j! (d/2)_(k+j)) in Fractions.
    total = Fraction(0)
    for j in range(terms):
        m = k + 2 * j
        pochhammer = math.prod(Fraction(d, 2) + i for i in range(k + j))
        weight = Fraction(math.factorial(m), 2**m * math.factorial(j)) / pochhammer
        total += coefficient(m) * weight
    return total


def _exp_coefficient(m):
    return Fraction(1, math.factorial(m))


def _density_constant(d):
    d = mpmath.mpf(d)
    return mpmath.gamma(d / 2) / (mpmath.sqrt(mpmath.pi) * mpmath.gamma((d - 1) / 2))


def _expect(function, d):
    exponent = mpmath.mpf(d - 3) / 2
    integral = mpmath.quad(lambda u: function(u) * (1 - u * u) ** exponent, [-1, 0, 1])
    return _density_constant(d) * integral


def _normalised_gegenbauer(k, d, u):
    alpha = mpmath.mpf(d) / 2 - 1
    return mpmath.gegenbauer(k, alpha, u) / mpmath.gegenbauer(k, alpha, 1)


def _quiet_spectrum(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", asymptotics.AsymptoticsWarning)
        return spectrum(*args, **kwargs)


# ------------------------------------------------- float64 against references

GRID = [(2, 30), (3, 30), (10, 60), (100, 200), (1000, 200), (10**6, 200)]


@pytest.mark.parametrize("d, max_degree", GRID)
def test_exponential_float64_matches_0f1(d, max_degree):
    # Reference: the 0F1 closed form in log space at 40 digits. Every eigenvalue,
    # including those far below the float64 range, must be right to 1e-12 relative
    # through log_eigenvalues (an absolute error of 1e-12 in the logarithm).
    result = _quiet_spectrum(kernels.exponential(), d, max_degree=max_degree)
    with mpmath.workdps(40):
        for k in range(max_degree + 1):
            reference = _log_hyp0f1_eigenvalue(k, d, 1)
            assert abs(result.log_eigenvalues[k] - float(reference)) <= 1e-12 * max(
                1, abs(float(reference)) * 1e-3
            )
            value = result.eigenvalues[k]
            if value > 1e-300:
                assert value == pytest.approx(float(mpmath.exp(reference)), rel=1e-12)


@pytest.mark.parametrize("d", [1000, 10**6])
def test_exponential_float64_matches_exact_fractions(d):
    # Reference: the monomial series summed in exact Fractions for a_m = 1/m!, with
    # enough terms that the remainder is below 1e-30 relative. The float64 value is
    # rebuilt from mantissa and exponent through log_eigenvalues where it underflows.
    result = _quiet_spectrum(kernels.exponential(), d, max_degree=200)
    for k in (0, 1, 2, 7, 50, 120, 200):
        exact = _exact_series(_exp_coefficient, d, k, terms=12)
        log_exact = math.log(exact.numerator) - math.log(exact.denominator)
        assert result.log_eigenvalues[k] == pytest.approx(log_exact, rel=1e-15, abs=1e-12)


def test_exponential_float64_relative_accuracy_d1e6():
    # Reference: exact Fractions as above, compared in mpmath so that eigenvalues
    # below the float64 range are checked to 1e-12 relative through the scaled values.
    d = 10**6
    result = _quiet_spectrum(kernels.exponential(), d, max_degree=200)
    with mpmath.workdps(40):
        for k in (0, 3, 60, 150, 200):
            exact = _exact_series(_exp_coefficient, d, k, terms=12)
            reference = mpmath.mpf(exact.numerator) / exact.denominator
            value = mpmath.exp(mpmath.mpf(result.log_eigenvalues[k]))
            # log_eigenvalues near -2760 carry an absolute error of one ulp, 4.5e-13.
            assert abs(value / reference - 1) <= 1e-12


@pytest.mark.parametrize("d, max_degree", [(1000, 40), (10**6, 200)])
def test_relu_ntk_float64_matches_digits30(d, max_degree):
    # Cross-path check: the numpy series against the mpmath series at 30 digits,
    # to 1e-12 relative for every degree, exact zeros included.
    fast = _quiet_spectrum(kernels.relu_ntk(), d, max_degree=max_degree)
    precise = spectrum(kernels.relu_ntk(), d, max_degree=max_degree, digits=30)
    assert fast.precision == "float64"
    with mpmath.workdps(30):
        for k in range(max_degree + 1):
            reference = precise.eigenvalues[k]
            if reference == 0:
                assert fast.eigenvalues[k] == 0.0
                continue
            value = mpmath.exp(mpmath.mpf(fast.log_eigenvalues[k]))
            assert abs(value / reference - 1) <= 1e-12
    assert fast.tail_trace == pytest.approx(float(precise.tail_trace), rel=1e-12)


@pytest.mark.parametrize("d", [2, 3, 20])
def test_arccos_small_d_float64_matches_digits30(d):
    # Cross-path check at small d, where the float64 series is too slow and the
    # package falls back to mpmath quadrature. The float64 result still agrees to 1e-13.
    fast = spectrum(kernels.arccos(1), d, max_degree=12)
    precise = spectrum(kernels.arccos(1), d, max_degree=12, digits=30)
    for value, reference in zip(fast.eigenvalues, precise.eigenvalues):
        assert value == pytest.approx(float(reference), rel=1e-13, abs=0)


def test_relu_ntk_d1e6_tail_matches_coefficient_sum():
    # Reference: at d = 10^6 and l = 200 the tail trace is sum_{m>l} a_m up to the
    # first-order leak l(l+1)a_{l+1} + (l+1)(l+2)a_{l+2} over 2d (both computed in
    # mpmath from the closed-form coefficients of theory 2.4) and O(l^4/d^2) = 2e-3.
    result = _quiet_spectrum(kernels.relu_ntk(), 10**6, max_degree=200)
    with mpmath.workdps(30):

        def a(m):
            if m % 2:
                return mpmath.mpf(1) if m == 1 else mpmath.mpf(0)
            half = m // 2
            central = mpmath.binomial(2 * half - 2, half - 1) / mpmath.mpf(4) ** (half - 1)
            return central * (2 * half + 1) / (mpmath.pi * 2 * half * (2 * half - 1))

        tail = 2 - 1 / mpmath.pi - 1 - mpmath.fsum(a(m) for m in range(2, 201, 2))
        leak = (200 * 201 * a(201) + 201 * 202 * a(202)) / (2 * mpmath.mpf(10) ** 6)
        assert result.tail_trace == pytest.approx(float(tail - leak), rel=1e-4)


# ------------------------------------------------------------ identities


@pytest.mark.parametrize(
    "make, d",
    [(kernels.relu_ntk, 10**6), (kernels.relu_ntk, 1000), (kernels.exponential, 100),
     (lambda: kernels.gaussian(0.5), 10**3), (lambda: kernels.relu_nngp(2), 10**6)],
)  # fmt: skip
def test_float64_trace_identity(make, d):
    # Reference: sum_k B(d,k) xi_k + T = h(1) (theory 1.7), with h(1) known exactly.
    kernel = make()
    result = _quiet_spectrum(kernel, d, max_degree=200)
    masses = math.fsum(result.degree_masses.tolist())
    assert result.precision == "float64"
    assert masses + result.tail_trace == pytest.approx(float(kernel.at_one()), rel=1e-13)


@pytest.mark.parametrize("make, d", [(kernels.exponential, 30), (kernels.relu_ntk, 1000)])
def test_float64_hilbert_schmidt_identity(make, d):
    # Reference: sum_k B xi_k^2 + S = E[h(u)^2], the right side by mpmath.quad at 30 digits.
    kernel = make()
    result = spectrum(kernel, d, max_degree=60)
    squares = math.fsum((result.degree_masses * result.eigenvalues).tolist())
    with mpmath.workdps(30):
        second = _expect(lambda u: kernel(u) ** 2, d)
    assert squares + result.tail_hilbert_schmidt == pytest.approx(float(second), rel=1e-13)


def test_multiplicities_d1000_k200_exact():
    # Reference: B(d,k) = (2k + d - 2)(k + d - 3)! / (k! (d - 2)!) with Python ints,
    # a formula independent of the binomial difference used by the package.
    d = 1000
    values = asymptotics.multiplicities(d, 200)
    for k in range(1, 201):
        closed = (2 * k + d - 2) * math.factorial(k + d - 3) // (
            math.factorial(k) * math.factorial(d - 2)
        )
        assert values[k] == closed
        assert type(values[k]) is int
    assert _quiet_spectrum(kernels.exponential(), d, max_degree=200).multiplicities == values


# ------------------------------------------------------ Gaussian kernel


@pytest.mark.parametrize("d, bandwidth", [(3, 1), (20, 0.5), (10**6, 2)])
def test_gaussian_float64_matches_0f1(d, bandwidth):
    # Reference: xi_k = exp(-beta) times the 0F1 form of exp(beta u), beta = 1/bandwidth^2.
    result = _quiet_spectrum(kernels.gaussian(bandwidth), d, max_degree=40)
    beta = mpmath.mpf(1) / mpmath.mpf(bandwidth) ** 2
    with mpmath.workdps(40):
        for k in range(41):
            reference = _log_hyp0f1_eigenvalue(k, d, beta) - beta
            assert result.log_eigenvalues[k] == pytest.approx(float(reference), rel=1e-13,
                                                              abs=1e-12)  # fmt: skip


def test_gaussian_digits40_matches_0f1():
    # Reference: the same closed form at 50 digits; the spectrum promises 40.
    d, beta = 7, mpmath.mpf(4)
    result = spectrum(kernels.gaussian(Fraction(1, 2)), d, max_degree=8, digits=40)
    with mpmath.workdps(50):
        for k in range(9):
            reference = mpmath.exp(_log_hyp0f1_eigenvalue(k, d, beta) - beta)
            assert abs(result.eigenvalues[k] / reference - 1) <= mpmath.mpf("1e-38")


def test_gaussian_d3_degree0_closed_form():
    # Reference: theory 2.6, e^{u-1} at d = 3 has xi_0 = (1 - e^{-2})/2.
    result = spectrum(kernels.gaussian(1), 3, max_degree=0)
    assert result.eigenvalues[0] == pytest.approx((1 - math.exp(-2)) / 2, rel=1e-15)


def test_gaussian_rejects_bad_bandwidth():
    # Reference: the documented range, bandwidth > 0 and finite.
    with pytest.raises(ValueError, match="bandwidth"):
        kernels.gaussian(0)
    with pytest.raises(TypeError, match="bandwidth"):
        kernels.gaussian("1")


# ------------------------------------------------------ ReLU networks


def test_relu_nngp_depth1_is_arccos1():
    # Reference: theory 2.3, the two-layer NNGP normalised to h(1) = 1 is kappa_1.
    nngp, kappa1 = kernels.relu_nngp(), kernels.arccos(1)
    for u in (-0.9, -0.2, 0.0, 0.4, 1.0):
        assert float(nngp(u)) == float(kappa1(u))
    assert nngp.name == "relu_nngp(depth=1)"


@pytest.mark.parametrize("kind", [0, 1])
def test_depth1_composition_matches_closed_forms(kind):
    # Reference: theory 2.3 and 2.4 closed-form coefficients of kappa_1 and h_NTK,
    # against the power-series composition run for one layer.
    from asymptotics import _deep_relu

    closed = kernels.arccos(1) if kind == 0 else kernels.relu_ntk()
    with mpmath.workdps(30):
        composed = _deep_relu.series(1, 64, mpmath.mp.prec)[kind]
        for m in range(64):
            reference = closed.taylor_coefficient(m)
            assert abs(composed[m] - reference) <= mpmath.mpf("1e-28") * max(reference, 1e-30)


@pytest.mark.parametrize("depth", [2, 3])
def test_deep_coefficients_sum_to_values(depth):
    # Reference: the layer recursion kappa_1, kappa_0 written here in mpmath; its
    # value at u = 0.3 and u = -0.5 equals the Taylor series (256 terms, decaying
    # geometrically there) to 25 digits.
    def recursion(u):
        sigma, theta = u, u
        for _ in range(depth):
            angle = mpmath.acos(sigma)
            k0 = 1 - angle / mpmath.pi
            k1 = (mpmath.sin(angle) + (mpmath.pi - angle) * mpmath.cos(angle)) / mpmath.pi
            sigma, theta = k1, k1 + theta * k0
        return sigma, theta

    nngp, ntk = kernels.relu_nngp(depth), kernels.relu_ntk(depth)
    with mpmath.workdps(30):
        for u in (mpmath.mpf("0.3"), mpmath.mpf("-0.5")):
            sigma, theta = recursion(u)
            series_nngp = mpmath.fsum(nngp.taylor_coefficient(m) * u**m for m in range(256))
            series_ntk = mpmath.fsum(ntk.taylor_coefficient(m) * u**m for m in range(256))
            assert abs(series_nngp - sigma) <= mpmath.mpf("1e-25")
            assert abs(series_ntk - theta) <= mpmath.mpf("1e-25")
    assert float(ntk(1.0)) == depth + 1
    assert float(nngp(1.0)) == 1.0


def test_deep_ntk_small_d_matches_quadrature():
    # Reference: mpmath.quad of h P_k against the density at d = 9, with h from the
    # package's mpmath evaluation (checked against the recursion above).
    d = 9
    kernel = kernels.relu_ntk(depth=2)
    result = _quiet_spectrum(kernel, d, max_degree=4)
    with mpmath.workdps(20):
        for k in range(5):
            reference = _expect(lambda u: kernel(u) * _normalised_gegenbauer(k, d, u), d)
            assert result.eigenvalues[k] == pytest.approx(float(reference), rel=1e-9)


def test_deep_ntk_float64_matches_digits30_d1e6():
    # Cross-path check: numpy series against mpmath series for a depth-3 NTK.
    kernel = kernels.relu_ntk(depth=3)
    fast = spectrum(kernel, 10**6, max_degree=40)
    precise = spectrum(kernel, 10**6, max_degree=40, digits=30)
    assert fast.precision == "float64"
    for k in range(41):
        value = mpmath.exp(mpmath.mpf(fast.log_eigenvalues[k]))
        assert abs(value / precise.eigenvalues[k] - 1) <= 1e-12


def test_relu_kernels_reject_bad_depth():
    # Reference: the documented range, depth an integer in [1, 20].
    with pytest.raises(ValueError, match="depth"):
        kernels.relu_ntk(0)
    with pytest.raises(TypeError, match="depth"):
        kernels.relu_nngp(1.5)


# ------------------------------------------------- exact against the others


@pytest.mark.parametrize("d", [2, 3, 11, 10**6])
def test_polynomial_three_paths_agree(d):
    # Reference: exact Fractions of the monomial series written in this file for
    # h = sum_{m <= 12} u^m / m!. The package's exact, 40-digit and float64 results
    # must all agree with it.
    coefficients = [Fraction(1, math.factorial(m)) for m in range(13)]
    kernel = kernels.polynomial(coefficients)
    exact = spectrum(kernel, d, exact=True)
    digits = spectrum(kernel, d, digits=40)
    floats = spectrum(kernel, d)
    with mpmath.workdps(45):
        for k in range(13):
            reference = _exact_series(lambda m: coefficients[m] if m < 13 else 0, d, k, 7)
            assert exact.eigenvalues[k] == reference
            mp_reference = mpmath.mpf(reference.numerator) / reference.denominator
            assert abs(digits.eigenvalues[k] / mp_reference - 1) <= mpmath.mpf("1e-39")
            assert floats.log_eigenvalues[k] == pytest.approx(float(mpmath.log(mp_reference)),
                                                              rel=1e-15, abs=1e-13)  # fmt: skip


@pytest.mark.parametrize("d", [3, 50, 10**6])
def test_user_coefficient_kernel_float64_matches_exact(d):
    # Reference: exact Fraction sums for a_m = 2^-m (h = 1/(1 - u/2)), with 40 terms of
    # the monomial series at d >= 50 and 200 at d = 3. The kernel gives only a
    # coefficient callable, so the float64 series path (or its fallback) is used.
    def coefficient(m):
        return mpmath.mpf(2) ** -m

    kernel = Kernel(lambda u: 1 / (1 - u / 2), name="geometric", coefficient=coefficient)
    result = spectrum(kernel, d, max_degree=20)
    terms = 200 if d == 3 else 40
    for k in (0, 1, 5, 20):
        exact = _exact_series(lambda m: Fraction(1, 2**m), d, k, terms)
        assert result.eigenvalues[k] == pytest.approx(float(exact), rel=1e-13)


# ------------------------------------------------------- not positive definite


def test_float64_path_reports_negative_degree():
    # Reference: h = 1 + u^3/6 - u^2 + sum_{m>=4} u^m/m!: at d = 10^6 the degree-2
    # eigenvalue is about -2/d^2 < 0 (the u^2 term dominates).
    def coefficient(m):
        if m == 2:
            return mpmath.mpf(-1)
        return 1 / mpmath.factorial(m)

    kernel = Kernel(np.exp, name="not psd", coefficient=coefficient)
    with pytest.raises(ValueError, match="degree 2"):
        spectrum(kernel, 10**6, max_degree=10)


def test_float64_path_negative_exponential_raises():
    # Reference: xi_k(e^-u) = (-1)^k xi_k(e^u), so degree 1 is negative at every d.
    with pytest.raises(ValueError, match="degree 1"):
        spectrum(kernels.exponential(-1), 10**6, max_degree=50)


# ------------------------------------------------------------- large d


def test_first_order_error_shrinks_like_inverse_square():
    # Reference: exact finite-d eigenvalues of e^u from the 0F1 closed form. After the
    # 1/d correction the error of d^k xi_{d,k} falls by about 100 per factor 10 in d.
    kernel = kernels.exponential()
    errors = {}
    with mpmath.workdps(40):
        for d in (10**3, 10**4, 10**5):
            approximate = asymptotics.asymptotic_eigenvalues(kernel, d, 4, digits=40)
            errors[d] = [
                abs(approximate[k] / mpmath.exp(_log_hyp0f1_eigenvalue(k, d, 1)) - 1)
                for k in range(5)
            ]
    for k in range(5):
        for d in (10**3, 10**4):
            ratio = errors[d][k] / errors[10 * d][k]
            assert 70 < ratio < 130


def test_leading_order_error_shrinks_like_inverse_d():
    # Reference: the same closed form; without the correction the error falls by 10.
    kernel = kernels.exponential()
    with mpmath.workdps(40):
        for k in range(1, 5):
            error = [
                abs(asymptotics.asymptotic_eigenvalues(kernel, d, 4, order=0)[k]
                    / mpmath.exp(_log_hyp0f1_eigenvalue(k, d, 1)) - 1)
                for d in (10**4, 10**5)
            ]  # fmt: skip
            assert 8 < error[0] / error[1] < 12


def test_limits_relu_ntk_published():
    # Reference: theory 2.4, xi_0 -> 1/pi, d^2 xi_2 -> 3/pi, d^4 xi_4 -> 5/pi and
    # T_{>2} -> 1 - 5/(2 pi), T_{>4} -> 1 - 65/(24 pi).
    kernel = kernels.relu_ntk()
    limits = asymptotics.limit_scaled_eigenvalues(kernel, 4)
    pi = math.pi
    assert float(limits[0]) == pytest.approx(1 / pi, rel=1e-15)
    assert float(limits[2]) == pytest.approx(3 / pi, rel=1e-15)
    assert float(limits[4]) == pytest.approx(5 / pi, rel=1e-15)
    assert float(asymptotics.limit_tail_trace(kernel, 2)) == pytest.approx(1 - 5 / (2 * pi))
    assert float(asymptotics.limit_tail_trace(kernel, 4)) == pytest.approx(1 - 65 / (24 * pi))


def test_asymptotic_tail_matches_finite_d():
    # Reference: the finite-d tail of the package's exact polynomial path for
    # h = sum_{m <= 8} u^m; the first-order tail is within O(1/d^2) of it.
    coefficients = [1] * 9
    kernel = kernels.polynomial(coefficients)
    for d in (10**3, 10**4):
        exact = spectrum(kernel, d, max_degree=3, exact=True).tail_trace
        approximate = asymptotics.asymptotic_tail_trace(kernel, d, 3)
        assert abs(float(approximate) - float(exact)) <= 20 * 8**4 / d**2


def test_asymptotic_multiplicity_second_order_error():
    # Reference: exact B(d, k); the first-order form leaves O(k^4/d^2) relative.
    for k in range(6):
        for d in (10**3, 10**5):
            exact = asymptotics.multiplicity(d, k)
            approximate = asymptotics.asymptotic_multiplicity(d, k)
            assert abs(approximate / exact - 1) <= k**4 / d**2 + 1e-300


# ------------------------------------------------------------------ saving


@pytest.mark.parametrize(
    "make",
    [
        lambda: spectrum(kernels.gaussian(0.5), 20, max_degree=10),
        lambda: spectrum(kernels.relu_ntk(), 7, max_degree=6, digits=40),
        lambda: spectrum(kernels.polynomial([1, 2, 1]), 10, exact=True),
        lambda: _quiet_spectrum(kernels.exponential(), 10**6, max_degree=80, digits=50),
        lambda: _quiet_spectrum(kernels.exponential(), 10**6, max_degree=80),
    ],
)
def test_json_round_trip_identical(make):
    # Reference: the documented contract; every number loads back bit for bit.
    original = make()
    loaded = Spectrum.from_json(original.to_json())
    assert loaded.kernel.name == original.kernel.name
    assert list(loaded.eigenvalues) == list(original.eigenvalues)
    assert [type(x) for x in loaded.eigenvalues] == [type(x) for x in original.eigenvalues]
    assert np.array_equal(loaded.log_eigenvalues, original.log_eigenvalues)
    assert loaded.multiplicities == original.multiplicities
    assert loaded.tail_trace == original.tail_trace
    assert loaded.tail_hilbert_schmidt == original.tail_hilbert_schmidt
    assert loaded.value_at_one == original.value_at_one
    assert (loaded.methods, loaded.digits, loaded.precision) == (
        original.methods, original.digits, original.precision)  # fmt: skip


def test_json_provenance_fields():
    # Reference: the documented provenance, with the package version.
    record = json.loads(spectrum(kernels.relu_ntk(depth=2), 10**6, max_degree=5).to_json())
    assert record["kernel"] == {
        "name": "relu_ntk(depth=2)", "constructor": "relu_ntk", "arguments": {"depth": 2}
    }  # fmt: skip
    assert record["d"] == 10**6
    assert record["max_degree"] == 5
    assert record["package_version"] == asymptotics.__version__


def test_json_user_kernel_loads_as_provenance(tmp_path):
    # Reference: the documented contract; a user kernel loads as a placeholder that
    # raises when evaluated, while the numbers load back.
    kernel = Kernel(lambda u: 1 + u, name="one plus u", coefficient=lambda m: mpmath.mpf(m < 2))
    original = _quiet_spectrum(kernel, 5, max_degree=2)
    path = tmp_path / "spectrum.json"
    original.save(path)
    loaded = Spectrum.load(path)
    assert loaded.kernel.name == "one plus u"
    assert list(loaded.eigenvalues) == list(original.eigenvalues)
    with pytest.raises(ValueError, match="loaded from JSON"):
        loaded.kernel(0.5)


def test_json_expression_kernel_rebuilds():
    # Reference: the formula itself; the loaded kernel is rebuilt from its text and
    # evaluates exp(1/2) + (1/2)^4, and the numbers load back bit for bit.
    kernel = kernels.from_expression("exp(t) + t^4")
    original = spectrum(kernel, 30, max_degree=6)
    loaded = Spectrum.from_json(original.to_json())
    assert loaded.kernel.name == "exp(t) + t^4"
    assert float(loaded.kernel(0.5)) == pytest.approx(math.exp(0.5) + 0.0625, rel=1e-15)
    assert list(loaded.eigenvalues) == list(original.eigenvalues)
