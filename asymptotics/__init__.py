"""Analytic learning dynamics of kernel methods in high dimension.

Conventions used throughout: inputs uniform on the sphere of radius ``sqrt(d)``
in ``R^d``; kernel ``h(<x, x'>/d)``; gradient flow on half the squared loss
(the empirical loss averaged over ``n``), started from ``f_0 = 0``; test risk
``E(y - f(x))^2`` includes the label noise; training risk
``(1/n) sum_i (y_i - f(x_i))^2``.
"""

from . import kernels
from ._validation import AsymptoticsWarning
from .asymptotic import (
    asymptotic_degree_masses,
    asymptotic_eigenvalues,
    asymptotic_multiplicity,
    asymptotic_tail_trace,
    limit_degree_masses,
    limit_scaled_eigenvalues,
    limit_tail_trace,
    scaled_eigenvalue_corrections,
)
from .empirical import EmpiricalRisk, RidgeRisk, empirical_risk, ridge_risk
from .harmonics import (
    cumulative_dimension,
    gegenbauer,
    learnable_degree,
    multiplicities,
    multiplicity,
)
from .kernels import Kernel
from .limits import LimitStage, StageReport, limit_stages, stage_of, stages
from .oracle import oracle_risk
from .simulation import SimulationResult, simulate
from .spectrum import Spectrum, spectrum
from .targets import Target

__version__ = "0.1.0"

__all__ = [
    "AsymptoticsWarning",
    "EmpiricalRisk",
    "Kernel",
    "LimitStage",
    "RidgeRisk",
    "SimulationResult",
    "Spectrum",
    "StageReport",
    "Target",
    "asymptotic_degree_masses",
    "asymptotic_eigenvalues",
    "asymptotic_multiplicity",
    "asymptotic_tail_trace",
    "cumulative_dimension",
    "empirical_risk",
    "gegenbauer",
    "kernels",
    "learnable_degree",
    "limit_degree_masses",
    "limit_scaled_eigenvalues",
    "limit_stages",
    "limit_tail_trace",
    "multiplicities",
    "multiplicity",
    "oracle_risk",
    "ridge_risk",
    "scaled_eigenvalue_corrections",
    "simulate",
    "spectrum",
    "stage_of",
    "stages",
]
