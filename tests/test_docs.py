"""Documentation: the API page is current, and the conversions in docs/conventions.md hold."""

import math
import pathlib
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from asymptotics import Target, kernels, oracle_risk, spectrum

ROOT = pathlib.Path(__file__).parents[1]


def test_api_page_is_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate_api.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_api_page_lists_every_public_name():
    import asymptotics
    from asymptotics import plotting

    page = (ROOT / "docs" / "api.md").read_text()
    for module in (asymptotics, kernels, plotting):
        for name in module.__all__:
            assert f"`{name}" in page, name


def test_scaled_kernel_runs_faster_in_time():
    # Oracle flow with c h at time t equals the flow with h at time c t.
    c = 3
    target = Target({0: 0.5, 1: 1.0, 2: 1.0}, noise=0.1)
    scaled = spectrum(kernels.polynomial([c, c, c]), 7, exact=True)
    plain = spectrum(kernels.polynomial([1, 1, 1]), 7, exact=True)
    t = np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(oracle_risk(scaled, target, t), oracle_risk(plain, target, c * t), rtol=1e-14)


def test_relu_ntk_normalisation():
    # h(1) = 2, and the degree masses sum to h(1).
    spec = spectrum(kernels.relu_ntk(), 10)
    assert float(spec.value_at_one) == 2.0
    total = float(sum(spec.degree_masses)) + float(spec.tail_trace)
    assert total == pytest.approx(2.0, rel=1e-12)


def test_legendre_series_at_dimension_three():
    # At d = 3, h = P_k (Legendre) has xi_k = 1/(2k + 1) and all other eigenvalues 0.
    legendre = {2: [Fraction(-1, 2), 0, Fraction(3, 2)], 3: [0, Fraction(-3, 2), 0, Fraction(5, 2)]}
    for k, coefficients in legendre.items():
        spec = spectrum(kernels.polynomial(coefficients), 3, exact=True)
        assert spec.eigenvalues[k] == Fraction(1, 2 * k + 1)
        assert all(value == 0 for j, value in enumerate(spec.eigenvalues) if j != k)


def test_gegenbauer_series_conversion():
    # h = C_2^(lam)(u) = 2 lam (lam + 1) u^2 - lam at d = 7 (lam = 5/2) has xi_2 = lam/(2 + lam).
    lam = Fraction(5, 2)
    spec = spectrum(kernels.polynomial([-lam, 0, 2 * lam * (lam + 1)]), 7, exact=True)
    assert spec.eigenvalues[2] == lam / (2 + lam)
    assert spec.eigenvalues[0] == 0


def test_gaussian_kernel_conversion():
    # exp(-||x - x'||^2 / (2 l^2)) with ||x - x'||^2 = 2 d (1 - u) equals exp(-scale) exp(scale u).
    d, length = 10, 2.0
    scale = d / length**2
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, d))
    x, y = math.sqrt(d) * x / np.linalg.norm(x), math.sqrt(d) * y / np.linalg.norm(y)
    gaussian = math.exp(-np.sum((x - y) ** 2) / (2 * length**2))
    u = float(x @ y) / d
    assert math.exp(-scale) * float(kernels.exponential(scale)(u)) == pytest.approx(gaussian, rel=1e-13)
