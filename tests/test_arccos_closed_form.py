"""Closed-form spectra of the arc-cosine kernels and the two-layer ReLU NTK."""

import dataclasses

import mpmath
import numpy as np
import pytest

from asymptotics import kernels, spectrum
from asymptotics.harmonics import multiplicity

CATALOGUE = {
    "arccos0": kernels.arccos(0),
    "arccos1": kernels.arccos(1),
    "relu_ntk": kernels.relu_ntk(),
}


def without_formula(kernel):
    """The same kernel without its closed form, so spectrum() uses series or quadrature."""
    return dataclasses.replace(kernel, eigenvalue_formula=None)


def sphere_average(function, d):
    """``E[function(theta)]`` for ``u = cos theta``, u one coordinate of a uniform unit vector."""
    weight = lambda t: mpmath.sin(t) ** (d - 2)  # noqa: E731
    return mpmath.quad(lambda t: function(t) * weight(t), [0, mpmath.pi / 2, mpmath.pi]) / mpmath.quad(
        weight, [0, mpmath.pi]
    )


def quadrature_eigenvalue(kernel, d, k):
    """``E[h(u) P_k(u)]`` by mpmath.quad in the angle, split between the zeros of cos(k theta)."""
    if d == 2:
        legendre = lambda t: mpmath.cos(k * t)  # noqa: E731
    else:
        lam = mpmath.mpf(d - 2) / 2
        top = mpmath.gegenbauer(k, lam, 1)
        legendre = lambda t: mpmath.gegenbauer(k, lam, mpmath.cos(t)) / top  # noqa: E731
    weight = lambda t: mpmath.sin(t) ** (d - 2)  # noqa: E731
    nodes = mpmath.linspace(0, mpmath.pi, 2 * k + 3)
    total = mpmath.quad(lambda t: kernel.evaluate_angle(t) * legendre(t) * weight(t), nodes)
    return total / mpmath.quad(weight, [0, mpmath.pi])


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@pytest.mark.parametrize("d", [2, 3, pytest.param(5, marks=pytest.mark.slow), pytest.param(20, marks=pytest.mark.slow)])
def test_eigenvalues_match_quadrature_at_40_digits(name, d):
    # Reference: mpmath.quad of h * P_k at 70 digits (P_k of degree 40 cancels about 20 digits).
    kernel = CATALOGUE[name]
    degrees = [0, 1, 2, 3, 4, 7, 10, 31, 40]
    s = spectrum(kernel, d, max_degree=max(degrees), digits=40)
    with mpmath.workdps(70):
        for k in degrees:
            reference = quadrature_eigenvalue(kernel, d, k)
            value = s.eigenvalues[k]
            if value == 0:
                assert abs(reference) < mpmath.mpf(10) ** -40
            else:
                assert abs(value - reference) <= mpmath.mpf(10) ** -39 * abs(reference), (k, value, reference)


def test_step_kernel_fourier_series_at_d2():
    # Closed form: (1/pi) int_0^pi (1 - t/pi) cos(k t) dt = 2/(pi^2 k^2) for odd k, 0 for even k >= 2.
    s = spectrum(kernels.arccos(0), 2, max_degree=101, digits=30)
    with mpmath.workdps(30):
        for k in range(1, 102):
            expected = 2 / (mpmath.pi**2 * k**2) if k % 2 else 0
            assert abs(s.eigenvalues[k] - expected) <= mpmath.mpf(10) ** -29 * expected
    assert s.eigenvalues[0] == mpmath.mpf(1) / 2


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@pytest.mark.parametrize("d", [20, 100])
def test_closed_form_matches_series_and_quadrature(name, d):
    # Reference: the Taylor-series and quadrature engines, with the closed form switched off.
    kernel = CATALOGUE[name]
    closed = spectrum(kernel, d, max_degree=10, digits=25)
    other = spectrum(without_formula(kernel), d, max_degree=10, digits=25)
    assert set(closed.methods) == {"closed form"}
    assert "closed form" not in other.methods
    for a, b in zip(closed.eigenvalues, other.eigenvalues):
        assert abs(a - b) <= mpmath.mpf(10) ** -24 * abs(b)
    for a, b in [(closed.tail_trace, other.tail_trace), (closed.tail_hilbert_schmidt, other.tail_hilbert_schmidt)]:
        assert abs(a - b) <= mpmath.mpf(10) ** -22 * abs(b)


