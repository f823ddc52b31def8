"""Finite-d deterministic equivalent against the d -> inf limit curves.

For alpha in {0.5, 1.5, 2.5} and the exponential and ReLU NTK kernels, the
finite-d curves at n = d^alpha and t = d^gamma (d = 10^2 .. 10^5) are compared
with limit_curves. The reference for the rate is the leading-order correction:
at a time exponent gamma a distance delta below the next exponent where
something is learned, the residual 1 - exp(-2 c d^-delta) ~ 2 c d^-delta is
what the limit sets to 0, so the distance shrinks at least like d^-delta.
"""

import math

import numpy as np
import pytest

from asymptotics import (
    Target,
    empirical_risk,
    kernels,
    limit_convergence,
    limit_curves,
    oracle_risk,
    spectrum,
)

TARGET = Target({0: 0.5, 1: 1.0, 2: 1.0, 3: 1.0, 4: 0.5}, noise=0.25)
KERNELS = {"exponential": kernels.exponential(), "relu_ntk": kernels.relu_ntk()}
ALPHAS = [0.5, 1.5, 2.5]
# Time exponents a quarter away from every integer and from alpha = x.5.
GAMMAS = np.arange(0.25, 4.8, 0.5)
MARGIN = 0.25
# T^inf_{>l} = h(1) - sum_{k<=l} h^(k)(0)/k! from the closed-form Taylor coefficients:
# e^u has a_k = 1/k!; the ReLU NTK has a_0 = 1/pi, a_1 = 1, a_2 = 3/(2 pi).
HIGH_MASS = {
    "exponential": {l: math.e - sum(1 / math.factorial(k) for k in range(l + 1)) for l in range(3)},
    "relu_ntk": {0: 2 - 1 / math.pi, 1: 1 - 1 / math.pi, 2: 1 - 5 / (2 * math.pi)},
}
# First degree k* above l with target energy and a positive eigenvalue, and
# h^(k*)(0): for the ReLU NTK h^(2)(0) = 3/pi, h^(4)(0) = 5/pi and xi_3 = 0.
NEXT_DEGREE = {
    "exponential": {0.5: (1, 1.0), 1.5: (2, 1.0), 2.5: (3, 1.0)},
    "relu_ntk": {0.5: (1, 1.0), 1.5: (2, 3 / math.pi), 2.5: (4, 5 / math.pi)},
}


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_distance_to_limit_shrinks(name, alpha):
    run = limit_convergence(KERNELS[name], TARGET, alpha, GAMMAS)
    assert (np.diff(run.distance) < 0).all(), run.distance
    # The local rate between the two largest d (where 2 c d^-MARGIN is small
    # and 1 - exp(-x) ~ x holds) is at least 80 % of the leading-order d^-MARGIN.
    local_rate = math.log(run.distance[2] / run.distance[3]) / math.log(10)
    assert local_rate > 0.8 * MARGIN
    assert run.rate > 0
    # Tolerance from the measured rate: the fit on d = 10^2..10^4 bounds d = 10^5.
    slope, intercept = np.polyfit(np.log(run.dimensions[:3]), np.log(run.distance[:3]), 1)
    predicted = math.exp(intercept + slope * math.log(run.dimensions[3]))
    assert run.distance[3] <= 1.1 * predicted
    assert run.distance[3] < 0.7


def _separation(curve, level, low, high, steps=40):
    """Exponent in [low, high] where the increasing function curve(gamma) crosses level."""
    for _ in range(steps):
        middle = (low + high) / 2
        if curve(middle) < level:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_stage_boundaries_match_separation(name, alpha):
    # The finite-d train-test gap reaches half its stage-2 limit where
    # exp(-2 T t/n) = 1/2 (leading order: gamma = alpha + log_d(ln 2 / (2 T))),
    # and the test-oracle gap reaches half the energy of degree k* where
    # exp(-2 c t / d^k*) = 1/2 (gamma = k* + log_d(ln 2 / (2 c))). Both
    # crossings must approach the limit's stage boundaries alpha and k* as d
    # grows, and approach the leading-order prediction.
    kernel = KERNELS[name]
    middle = alpha + 0.25
    limit = limit_curves(kernel, TARGET, alpha, [middle, math.inf])
    plateau_gap = float(limit.test[0] - limit.train[0])
    high_mass = HIGH_MASS[name][math.floor(alpha)]
    next_degree, constant = NEXT_DEGREE[name][alpha]
    # The limit's stage labels change exactly at alpha and at k*.
    edges = [alpha - 1e-9, alpha, next_degree - 1e-9, next_degree]
    assert limit_curves(kernel, TARGET, alpha, edges).stage.tolist() == [1, 2, 2, 3]
    errors_train, errors_oracle, deviations = [], [], []
    for d in [10**3, 10**4, 10**5]:
        s = spectrum(kernel, d, max_degree=8)
        n = float(d) ** alpha

        def train_gap(gamma, s=s, n=n, d=d):
            risk = empirical_risk(s, TARGET, n, float(d) ** gamma)
            return float(risk.test[0] - risk.train[0])

        def oracle_gap(gamma, s=s, n=n, d=d):
            t = float(d) ** gamma
            return float(empirical_risk(s, TARGET, n, t).test[0] - oracle_risk(s, TARGET, t)[0])

        found_train = _separation(train_gap, plateau_gap / 2, alpha - 0.5, alpha + 0.5)
        found_oracle = _separation(
            oracle_gap,
            TARGET.energy(next_degree) / 2,
            next_degree - 0.5,
            next_degree + 0.5,
        )
        predicted_train = alpha + math.log(math.log(2) / (2 * high_mass)) / math.log(d)
        predicted_oracle = next_degree + math.log(math.log(2) / (2 * constant)) / math.log(d)
        deviations.append(
            (abs(found_train - predicted_train), abs(found_oracle - predicted_oracle))
        )
        errors_train.append(abs(found_train - alpha))
        errors_oracle.append(abs(found_oracle - next_degree))
    assert errors_train == sorted(errors_train, reverse=True)
    assert errors_oracle == sorted(errors_oracle, reverse=True)
    # The finite-d crossings converge to the leading-order ones, which differ
    # from alpha and k* only by log_d of a constant.
    assert [dev[0] for dev in deviations] == sorted((dev[0] for dev in deviations), reverse=True)
    assert [dev[1] for dev in deviations] == sorted((dev[1] for dev in deviations), reverse=True)
    assert max(deviations[-1]) < 0.005
