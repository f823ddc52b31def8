"""Analytic learning dynamics of kernel methods in high dimension.

Conventions used throughout: inputs uniform on the sphere of radius ``sqrt(d)``
in ``R^d``; kernel ``h(<x, x'>/d)``; gradient flow on half the squared loss
(the empirical loss averaged over ``n``), started from ``f_0 = 0``; test risk
``E(y - f(x))^2`` includes the label noise; training risk
``(1/n) sum_i (y_i - f(x_i))^2``.
"""

from . import kernels
from ._validation import AsymptoticsWarning
from .harmonics import cumulative_dimension, gegenbauer, learnable_degree, multiplicity
from .kernels import Kernel
from .spectrum import Spectrum, spectrum
from .targets import Target

__version__ = "0.1.0"
