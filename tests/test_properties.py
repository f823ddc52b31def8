"""Property-based tests of every public entry point, with generated inputs.

There are two hypothesis profiles. ``fast`` is the default and runs a few
examples per property, so the file takes well under a minute. ``thorough`` runs
thousands of examples per property and is selected with the environment variable
``HYPOTHESIS_PROFILE=thorough``. ``HYPOTHESIS_MAX_EXAMPLES=N`` overrides the
count of either. The properties are mathematical facts that
hold for every valid input; the reference for each is named in its docstring.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import os
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from asymptotics import (
    AsymptoticsWarning,
    Kernel,
    Target,
    empirical_risk,
    gegenbauer,
    kernels,
    limit_stages,
    oracle_risk,
    ridge_risk,
    simulate,
    spectrum,
    stage_of,
    stages,
)
from asymptotics.cli import main
from asymptotics.empirical import ABSOLUTE_ACCURACY

settings.register_profile(
    "fast",
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
if "HYPOTHESIS_MAX_EXAMPLES" in os.environ:
    # Overrides the profile's count, for a thorough run that must fit a time budget.
    settings.register_profile(
        "custom", settings(), max_examples=int(os.environ["HYPOTHESIS_MAX_EXAMPLES"])
    )
    settings.load_profile("custom")

MAX_DEGREE = 6


# --- Strategies -----------------------------------------------------------------------------


def _make_kernel(description):
    kind, parameter = description
    if kind == "exponential":
        return kernels.exponential(parameter)
    if kind == "polynomial":
        return kernels.polynomial(parameter)
    if kind == "arccos":
        return kernels.arccos(parameter)
    return kernels.relu_ntk()


# Kernels are described by hashable tuples so that spectra can be cached.
kernel_descriptions = st.one_of(
    st.tuples(st.just("exponential"), st.fractions(0, 3, max_denominator=8)),
    st.tuples(
        st.just("polynomial"),
        st.lists(st.fractions(0, 4, max_denominator=6), min_size=1, max_size=5).map(tuple),
    ),
    st.tuples(st.just("arccos"), st.sampled_from([0, 1])),
    st.tuples(st.just("relu_ntk"), st.none()),
)

# Small dimensions, where the series converge slowly, and the whole range up to 10^8.
dimensions = st.one_of(st.integers(2, 12), st.integers(13, 10**8))


@functools.lru_cache(maxsize=None)
def cached_spectrum(description, d):
    kernel = _make_kernel(description)
    max_degree = None if kernel.polynomial_degree is not None else MAX_DEGREE
    with warnings.catch_warnings():
        # Spectra of kernels with an unresolved tiny tail warn; the risks do not depend on it.
        warnings.simplefilter("ignore", AsymptoticsWarning)
        return spectrum(kernel, d, max_degree=max_degree)


def targets(max_degree):
    energy = st.one_of(st.just(0.0), st.floats(1e-6, 1e3))
    energies = st.dictionaries(st.integers(0, max_degree), energy, max_size=4)
    noise = st.one_of(st.just(0.0), st.floats(1e-6, 10.0))
    return st.builds(Target, energies, noise)


times = st.lists(
    st.one_of(st.just(0.0), st.just(math.inf), st.floats(1e-6, 1e14)), min_size=0, max_size=6
)
sample_sizes = st.one_of(st.integers(1, 10**12), st.floats(1.0, 1e12))


@st.composite
def problems(draw):
    """A kernel description, dimension, spectrum and a target within its degrees."""
    description = draw(kernel_descriptions)
    d = draw(dimensions)
    spec = cached_spectrum(description, d)
    target = draw(targets(spec.max_degree))
    return description, d, spec, target


def _assert_risks_valid(risk, target):
    """Check that no risk is NaN or negative and that the test risk is at least the noise."""
    for name in ("test", "train", "bias", "variance"):
        values = getattr(risk, name)
        assert not np.isnan(values).any(), name
        assert np.all(values >= 0), name
    assert np.all(risk.test >= target.noise)


def _run_quietly(function, *args):
    """Call ``function``; skip the example when the package reports it cannot be accurate.

    A warning is the package's explicit statement of trouble, which is the
    intended outcome for such inputs; the properties concern silent results.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", AsymptoticsWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return function(*args)
        except AsymptoticsWarning:
            assume(False)


