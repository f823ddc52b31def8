"""Targets: energy of the target function in each spherical-harmonic degree, and label noise."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

from ._validation import check_degree, check_nonnegative

__all__ = ["Target"]

# Largest sum of the energies and the noise: the Laplace inversion multiplies
# risks by contour weights and sums them, which needs headroom below 1.8e308.
MAX_TOTAL = 1e300


@dataclass(frozen=True, init=False)
class Target:
    """A target ``f_*`` described by its degree energies, and the label noise.

    Parameters
    ----------
    energies : mapping of int to float
        ``energies[k] = ||P_k f_*||^2``, the squared ``L^2`` norm (uniform
        probability measure on the sphere) of the degree-``k`` component of
        ``f_*``. Degrees not listed carry no energy.
    noise : float
        Label-noise variance ``sigma^2``: the labels are ``y = f_*(x) + eps``
        with ``E eps = 0``, ``E eps^2 = sigma^2``.

    Examples
    --------
    >>> target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    >>> target.total_energy
    3.0
    >>> target.energy_above(1)
    2.0
    """

    energies: MappingProxyType
    noise: float

    def __init__(self, energies, noise=0.0):
        if not hasattr(energies, "items"):
            raise TypeError(
                f"energies must be a mapping from degree to energy, got {type(energies).__name__}"
            )
        checked = {}
        for degree, energy in energies.items():
            degree = check_degree(degree, name="energies degree")
            if isinstance(energy, bool) or not isinstance(energy, numbers.Real):
                raise TypeError(f"energies[{degree}] must be a real number >= 0, got {energy!r}")
            energy = float(energy)
            if math.isnan(energy) or math.isinf(energy) or energy < 0:
                raise ValueError(f"energies[{degree}] must be a finite number >= 0, got {energy}")
            if energy > 0:
                checked[degree] = checked.get(degree, 0.0) + energy
        noise = check_nonnegative(noise, "noise")
        if sum(checked.values()) + noise > MAX_TOTAL:
            raise ValueError(
                f"the energies and the noise sum to more than {MAX_TOTAL:g}; the risk engines "
                f"need headroom below the float64 maximum, so rescale the target (risks scale "
                f"linearly with the energies and the noise)"
            )
        object.__setattr__(self, "energies", MappingProxyType(dict(sorted(checked.items()))))
        object.__setattr__(self, "noise", noise)

    @property
    def max_degree(self):
        """Highest degree with positive energy (-1 for a zero target)."""
        return max(self.energies, default=-1)

    @property
    def total_energy(self):
        """``||f_*||^2 = sum_k ||P_k f_*||^2``."""
        return math.fsum(self.energies.values())

    def energy_above(self, degree):
        """``sum_{k > degree} ||P_k f_*||^2``.

        Examples
        --------
        >>> Target({1: 1.0, 2: 0.5, 4: 0.25}).energy_above(1)
        0.75
        """
        return math.fsum(e for k, e in self.energies.items() if k > degree)

    def energy(self, degree):
        """``||P_degree f_*||^2`` (0 for degrees not listed).

        Examples
        --------
        >>> Target({1: 1.0, 2: 0.5}).energy(2), Target({1: 1.0}).energy(3)
        (0.5, 0.0)
        """
        return self.energies.get(degree, 0.0)

    def __repr__(self):
        return f"Target(energies={dict(self.energies)}, noise={self.noise})"
