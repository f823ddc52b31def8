"""Deterministic equivalents against the mean of real kernel training on sampled data.

The simulation runs exact gradient flow or descent on sampled inputs with the
test risk computed exactly (Funk-Hecke) and the label noise averaged exactly,
so its only scatter is over inputs and target directions. Each comparison
allows three standard errors of the simulated mean, measured from the spread
of the same run's draws, plus a model error. Over the grid of
``examples/validate.py`` with d >= 20 (``docs/validation.md``) the measured
deviation of the equivalent from the simulated mean is 0.3 % (median) and
1.4 % (maximum) for the test risk, and 0.8 % and 2.7 % for the training risk,
so the fast cases allow 2 % and the grid allows 4 %. The training risk is compared where
it is above 1 % of its initial value; below that it is set by the few smallest
eigenvalues of K/n, whose spread the mean over tens of draws does not settle.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

from asymptotics import Target, kernels, spectrum
from asymptotics.empirical import empirical_risk
from asymptotics.simulation import simulate

TIMES = np.array([0.3, 3.0, 30.0, 300.0, 3000.0, 3e4, 3e5, np.inf])
MODEL_ERROR = 0.02
GRID_MODEL_ERROR = 0.04
STANDARD_ERRORS = 3.0

CASES = {
    "exponential d=20 n=200 noisy": (kernels.exponential(), 20, 200, {1: 1.0, 2: 1.0, 3: 0.5}, 0.5),
    "relu_ntk d=30 n=465": (kernels.relu_ntk(), 30, 465, {1: 1.0, 2: 1.0}, 0.5),
}
SLOW_CASES = {
    "exponential d=20 n=400 noiseless": (kernels.exponential(), 20, 400, {1: 1.0, 2: 1.0}, 0.0),
    "relu_ntk d=20 n=300": (kernels.relu_ntk(), 20, 300, {1: 1.0, 2: 1.0, 3: 1.0}, 0.25),
    "relu_ntk d=40 n=d^1.5": (kernels.relu_ntk(), 40, 253, {0: 0.5, 1: 1.0, 2: 1.0}, 0.1),
    "exponential d=25 n=B(25,2)+26": (kernels.exponential(), 25, 351, {1: 1.0, 2: 1.0}, 0.3),
    "polynomial d=20 n=d^2.2": (kernels.polynomial([0.2, 1, 0.5, 0.25]), 20, 727, {1: 1.0, 2: 1.0, 3: 1.0}, 0.2),
}
# Weight decay and gradient descent: (options, times), at exponential d = 20, n = 200.
SCHEDULES = {
    "weight decay": ({"ridge": 3e-3}, TIMES),
    "descent": ({"step_size": 0.3}, np.array([3.0, 30.0, 300.0, 3000.0, 3e4, np.inf])),
    "descent with weight decay": (
        {"ridge": 1e-3, "step_size": 0.3},
        np.array([3.0, 30.0, 300.0, 3000.0, np.inf]),
    ),
}


def _assert_close(simulated, theory, model_error):
    allowed_test = STANDARD_ERRORS * simulated.test_error + model_error * theory.test
    assert np.all(np.abs(simulated.test - theory.test) <= allowed_test)
    resolved = theory.train >= 0.01 * theory.train[0]
    allowed_train = STANDARD_ERRORS * simulated.train_error + model_error * theory.train
    assert np.all(np.abs(simulated.train - theory.train)[resolved] <= allowed_train[resolved])


def _compare(kernel, d, n, energies, noise, seeds, times=TIMES, **options):
    target = Target(energies, noise)
    simulated = simulate(kernel, d, n, target, times, seeds=seeds, max_degree=14, **options)
    theory = empirical_risk(spectrum(kernel, d, max_degree=14), target, n, times, **options)
    _assert_close(simulated, theory, MODEL_ERROR)
    return simulated, theory


@pytest.mark.parametrize("case", sorted(CASES))
def test_theory_matches_simulation(case):
    _compare(*CASES[case], seeds=40)


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_schedules_match_simulation(schedule):
    options, times = SCHEDULES[schedule]
    _compare(*CASES["exponential d=20 n=200 noisy"], seeds=40, times=times, **options)


def test_bias_by_degree_matches_simulation():
    # Per degree, the model error is taken relative to the whole bias: a degree
    # that is already learned carries a small share with the same absolute error.
    simulated, theory = _compare(*CASES["exponential d=20 n=200 noisy"], seeds=40)
    allowed = STANDARD_ERRORS * simulated.bias_by_degree_error + MODEL_ERROR * theory.bias[:, None]
    assert np.all(np.abs(simulated.bias_by_degree - theory.bias_by_degree) <= allowed)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES) + sorted(SLOW_CASES))
def test_theory_matches_simulation_many_seeds(case):
    _compare(*{**CASES, **SLOW_CASES}[case], seeds=200)


def _validation_grid():
    path = pathlib.Path(__file__).parents[1] / "examples" / "validate.py"
    spec = importlib.util.spec_from_file_location("validate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VALIDATE = _validation_grid()
GRID = [setting for setting in VALIDATE.build_grid() if setting["d"] >= 20]


@pytest.mark.slow
@pytest.mark.parametrize(
    "setting", GRID, ids=[f"{s['kernel']}-d{s['d']}-n{s['n']}-{s['harmonics']}" for s in GRID]
)
def test_validation_grid(setting):
    # The settings of docs/validation.md with d >= 20 and the same seed counts.
    record = VALIDATE.run_setting(setting)
    simulated = np.array(record["sim_test"]), np.array(record["sim_test_error"])
    theory_test = np.array(record["theory_test"])
    allowed = STANDARD_ERRORS * simulated[1] + GRID_MODEL_ERROR * theory_test
    assert np.all(np.abs(simulated[0] - theory_test) <= allowed)
    theory_train = np.array(record["theory_train"])
    resolved = theory_train >= VALIDATE.TRAIN_FLOOR * record["initial"]
    allowed = (
        STANDARD_ERRORS * np.array(record["sim_train_error"]) + GRID_MODEL_ERROR * theory_train
    )
    deviation = np.abs(np.array(record["sim_train"]) - theory_train)
    assert np.all(deviation[resolved] <= allowed[resolved])