# --- Spectra --------------------------------------------------------------------------------


@given(kernel_descriptions, dimensions)
def test_spectrum_trace_identity(description, d):
    """``sum_k B(d,k) xi_k + T_{>K} = h(1)``, with ``h(1)`` evaluated directly in float64."""
    spec = cached_spectrum(description, d)
    h_one = float(np.asarray(_make_kernel(description)(1.0)))
    total = math.fsum(np.asarray(spec.degree_masses, dtype=float)) + float(spec.tail_trace)
    assert total == pytest.approx(h_one, rel=1e-13, abs=1e-300)


@given(kernel_descriptions, dimensions)
def test_spectrum_nonnegative_and_finite(description, d):
    """Positive definite kernels (non-negative Taylor coefficients) have ``xi_k >= 0``."""
    spec = cached_spectrum(description, d)
    values = np.asarray(spec.eigenvalues, dtype=float)
    assert np.all(np.isfinite(values))
    assert np.all(values >= 0)
    assert float(spec.tail_trace) >= 0
    assert float(spec.tail_hilbert_schmidt) >= 0


@given(kernel_descriptions, st.one_of(st.integers(2, 12), st.integers(13, 10**6)))
def test_spectrum_tail_shrinks_by_masses(description, d):
    """Raising ``max_degree`` by 2 moves exactly the two new degree masses out of the tail.

    The two spectra are separate computations; the tail of each may be a
    direct sum or a subtraction from ``h(1)``.
    """
    kernel = _make_kernel(description)
    assume(kernel.polynomial_degree is None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsymptoticsWarning)
        low = spectrum(kernel, d, max_degree=4)
        high = spectrum(kernel, d, max_degree=6)
    moved = float(high.degree_masses[5] + high.degree_masses[6])
    scale = float(low.value_at_one)
    assert float(low.tail_trace) - float(high.tail_trace) == pytest.approx(
        moved, rel=1e-10, abs=1e-14 * scale
    )


