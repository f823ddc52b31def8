"""Alignment of a target with the levels of a spectrum."""

from __future__ import annotations

import numpy as np

from .spectrum import Spectrum
from .targets import Target


def check_pair(spectrum, target):
    """Check the types and that every degree of the target has its own eigenvalue."""
    if not isinstance(spectrum, Spectrum):
        raise TypeError(f"spectrum must be an asymptotics.Spectrum, got {type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"target must be an asymptotics.Target, got {type(target).__name__}")
    if target.max_degree > spectrum.max_degree:
        raise ValueError(
            f"the target has energy in degree {target.max_degree} but the spectrum stops at "
            f"max_degree={spectrum.max_degree}; compute the spectrum with "
            f"max_degree >= {target.max_degree}"
        )


def target_levels(spectrum, target):
    """Eigenvalues and energies of the degrees that carry target energy (float64)."""
    check_pair(spectrum, target)
    degrees = np.array(sorted(target.energies), dtype=int)
    eigenvalues = np.exp(spectrum.log_eigenvalues[degrees]) if degrees.size else np.zeros(0)
    energies = np.array([target.energies[k] for k in degrees], dtype=float)
    return eigenvalues, energies


def all_levels(spectrum, target):
    """Every level of the spectrum (tail last) with the target energy on each.

    Returns eigenvalues, masses (multiplicity times eigenvalue) and energies as
    float64 arrays; the lumped tail carries no target energy.
    """
    check_pair(spectrum, target)
    eigenvalues, masses = spectrum.levels()
    energies = np.zeros_like(eigenvalues)
    for degree, energy in target.energies.items():
        energies[degree] = energy
    return eigenvalues, masses, energies
