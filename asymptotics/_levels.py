"""Alignment of a target with the levels of a spectrum."""

from __future__ import annotations

import numpy as np

from .spectrum import Spectrum
from .targets import Target


def check_pair(spectrum, target):
    """Check the types and that every degree of the target has a known eigenvalue.

    Degrees above ``max_degree`` are allowed only when the tail is exactly
    empty (a polynomial kernel), because their eigenvalues are then exactly 0.
    """
    if not isinstance(spectrum, Spectrum):
        raise TypeError(f"spectrum must be an asymptotics.Spectrum, got {type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"target must be an asymptotics.Target, got {type(target).__name__}")
    if target.max_degree > spectrum.max_degree and spectrum.tail_trace != 0:
        raise ValueError(
            f"the target has energy in degree {target.max_degree} but the spectrum stops at "
            f"max_degree={spectrum.max_degree}; compute the spectrum with "
            f"max_degree >= {target.max_degree}"
        )


def eigenvalue_of(spectrum, degree):
    """Float64 eigenvalue of one degree; 0 above ``max_degree`` of an empty tail."""
    if degree > spectrum.max_degree:
        return 0.0
    return float(np.exp(spectrum.log_eigenvalues[degree]))


def target_levels(spectrum, target):
    """Eigenvalues, energies and exact-zero flags of the degrees that carry target energy.

    The flags come from the exact results, so an eigenvalue that underflows
    float64 is still known to be positive (it is learned at ``t = inf``).
    """
    check_pair(spectrum, target)
    degrees = sorted(target.energies)
    eigenvalues = np.array([eigenvalue_of(spectrum, k) for k in degrees], dtype=float)
    energies = np.array([target.energies[k] for k in degrees], dtype=float)
    zero = np.array(
        [k > spectrum.max_degree or spectrum.log_eigenvalues[k] == -np.inf for k in degrees],
        dtype=bool,
    )
    return eigenvalues, energies, zero


def all_levels(spectrum, target):
    """Align the target energies with every level of the spectrum (tail last).

    Returns eigenvalues, masses (multiplicity times eigenvalue) and energies as
    float64 arrays; the lumped tail carries no target energy. Target degrees
    above ``max_degree`` of a spectrum with an empty tail become zero levels.
    """
    check_pair(spectrum, target)
    eigenvalues, masses = spectrum.levels()
    energies = np.zeros_like(eigenvalues)
    beyond = []
    for degree, energy in target.energies.items():
        if degree <= spectrum.max_degree:
            energies[degree] = energy
        else:
            beyond.append(energy)
    if beyond:
        eigenvalues = np.append(eigenvalues, np.zeros(len(beyond)))
        masses = np.append(masses, np.zeros(len(beyond)))
        energies = np.append(energies, beyond)
    return eigenvalues, masses, energies