@pytest.mark.parametrize("d", [100, 1000])
def test_float64_matches_series_path(d):
    # Reference: the vectorised float64 Taylor-series path, closed form switched off.
    kernel = kernels.relu_ntk()
    closed = spectrum(kernel, d, max_degree=12)
    other = spectrum(without_formula(kernel), d, max_degree=12)
    np.testing.assert_allclose(closed.eigenvalues, other.eigenvalues, rtol=1e-13, atol=0)
    assert closed.tail_trace == pytest.approx(other.tail_trace, rel=1e-12)
    assert closed.tail_hilbert_schmidt == pytest.approx(other.tail_hilbert_schmidt, rel=1e-12)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_exact_zeros_stay_exact(name):
    s = spectrum(CATALOGUE[name], 7, max_degree=30)
    zero = [k for k in range(2, 31) if k % 2 == (0 if name == "arccos0" else 1)]
    assert all(s.eigenvalues[k] == 0 for k in zero)
    assert all(s.eigenvalues[k] > 0 for k in range(31) if k not in zero)
    assert np.all(np.isneginf(s.log_eigenvalues[zero]))


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@pytest.mark.parametrize("d,max_degree", [(3, 12), (5, 40), (20, 12)])
def test_tail_trace_equals_higher_masses(name, d, max_degree):
    # Reference: sum_{k > K} B(d, k) xi_k extrapolated by mpmath.nsum from the
    # Gamma-function eigenvalues at 60 digits, not by subtraction from h(1).
    kernel = CATALOGUE[name]
    s = spectrum(kernel, d, max_degree=max_degree, digits=30)
    formula = kernel.eigenvalue_formula
    with mpmath.workdps(60):
        reference = mpmath.mpf(0)
        for parity in (0, 1):
            start = max_degree + 1 + (max_degree + 1 - parity) % 2
            if not formula.is_zero(start):
                reference += mpmath.nsum(
                    lambda n: multiplicity(d, start + 2 * int(n)) * formula.eigenvalue(d, start + 2 * int(n)),
                    [0, mpmath.inf],
                )
        assert abs(s.tail_trace - reference) <= mpmath.mpf(10) ** -29 * reference
        masses = mpmath.fsum(b * x for b, x in zip(s.multiplicities, s.eigenvalues))
        assert abs(masses + s.tail_trace - s.value_at_one) <= mpmath.mpf(10) ** -29


@pytest.mark.parametrize("name", sorted(CATALOGUE))
@pytest.mark.parametrize("d", [2, 3, 5])
def test_hilbert_schmidt_tail_matches_second_moment(name, d):
    # Reference: E[h(u)^2] by mpmath.quad at 60 digits minus the kept degrees.
    kernel = CATALOGUE[name]
    s = spectrum(kernel, d, max_degree=12, digits=30)
    with mpmath.workdps(60):
        second = sphere_average(lambda t: kernel.evaluate_angle(t) ** 2, d)
        exact = spectrum(kernel, d, max_degree=12, digits=50)
        reference = second - mpmath.fsum(b * x**2 for b, x in zip(exact.multiplicities, exact.eigenvalues))
        assert abs(s.tail_hilbert_schmidt - reference) <= mpmath.mpf(10) ** -29 * reference


def test_hilbert_schmidt_tail_matches_direct_sum():
    # Reference: B(d, k) xi_k^2 summed directly up to k = 20000 (remainder below 1e-60 relative).
    kernel = kernels.relu_ntk()
    d, top = 20, 20000
    s = spectrum(kernel, d, max_degree=200)
    with mpmath.workdps(30):
        values = kernel.eigenvalue_formula.eigenvalues(d, top)
        reference = mpmath.fsum(multiplicity(d, k) * values[k] ** 2 for k in range(201, top + 1))
    assert s.tail_hilbert_schmidt == pytest.approx(float(reference), rel=1e-14)


def test_float64_at_large_dimension_matches_mpmath():
    # Reference: the same closed form at 40 digits; the float path must round it.
    kernel = kernels.relu_ntk()
    d = 10**6
    low = spectrum(kernel, d, max_degree=60)
    high = spectrum(kernel, d, max_degree=60, digits=40)
    for k in range(61):
        if high.eigenvalues[k] == 0:
            assert low.eigenvalues[k] == 0
        else:
            assert low.log_eigenvalues[k] == pytest.approx(float(mpmath.log(high.eigenvalues[k])), rel=1e-15)
            assert low.eigenvalues[k] == pytest.approx(float(high.eigenvalues[k]), rel=1e-15)
    assert low.tail_trace == pytest.approx(float(high.tail_trace), rel=1e-15)


def test_user_kernel_ignores_closed_form():
    catalogue = kernels.relu_ntk()
    user = kernels.Kernel(catalogue.function, name="copy", angular=catalogue.angular)
    assert user.eigenvalue_formula is None
    s = spectrum(user, 50, max_degree=2)
    assert "closed form" not in s.methods
