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
from .bootstrap import BootstrapWindow, LimitBootstrap, deep_bootstrap, limit_deep_bootstrap
from .compare import KernelComparison, compare, halving_time
from .convergence import Convergence, limit_convergence
from .empirical import EmpiricalRisk, RidgeRisk, empirical_risk, ridge_risk
from .harmonics import (
    cumulative_dimension,
    gegenbauer,
    learnable_degree,
    multiplicities,
    multiplicity,
)
from .kernels import Kernel
from .learning_order import (
    DegreeLearning,
    LimitDegreeLearning,
    learned_degrees,
    learning_order,
    limit_learning_order,
)
from .limit_curves import LimitCurves, LimitRate, limit_curves, limit_rates
from .limits import LimitStage, StageReport, limit_stages, stage_of, stages
from .oracle import oracle_risk
from .polynomial_regime import (
    BlockRisk,
    block_risk,
    early_stopping,
    polynomial_regime_ridge,
    polynomial_regime_risk,
)
from .simulation import SimulationResult, simulate
from .spectrum import Spectrum, spectrum
from .targets import Target

__version__ = "0.1.0"

__all__ = [
    "AsymptoticsWarning",
    "BlockRisk",
    "BootstrapWindow",
    "Convergence",
    "DegreeLearning",
    "EmpiricalRisk",
    "Kernel",
    "KernelComparison",
    "LimitBootstrap",
    "LimitCurves",
    "LimitDegreeLearning",
    "LimitRate",
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
    "block_risk",
    "compare",
    "cumulative_dimension",
    "deep_bootstrap",
    "early_stopping",
    "empirical_risk",
    "gegenbauer",
    "halving_time",
    "kernels",
    "learnable_degree",
    "learned_degrees",
    "learning_order",
    "limit_convergence",
    "limit_curves",
    "limit_deep_bootstrap",
    "limit_degree_masses",
    "limit_learning_order",
    "limit_rates",
    "limit_scaled_eigenvalues",
    "limit_stages",
    "limit_tail_trace",
    "multiplicities",
    "multiplicity",
    "oracle_risk",
    "polynomial_regime_ridge",
    "polynomial_regime_risk",
    "ridge_risk",
    "scaled_eigenvalue_corrections",
    "simulate",
    "spectrum",
    "stage_of",
    "stages",
]