@settings(max_examples=max(2, settings().max_examples // 4))
@given(kernel_descriptions, st.one_of(st.integers(2, 12), st.integers(13, 10**8)))
def test_float64_and_mpmath_spectra_agree(description, d):
    """The float64 result agrees with the 25-digit mpmath result to 13 digits per eigenvalue."""
    kernel = _make_kernel(description)
    max_degree = 4 if kernel.polynomial_degree is None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsymptoticsWarning)
        double = spectrum(kernel, d, max_degree=max_degree)
        precise = spectrum(kernel, d, max_degree=max_degree, digits=25)
    for k, (x, y) in enumerate(zip(double.eigenvalues, precise.eigenvalues)):
        if y == 0:
            assert x == 0, f"degree {k}"
        elif abs(float(y)) >= 1e-300:
            assert float(x) == pytest.approx(float(y), rel=1e-13), f"degree {k}"


# --- Oracle and empirical risks -------------------------------------------------------------


@given(problems(), times)
def test_oracle_risk_nonincreasing(problem, t):
    """``R_or(t) = sigma^2 + sum_k F_k^2 exp(-2 xi_k t)`` is non-increasing and ``>= sigma^2``."""
    _, _, spec, target = problem
    order = np.sort(np.asarray(t, dtype=float))
    risk = oracle_risk(spec, target, order)
    assert not np.isnan(risk).any()
    assert np.all(risk >= target.noise)
    assert np.all(np.diff(risk) <= 0)


@given(problems(), sample_sizes, times)
def test_empirical_risk_valid_values(problem, n, t):
    """Risks are means of squares: no NaN, none negative, test never below the noise.

    The training risk is non-increasing in time: in every draw the residual
    ``exp(-t K/n) y`` shrinks. Checked to the stated absolute accuracy of the
    Laplace inversion.
    """
    _, _, spec, target = problem
    order = np.sort(np.asarray(t, dtype=float))
    risk = _run_quietly(empirical_risk, spec, target, n, order)
    _assert_risks_valid(risk, target)
    slack = ABSOLUTE_ACCURACY * (target.noise + target.total_energy)
    assert np.all(np.diff(risk.train) <= slack)


@given(problems(), sample_sizes, st.lists(st.one_of(st.just(0.0), st.floats(1e-12, 1e6))))
def test_ridge_risk_valid_values(problem, n, ridges):
    """Ridge risks are finite-or-infinite, never NaN or negative, and test ``>= noise``."""
    _, _, spec, target = problem
    risk = _run_quietly(ridge_risk, spec, target, n, ridges)
    _assert_risks_valid(risk, target)


@given(problems(), st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_huge_n_recovers_oracle(problem, fractions_of_limit):
    """At ``n = 10^12`` and ``t <= 10^-6 n / h(1)`` the test risk equals the oracle risk.

    The deterministic equivalent departs from the oracle by terms of order
    ``t h(1) / n`` (the kernel's trace seen by ``n`` samples), here at most 1e-6.
    """
    description, d, spec, target = problem
    n = 1e12
    limit = 1e-6 * n / max(float(spec.value_at_one), 1e-300)
    t = limit * np.asarray(fractions_of_limit)
    risk = _run_quietly(empirical_risk, spec, target, n, t)
    oracle = oracle_risk(spec, target, t)
    scale = target.noise + target.total_energy
    assert np.allclose(risk.test, oracle, rtol=0, atol=2e-6 * scale + 1e-300)


@given(problems(), sample_sizes, times, st.randoms(use_true_random=False))
def test_time_order_does_not_matter(problem, n, t, random):
    """Permuting and duplicating the times permutes and duplicates the results."""
    _, _, spec, target = problem
    t = list(t) + list(t[:2])
    shuffled = list(t)
    random.shuffle(shuffled)
    first = _run_quietly(empirical_risk, spec, target, n, t)
    second = _run_quietly(empirical_risk, spec, target, n, shuffled)
    lookup = {}
    for time, test, train in zip(t, first.test, first.train):
        lookup.setdefault(time, []).append((test, train))
    for time, test, train in zip(shuffled, second.test, second.train):
        for reference in lookup[time]:
            assert test == pytest.approx(reference[0], rel=1e-12, abs=1e-300)
            assert train == pytest.approx(reference[1], rel=1e-12, abs=1e-300)
    oracle_first = oracle_risk(spec, target, t)
    oracle_second = oracle_risk(spec, target, shuffled)
    assert sorted(oracle_first.tolist()) == sorted(oracle_second.tolist())


def test_empty_times_give_empty_results():
    spec = cached_spectrum(("relu_ntk", None), 10)
    target = Target({1: 1.0}, noise=0.1)
    assert oracle_risk(spec, target, []).shape == (0,)
    assert empirical_risk(spec, target, 50, []).test.shape == (0,)


@given(problems(), sample_sizes)
def test_stage_of_is_monotone_and_finite(problem, n):
    """Stages never decrease with time, and a boundary at ``inf`` is never reached."""
    _, _, spec, target = problem
    try:
        report = _run_quietly(stages, spec, target, n)
    except ValueError as error:
        # The spectrum stops below the degree n samples can learn: an explicit rejection.
        assert "max_degree" in str(error)
        return
    grid = np.concatenate([[0.0], np.logspace(-6, 20, 30), [np.inf]])
    labels = stage_of(report, grid)
    assert np.all(np.diff(labels) >= 0)
    if math.isinf(report.t2):
        assert labels[-1] != 3
    if math.isinf(report.t1) and math.isinf(report.t2):
        assert labels[-1] == 1


@given(kernel_descriptions, targets(8), st.floats(0.01, 7.99).filter(lambda a: a % 1 > 1e-6))
def test_limit_stages_consistent(description, target, alpha):
    """The ``d -> inf`` table: stage 2 has zero training risk, the oracle risk never increases."""
    rows = limit_stages(_make_kernel(description), target, alpha)
    assert rows[0].gamma_low == 0.0
    assert rows[-1].gamma_high == math.inf
    for row in rows:
        assert row.train <= row.test
        assert row.test >= target.noise
        if row.stage == 2:
            assert row.train == 0.0
    oracle = [row.oracle for row in rows]
    assert oracle == sorted(oracle, reverse=True)


# --- Bad input at the entry points ---------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.complex_numbers(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.floats(allow_nan=True), max_size=3),
)


def _accepted_or_rejected(call, name):
    """Run ``call``; a rejection must be a ValueError or TypeError naming ``name``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsymptoticsWarning)
        try:
            result = call()
        except (ValueError, TypeError) as error:
            assert name in str(error), str(error)
            return None
    return result


@given(junk)
def test_sample_size_junk(n):
    spec = cached_spectrum(("exponential", Fraction(1)), 10)
    target = Target({1: 1.0}, noise=0.1)
    risk = _accepted_or_rejected(lambda: empirical_risk(spec, target, n, [0.0, 1.0, np.inf]), "n")
    if risk is not None:
        assert not np.isnan(risk.test).any()
        assert np.all(risk.test >= 0.1)


@given(junk)
def test_times_junk(t):
    spec = cached_spectrum(("exponential", Fraction(1)), 10)
    target = Target({1: 1.0}, noise=0.1)
    risk = _accepted_or_rejected(lambda: oracle_risk(spec, target, t), "t")
    if risk is not None:
        assert not np.isnan(risk).any()
        assert np.all(risk >= 0.1)


@given(junk)
def test_dimension_junk(d):
    spec = _accepted_or_rejected(lambda: spectrum(kernels.polynomial([1, 1]), d), "d")
    if spec is not None:
        assert spec.d >= 2


@given(junk, junk)
def test_target_junk(energy, noise):
    target = _accepted_or_rejected(lambda: Target({1: energy}, noise=0.0), "energies")
    if target is not None:
        assert math.isfinite(target.total_energy)
    target = _accepted_or_rejected(lambda: Target({1: 1.0}, noise=noise), "noise")
    if target is not None:
        assert math.isfinite(target.noise)
        assert target.noise >= 0


@given(junk, junk)
def test_gegenbauer_junk(k, t):
    value = _accepted_or_rejected(lambda: gegenbauer(k, 5, 0.5), "k")
    if value is not None:
        assert math.isfinite(float(value))
    value = _accepted_or_rejected(lambda: gegenbauer(3, 5, t), "t")
    if value is not None:
        # Finite in gives finite out; NaN in gives NaN out.
        points = np.asarray(t, dtype=float)
        assert np.all(np.isfinite(value[np.isfinite(points)]))
        assert np.all(np.isnan(value[np.isnan(points)]))


@given(junk)
def test_digits_junk(digits):
    spec = _accepted_or_rejected(
        lambda: spectrum(kernels.polynomial([1, 1]), 10, digits=digits), "digits"
    )
    if spec is not None and digits is not None:
        assert 1 <= spec.digits <= 100


# --- Command line ---------------------------------------------------------------------------

cli_values = st.one_of(
    st.sampled_from(["2", "3", "10", "100", "0", "-1", "1.5", "nan", "inf", "1e8", "", "x"]),
    st.integers(-5, 10**9).map(str),
    st.floats(allow_nan=True).map(str),
)
cli_options = st.sampled_from(
    [
        "--d", "--n", "--alpha", "--t-min", "--t-max", "--points", "--noise", "--energies",
        "--kernel", "--scale", "--coefficients", "--max-degree", "--format", "--digits",
    ]
)  # fmt: skip
cli_special = st.sampled_from(
    ["relu_ntk", "exponential", "polynomial", "arccos0", "arccos1", "gauss", "1:1,2:0.5",
     "1:-1", "1:nan", "x:1", "1:1,1:2", "1,2,1", "1,-1", "json", "csv", "table"]
)  # fmt: skip


@st.composite
def argvs(draw):
    argv = [draw(st.sampled_from(["curves", "spectrum", "stages", "--help", "bogus"]))]
    for _ in range(draw(st.integers(0, 4))):
        argv.append(draw(cli_options))
        argv.append(draw(st.one_of(cli_values, cli_special)))
    # Keep most runs cheap: 3 points unless the draw sets --points itself.
    return argv + ["--points", "3"] if argv[0] == "curves" and "--points" not in argv else argv


@settings(max_examples=max(4, settings().max_examples // 2))
@given(argvs())
def test_cli_never_prints_traceback(argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                status = main(argv)
            except SystemExit as exit:
                status = exit.code
    errors = stderr.getvalue()
    assert "Traceback" not in errors
    assert status in (0, 2), (argv, status, errors)
    if status == 2:
        assert errors.strip().count("\n") == 0, errors
        assert "error" in errors
    else:
        assert "nan" not in stdout.getvalue().lower().split(), stdout.getvalue()


# --- Regressions found by the generated inputs ----------------------------------------------


def test_fraction_sample_size_accepted():
    spec = cached_spectrum(("relu_ntk", None), 10)
    target = Target({1: 1.0}, noise=0.1)
    by_fraction = empirical_risk(spec, target, Fraction(201, 2), [1.0]).test
    by_float = empirical_risk(spec, target, 100.5, [1.0]).test
    assert by_fraction[0] == by_float[0]


@pytest.mark.parametrize(
    "function, fragment",
    [
        (lambda u: None, "real number"),
        (lambda u: "1", "real number"),
        (lambda u: np.nan * np.asarray(u), "finite and real"),
        (lambda u: np.asarray(u) + 1j, "real"),
        (lambda u: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_broken_kernel_function_rejected(function, fragment):
    with pytest.raises(ValueError, match=fragment):
        spectrum(Kernel(function, name="broken"), 5, max_degree=3)


def test_kernel_not_positive_definite_rejected():
    # h(u) = -u^2 has xi_0 = -E[u^2] = -1/d < 0 (exact: E[u^2] = 1/d on the sphere).
    with pytest.raises(ValueError, match="not positive semidefinite"):
        spectrum(Kernel(lambda u: -np.asarray(u) ** 2, name="negative"), 5, max_degree=3)
    with pytest.raises(ValueError, match="not positive semidefinite"):
        spectrum(kernels.polynomial([1, 0, -1]), 5)


def test_target_energy_overflow_rejected():
    with pytest.raises(ValueError, match="rescale"):
        Target({1: 1e308, 2: 1e308})
    with pytest.raises(ValueError, match="rescale"):
        Target({1: 1e300}, noise=1e300)


def test_risks_scale_linearly_near_float_limit():
    """Risks are linear in (energies, noise): a target at 1e299 gives 1e299 times the curves."""
    spec = cached_spectrum(("relu_ntk", None), 10)
    unit = empirical_risk(spec, Target({1: 0.5, 2: 0.5}, noise=0.25), 50, [0.0, 1.0, 1e3, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = empirical_risk(
            spec, Target({1: 0.5e299, 2: 0.5e299}, noise=0.25e299), 50, [0.0, 1.0, 1e3, np.inf]
        )
    assert np.allclose(big.test / 1e299, unit.test, rtol=1e-12)
    assert np.allclose(big.train / 1e299, unit.train, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("t", [None, 0.5 + 1j, "0.5", [0.1, None], np.array([0.5j])])
def test_gegenbauer_rejects_non_real(t):
    with pytest.raises(TypeError, match="t must be a real number"):
        gegenbauer(3, 5, t)


@pytest.mark.parametrize("d", [2, 3, 4, 7, 100])
@pytest.mark.parametrize("k", [1, 3, 5, 8])
def test_gegenbauer_mpmath_at_zero(k, d):
    """Exact value from sympy's Gegenbauer polynomial, ``C_k^{(nu)}(0) / C_k^{(nu)}(1)``.

    mpmath 1.3's own ``gegenbauer`` fails at argument 0 for odd degree; ours
    uses the three-term recurrence and needs no special case.
    """
    if d == 2:
        exact = sympy.chebyshevt(k, 0)
    else:
        nu = sympy.Rational(d - 2, 2)
        exact = sympy.gegenbauer(k, nu, 0) / sympy.gegenbauer(k, nu, 1)
    with mpmath.workdps(30):
        value = gegenbauer(k, d, mpmath.mpf(0))
        assert isinstance(value, mpmath.mpf)
        assert abs(value - mpmath.mpf(sympy.Float(exact, 40))) <= mpmath.mpf(10) ** -28


def test_stage_of_with_unreachable_boundaries():
    # h(u) = u: the spectrum has one positive degree, so with the target on degree 1 and
    # n = 11 >= N(10, <=1) there is no kernel mass above l = 1: t1 = t2 = inf.
    spec = spectrum(kernels.polynomial([0, 1]), 10, max_degree=3)
    report = stages(spec, Target({1: 1.0}), n=11)
    assert math.isinf(report.t1) and math.isinf(report.t2)
    assert stage_of(report, [0.0, 1e300, np.inf]).tolist() == [1, 1, 1]


def test_limit_stages_no_second_stage_without_mass_above():
    # h(u) = u with n = d^1.5 learns degree 1, and the kernel has no mass above it,
    # so the training risk never falls and there is no stage 2.
    rows = limit_stages(kernels.polynomial([0, 1]), Target({1: 1.0}), 1.5)
    assert [row.stage for row in rows] == [1, 1]
    assert rows[-1].train == rows[-1].test == 0.0


def test_simulate_rejects_beyond_memory():
    with pytest.raises(ValueError, match="GiB"):
        simulate(kernels.relu_ntk(), 10, 10**7, Target({1: 1.0}), [1.0])


def test_digits_capped():
    with pytest.raises(ValueError, match=r"digits must be None or an integer in \[1, 100\]"):
        spectrum(kernels.exponential(), 10, digits=200)


def test_energy_beyond_spectrum_rejected():
    spec = cached_spectrum(("relu_ntk", None), 10)
    with pytest.raises(ValueError, match="max_degree"):
        oracle_risk(spec, Target({spec.max_degree + 1: 1.0}), [1.0])
    with pytest.raises(ValueError, match="max_degree"):
        empirical_risk(spec, Target({spec.max_degree + 1: 1.0}), 100, [1.0])


def test_energy_beyond_polynomial_spectrum_is_never_learned():
    # h(u) = u has xi_k = 0 exactly for k != 1, so energy in degree 5 stays at every t.
    spec = spectrum(kernels.polynomial([0, 1]), 10)
    risk = oracle_risk(spec, Target({1: 1.0, 5: 2.0}), [0.0, np.inf])
    assert risk.tolist() == [3.0, 2.0]


def test_kernel_undefined_outside_interval():
    """``h(u) = 2 + arcsin(u)`` is NaN for ``|u| > 1``; inputs rounded outside are clipped.

    Its Taylor coefficients are non-negative, so it is positive definite. At
    d = 3 the inner product ``u`` is uniform on [-1, 1], so the closed form is
    ``xi_1 = E[u arcsin u] = pi/8``.
    """
    kernel = Kernel(lambda u: 2 + np.arcsin(np.asarray(u, dtype=float)), name="arcsin")
    spec = spectrum(kernel, 3, max_degree=1)
    assert float(spec.eigenvalues[1]) == pytest.approx(math.pi / 8, rel=1e-12)
    result = simulate(kernel, 3, 20, Target({1: 1.0}), [0.0, 1.0], seeds=2, max_degree=1)
    assert np.all(np.isfinite(result.test))


def test_large_dimension_as_float_accepted():
    by_float = spectrum(kernels.relu_ntk(), 1e8, max_degree=2)
    assert by_float.d == 10**8
    assert float(by_float.eigenvalues[1]) == pytest.approx(1e-8, rel=1e-14)


def test_cli_points_capped(capsys):
    assert main(["curves", "--points", "1001"]) == 2
    assert "--points must be an integer in [1, 1000]" in capsys.readouterr().err


def test_simulate_rejects_scalar_kernel_output():
    # A constant written as ``lambda u: 1.0`` is fine for the spectrum (one point at a
    # time) but gives no Gram matrix.
    constant = Kernel(lambda u: 1.0, name="constant")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsymptoticsWarning)
        with pytest.raises(ValueError, match="one value per entry"):
            simulate(constant, 5, 10, Target({0: 1.0}), [1.0], seeds=2, max_degree=2)


def test_gegenbauer_degree_capped():
    # The recurrence takes k steps, so k = 10^20 would never return.
    with pytest.raises(ValueError, match=r"k must be an integer in \[0, 100000\]"):
        gegenbauer(10**20, 5, 0.5)
