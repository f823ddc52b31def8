"""Compare two kernels on one task: does faster training mean better test risk?

Both kernels are trained by gradient flow on the same ``n`` samples in
dimension ``d``; the curves are the deterministic equivalents of
:func:`asymptotics.empirical_risk` (time unit: gradient flow on half the
squared loss averaged over ``n``; test risk includes the noise).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validation import check_sample_size, check_times
from .empirical import empirical_risk
from .oracle import oracle_risk
from .spectrum import spectrum as compute_spectrum

__all__ = ["KernelComparison", "compare", "halving_time"]

# Bisection steps in log t for the halving time.
BISECTION_STEPS = 50


class KernelComparison(NamedTuple):
    """Risk curves of two kernels on one task, and whether the faster one tests better.

    Attributes
    ----------
    times : numpy.ndarray
        Gradient-flow times.
    test_a, test_b, train_a, train_b, oracle_a, oracle_b : numpy.ndarray
        Test risk (noise included), training risk and oracle risk of kernels
        ``a`` and ``b`` at each time.
    halving_time_a, halving_time_b : float
        First time the training risk reaches half its initial value
        ``sigma^2 + ||f_*||^2`` (``inf`` if it never does).
    faster : str
        ``"a"`` or ``"b"``: the kernel with the smaller halving time
        (``"tie"`` when they are equal).
    test_at_halving : tuple of float
        Test risk of ``a`` and ``b`` at the faster kernel's halving time.
    better_at_halving : bool
        Whether the faster kernel has the strictly lower test risk at its
        halving time.
    better_at_end : bool
        Whether the faster kernel has the strictly lower test risk at the last
        time in ``times``.
    train_order_predicts_test : numpy.ndarray of bool
        At each time, whether the kernel with the lower training risk also
        has the lower test risk.
    """

    times: np.ndarray
    test_a: np.ndarray
    test_b: np.ndarray
    train_a: np.ndarray
    train_b: np.ndarray
    oracle_a: np.ndarray
    oracle_b: np.ndarray
    halving_time_a: float
    halving_time_b: float
    faster: str
    test_at_halving: tuple
    better_at_halving: bool
    better_at_end: bool
    train_order_predicts_test: np.ndarray

    @property
    def faster_generalises_better(self):
        """Whether the faster kernel has the lower test risk at its halving time and at the end."""
        return self.better_at_halving and self.better_at_end


def halving_time(spectrum, target, n):
    """First time the training risk of gradient flow falls to half its initial value.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel.
    target : Target
        Degree energies and noise.
    n : float
        Number of samples.

    Returns
    -------
    float
        Gradient-flow time (half squared loss averaged over ``n``) at which
        the deterministic-equivalent training risk equals
        ``(sigma^2 + ||f_*||^2) / 2``; ``inf`` when the interpolant's training
        risk stays above that level.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.polynomial([0, 1]), d=10)  # h(u) = u, xi_1 = 1/10
    >>> t = halving_time(s, Target({1: 1.0}), n=10**6)
    >>> round(t, 3)  # exp(-2 t / 10) = 1/2 as n -> inf: t = 5 ln 2 = 3.466
    3.466
    """
    n = check_sample_size(n)
    level = (target.noise + target.total_energy) / 2

    def train(t):
        return float(empirical_risk(spectrum, target, n, t).train[0])

    if level == 0 or train(math.inf) > level:
        return math.inf
    low = high = 1.0
    while train(low) <= level:
        low /= 8
    while train(high) > level:
        low, high = high, 8 * high
    for _ in range(BISECTION_STEPS):
        middle = math.sqrt(low * high)
        if train(middle) > level:
            low = middle
        else:
            high = middle
    return high


def compare(kernel_a, kernel_b, target, d, n, t, *, max_degree=None):
    """Compare the training speed and test risk of two kernels on the same task.

    Parameters
    ----------
    kernel_a, kernel_b : Kernel or Spectrum
        The two kernels, or their spectra in dimension ``d``.
    target : Target
        Degree energies and noise.
    d : int
        Dimension.
    n : float
        Number of samples.
    t : array_like
        Times at which to report the curves (``>= 0``, ``inf`` allowed).
    max_degree : int, optional
        Passed to :func:`asymptotics.spectrum` for kernels given as
        :class:`Kernel`.

    Returns
    -------
    KernelComparison

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> result = compare(kernels.exponential(), kernels.relu_ntk(), Target({1: 1.0}, 0.5),
    ...                  d=50, n=500, t=[1.0, 100.0])
    >>> result.faster in ("a", "b")
    True
    """
    n = check_sample_size(n)
    times = check_times(t)
    spectra = [_as_spectrum(k, d, max_degree, target) for k in (kernel_a, kernel_b)]
    risks = [empirical_risk(s, target, n, times) for s in spectra]
    oracles = [oracle_risk(s, target, times) for s in spectra]
    halving = [halving_time(s, target, n) for s in spectra]

    if halving[0] == halving[1]:
        faster, first = "tie", 0
    else:
        first = int(halving[1] < halving[0])
        faster = "ab"[first]
    at_halving = (math.nan, math.nan)
    if math.isfinite(halving[first]):
        at_halving = tuple(
            float(empirical_risk(s, target, n, halving[first]).test[0]) for s in spectra
        )
    other = 1 - first
    better_at_halving = faster != "tie" and at_halving[first] < at_halving[other]
    better_at_end = faster != "tie" and risks[first].test[-1] < risks[other].test[-1]
    lower_train = risks[0].train < risks[1].train
    lower_test = risks[0].test < risks[1].test
    return KernelComparison(
        times, risks[0].test, risks[1].test, risks[0].train, risks[1].train, *oracles,
        *halving, faster, at_halving, bool(better_at_halving), bool(better_at_end),
        lower_train == lower_test,
    )  # fmt: skip


def _as_spectrum(kernel, d, max_degree, target):
    from .spectrum import Spectrum

    if isinstance(kernel, Spectrum):
        if kernel.d != d:
            raise ValueError(f"a spectrum in dimension {kernel.d} was given for d = {d}")
        return kernel
    if max_degree is None:
        max_degree = max(target.max_degree + 4, 8)
    return compute_spectrum(kernel, d, max_degree=max_degree)
