"""Target validation and derived quantities."""

import math

import pytest

from asymptotics import Target


def test_energy_sums():
    target = Target({0: 0.5, 2: 1.0, 5: 0.25}, noise=0.1)
    assert target.total_energy == 1.75
    assert target.energy_above(1) == 1.25
    assert target.energy(3) == 0.0
    assert target.max_degree == 5


def test_zero_energies_are_dropped():
    target = Target({1: 0.0, 2: 1.0})
    assert dict(target.energies) == {2: 1.0}


def test_target_is_immutable():
    target = Target({1: 1.0})
    with pytest.raises(TypeError):
        target.energies[1] = 2.0


@pytest.mark.parametrize(
    "energies, noise, error, fragment",
    [
        ({1: -1.0}, 0.0, ValueError, "energies[1]"),
        ({1: math.nan}, 0.0, ValueError, "energies[1]"),
        ({1: math.inf}, 0.0, ValueError, "energies[1]"),
        ({-1: 1.0}, 0.0, ValueError, "energies degree"),
        ({1.5: 1.0}, 0.0, TypeError, "energies degree"),
        ({1: "1"}, 0.0, TypeError, "energies[1]"),
        ({1: 1.0}, -0.1, ValueError, "noise"),
        ({1: 1.0}, math.nan, ValueError, "noise"),
        ([1.0, 2.0], 0.0, TypeError, "mapping"),
    ],
)
def test_bad_target_raises(energies, noise, error, fragment):
    with pytest.raises(error, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        Target(energies, noise)
