"""Polynomial regime ``n = psi B(d, l)``: block formulas with Marchenko-Pastur integrals.

At an integer exponent the degree-``l`` part of the kernel matrix has
``B(d, l) ~ n`` directions. Degrees below ``l`` are spikes learned as in the
oracle, degrees above ``l`` are not learned and act as noise, and their kernel
mass ``T_{>l}`` acts on the data as the identity ``T_{>l} I_n``: for gradient
flow this is weight decay ``T_{>l}/n`` because
``exp(-t (K_l + T I)/n) = exp(-T t/n) exp(-t K_l/n)``. Degree ``l`` is then an
isotropic linear regression with ``p = B(d, l)`` features of variance
``xi_l`` and aspect ratio ``q = p/n = 1/psi``. In reduced units

    theta = xi_l t,   rho = T_{>l} / (n xi_l),   sigma_eff^2 = sigma^2 + F_{>l}^2,

the degree-``l`` bias and variance factors are integrals over the
Marchenko-Pastur law ``M_q`` of ``Z^T Z / n`` (``Z`` an ``n x p`` matrix of
unit-variance entries; it has an atom ``1 - 1/q`` at 0 when ``q > 1``):

    beta(theta) = int [(rho + z exp(-theta (z + rho))) / (z + rho)]^2 M_q(dz)
    v(theta)    = q int z (1 - exp(-theta (z + rho)))^2 / (z + rho)^2 M_q(dz)

and the test risk is ``sigma^2 + sum_{k<l} F_k^2 b_k + F_{>l}^2 + F_l^2 beta
+ sigma_eff^2 v`` (noise included). As ``d -> inf`` with ``n = psi B(d, l)``
and ``t = theta d^l / h^(l)(0)`` this is exact (``q -> 1/psi``,
``rho -> T^inf_{>l} / (psi a_l)``); at finite ``d`` the same formulas with
finite-``d`` values are a proxy whose error is ``O(1/d)``.
Time unit: gradient flow on half the squared loss, empirical loss averaged
over ``n``. Kernel ridge regression at ridge ``lambda`` is the ``theta = inf``
value with ``rho`` replaced by ``(T_{>l} + n lambda)/(n xi_l)``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._levels import check_pair
from ._validation import check_nonnegative, check_sample_size, check_times, warn
from .harmonics import multiplicity
from .limit_curves import _check_kernel, high_mass, limit_rates
from .targets import Target

__all__ = [
    "BlockFactors",
    "BlockRisk",
    "block_factors",
    "block_risk",
    "early_stopping",
    "marchenko_pastur_integral",
    "polynomial_regime_ridge",
    "polynomial_regime_risk",
    "ridge_block_factors",
]

# Midpoint nodes of the Marchenko-Pastur rule: at least this many, and about
# 25 / |1 - sqrt(q)| near q = 1 where the integrand varies on that scale.
MIN_NODES = 200
MAX_NODES = 200_000


class BlockFactors(NamedTuple):
    """Degree-``l`` block factors at reduced times ``theta``.

    Attributes
    ----------
    theta : numpy.ndarray
        Reduced time ``xi_l t``.
    bias : numpy.ndarray
        ``beta(theta)``: residual fraction of the degree-``l`` target energy
        (1 at ``theta = 0``).
    variance : numpy.ndarray
        ``v(theta)``: excess test risk per unit of effective noise.
    train_signal : numpy.ndarray
        ``exp(-2 rho theta) int z exp(-2 theta z) M_q(dz)``: training residual
        per unit of degree-``l`` energy.
    train_noise : numpy.ndarray
        ``exp(-2 rho theta) (q int exp(-2 theta z) M_q(dz) + 1 - q)``:
        training residual per unit of effective noise.
    """

    theta: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    train_signal: np.ndarray
    train_noise: np.ndarray


class BlockRisk(NamedTuple):
    """Test and training risk from the block formulas.

    Attributes
    ----------
    theta : numpy.ndarray
        Reduced time ``xi_l t`` (``inf`` for the interpolant or for ridge).
    test : numpy.ndarray
        ``E(y - f(x))^2``, noise included.
    train : numpy.ndarray
        ``(1/n) sum_i (y_i - f(x_i))^2``.
    q, rho : float
        ``B(d, l)/n`` and ``T_{>l}/(n xi_l)`` (ridge included for ridge).
    """

    theta: np.ndarray
    test: np.ndarray
    train: np.ndarray
    q: float
    rho: float


def marchenko_pastur_integral(function, q, nodes=None):
    """Integrate ``function`` against the Marchenko-Pastur law ``M_q``, atom included.

    ``M_q`` is the limit spectrum of ``Z^T Z / n`` for ``Z`` of shape
    ``n x p`` with unit-variance entries and ``q = p/n``: density
    ``sqrt((b - z)(z - a)) / (2 pi q z)`` on ``[(1 - sqrt q)^2, (1 + sqrt q)^2]``
    plus an atom of mass ``1 - 1/q`` at 0 when ``q > 1``. With
    ``z = 1 + q + 2 sqrt(q) cos phi`` the continuous part becomes
    ``(2/pi) sin^2(phi) / z dphi`` on ``[0, pi]``, a smooth periodic integrand,
    so the midpoint rule converges spectrally, also at the hard edge ``q = 1``.

    Parameters
    ----------
    function : callable
        ``function(z)`` for a 1-d array ``z``; it may return extra leading
        axes, the last axis runs over ``z``.
    q : float
        Aspect ratio ``> 0``.
    nodes : int, optional
        Midpoint nodes; default ``max(200, 25 / |1 - sqrt q|)``, at most 200000.

    Returns
    -------
    numpy.ndarray or float

    Examples
    --------
    >>> mass = marchenko_pastur_integral(np.ones_like, 2.0)
    >>> mean = marchenko_pastur_integral(lambda z: z, 2.0)
    >>> second = marchenko_pastur_integral(lambda z: z**2, 2.0)
    >>> [round(float(v), 12) for v in (mass, mean, second)]
    [1.0, 1.0, 3.0]
    """
    q = check_nonnegative(q, "q")
    if q == 0:
        raise ValueError("q must be > 0 (B(d, l)/n); q = 0 is the oracle limit")
    if nodes is None:
        required = 25 / abs(1 - math.sqrt(q)) if q != 1 else MIN_NODES
        nodes = int(min(max(MIN_NODES, required), MAX_NODES))
        if required > MAX_NODES:
            warn(
                f"q = {q} is within {abs(1 - math.sqrt(q)):.2g} of 1; the Marchenko-Pastur "
                f"integrals use {MAX_NODES} nodes and may lose digits there"
            )
    angle = (np.arange(nodes) + 0.5) * np.pi / nodes
    z = 1 + q + 2 * math.sqrt(q) * np.cos(angle)
    weight = (2 / nodes) * np.sin(angle) ** 2 / z
    continuous = np.asarray(function(z)) @ weight
    if q > 1:
        atom = np.asarray(function(np.zeros(1)))[..., 0]
        return continuous + (1 - 1 / q) * atom
    return continuous


def block_factors(q, rho, theta):
    """Degree-``l`` block factors of gradient flow at reduced times ``theta = xi_l t``.

    Parameters
    ----------
    q : float
        ``B(d, l)/n > 0``.
    rho : float
        ``T_{>l}/(n xi_l) >= 0``: the high-degree mass as a ridge, in units
        of ``xi_l``.
    theta : float or array_like
        Reduced times ``>= 0``; ``inf`` gives the ridgeless interpolant.

    Returns
    -------
    BlockFactors

    Examples
    --------
    >>> f = block_factors(0.5, 0.1, [0.0, np.inf])
    >>> [round(float(v), 7) for v in (f.bias[0], f.variance[0], f.bias[1], f.variance[1])]
    [1.0, 0.0, 0.0345225, 0.569045]
    """
    rho = check_nonnegative(rho, "rho")
    thetas = check_times(theta, name="theta")
    finite = np.where(np.isinf(thetas), 0.0, thetas)[:, None]
    ended = np.isinf(thetas)[:, None]

    def decay(z, factor):
        # exp(-factor theta (z + rho)), exactly 0 at theta = inf for a positive rate.
        rate = z + rho
        value = np.exp(-factor * finite * rate)
        return np.where(ended, np.where(rate > 0, 0.0, 1.0), value)

    def bias(z):
        shrink = np.divide(
            rho + z * decay(z, 1),
            z + rho,
            out=np.ones(np.broadcast(finite, z).shape),
            where=z + rho > 0,
        )
        return shrink**2

    def variance(z):
        rate = z + rho
        learned = np.divide(1 - decay(z, 1), rate, out=finite * np.ones_like(z), where=rate > 0)
        return q * z * learned**2

    def train_signal(z):
        return z * decay(z, 2)

    def train_noise(z):
        return decay(z, 2)

    values = [marchenko_pastur_integral(f, q) for f in (bias, variance, train_signal, train_noise)]
    noise = q * values[3] + (1 - q) * _ridge_decay(rho, thetas)
    return BlockFactors(thetas, values[0], values[1], values[2], noise)


def _ridge_decay(rho, thetas):
    """``exp(-2 rho theta)`` with the convention ``0 * inf = 0``."""
    with np.errstate(invalid="ignore"):
        value = np.exp(-2 * rho * thetas)
    return np.where(np.isinf(thetas) & (rho == 0), 1.0, value)


def ridge_block_factors(q, rho):
    """Degree-``l`` bias and variance factors of ridge regression (``theta = inf``), in closed form.

    ``k = kappa / xi_l`` solves ``k^2 + k (1 - rho - q) - rho = 0``; then
    ``beta = k^2 / ((1 + k)^2 - q)`` and ``v = q / ((1 + k)^2 - q)``.

    Parameters
    ----------
    q : float
        ``B(d, l)/n > 0``.
    rho : float
        ``(T_{>l} + n lambda) / (n xi_l) >= 0``.

    Returns
    -------
    bias, variance : float

    Examples
    --------
    >>> [round(v, 6) for v in ridge_block_factors(1.0, 0.01)]
    [0.049938, 4.518731]
    """
    q = check_nonnegative(q, "q")
    rho = check_nonnegative(rho, "rho")
    b = rho + q - 1
    root = math.sqrt(b * b + 4 * rho)
    # For b < 0 the form 2 rho / (root - b) avoids cancelling root against -b.
    k = (b + root) / 2 if b >= 0 else 2 * rho / (root - b)
    denominator = (1 + k) ** 2 - q
    if denominator == 0:
        return math.inf if k > 0 else 0.0, math.inf
    return k * k / denominator, q / denominator


def _spike(rho, theta, ratio):
    """Test and training residual fractions of a spike ``xi_k = ratio xi_l`` with ``B(d, k) << n``.

    The spike of ``K/n`` sits at ``xi_k + T_{>l}/n``, so the learned fraction is
    ``(1 - exp(-theta_k (1 + rho)))/(1 + rho)`` with ``theta_k = ratio theta``.
    ``ratio = inf`` is a degree learned long before ``t ~ 1/xi_l``.
    """
    if math.isinf(ratio):
        started = theta > 0
        return np.where(started, 0.0, 1.0), np.where(started, 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        decay = np.where(np.isinf(theta), 0.0, np.exp(-ratio * theta * (1 + rho)))
    return ((rho + decay) / (1 + rho)) ** 2, decay**2


class _Block:
    """Reduced parameters and energies of one block problem."""

    def __init__(self, q, rho, noise, below, degree_energy, above):
        self.q, self.rho = q, rho
        self.noise = noise
        self.below = below  # list of (energy, rho_k, ratio xi_k/xi_l) for spikes below l
        self.degree_energy = degree_energy
        self.above = above  # energy the flow cannot learn (degrees above l, zero levels)
        self.effective_noise = noise + above

    def risks(self, theta):
        factors = block_factors(self.q, self.rho, theta)
        test = self.noise + self.above + self.degree_energy * factors.bias
        test = test + self.effective_noise * factors.variance
        train = (
            self.degree_energy * factors.train_signal + self.effective_noise * factors.train_noise
        )
        for energy, rho_k, ratio in self.below:
            bias, residual = _spike(rho_k, factors.theta, ratio)
            test = test + energy * bias
            train = train + energy * residual
        return BlockRisk(factors.theta, test, train, self.q, self.rho)

    def ridge(self, extra):
        """Ridge risks with ``extra = lambda / xi_l`` added to ``rho``."""
        bias, variance = ridge_block_factors(self.q, self.rho + extra)
        test = self.noise + self.above + self.degree_energy * bias + self.effective_noise * variance
        for energy, rho_k, ratio in self.below:
            spike_rho = rho_k + extra / ratio
            test += energy * (spike_rho / (1 + spike_rho)) ** 2
        return test


def _limit_block(kernel, target, degree, psi):
    """Reduced block parameters as ``d -> inf`` with ``n = psi B(d, degree)``."""
    _check_kernel(kernel)
    if not isinstance(target, Target):
        raise TypeError(f"target must be an asymptotics.Target, got {type(target).__name__}")
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 1:
        raise ValueError(f"degree must be an integer >= 1, got {degree!r}")
    psi = check_nonnegative(psi, "psi")
    if psi == 0:
        raise ValueError("psi must be > 0 (n / B(d, l))")
    rates = limit_rates(kernel, max(target.max_degree, degree))
    if rates[degree].exponent != degree:
        raise ValueError(
            f"h^({degree})(0) = 0 for kernel {kernel.name!r}: degree {degree} is not learned "
            f"at n ~ d^{degree}, so there is no block; use limit_curves with a non-integer alpha"
        )
    scale = rates[degree].constant
    # n xi_l -> psi B(d, l) h^(l)(0) / d^l -> psi a_l, a_l = h^(l)(0)/l!.
    rho = high_mass(kernel, degree) / (psi * scale / math.factorial(degree))
    below, above = [], 0.0
    for rate in rates:
        energy = target.energy(rate.degree)
        if energy == 0 or rate.degree == degree:
            continue
        if rate.degree > degree or rate.exponent > degree:
            above += energy
        elif rate.exponent == degree:
            # A lower degree whose eigenvalue is of order d^-l: a spike on the same time scale.
            ratio = rate.constant / scale
            below.append((energy, rho / ratio, ratio))
        else:
            below.append((energy, 0.0, math.inf))
    return _Block(1 / psi, rho, target.noise, below, target.energy(degree), above)


def polynomial_regime_risk(kernel, target, degree, psi, theta):
    """Limit of the test and training risk of gradient flow at ``n = psi B(d, l)``.

    As ``d -> inf`` with ``n = psi B(d, l)`` and ``t = theta d^l / h^(l)(0)``
    (so that ``theta = lim xi_{d,l} t``).

    Parameters
    ----------
    kernel : Kernel
        Must have Taylor coefficients, with ``h^(l)(0) > 0``.
    target : Target
        Degree energies (fixed as ``d`` grows) and noise.
    degree : int
        ``l >= 1``.
    psi : float
        ``lim n / B(d, l) > 0``.
    theta : float or array_like
        Reduced times ``>= 0``; ``inf`` gives the interpolant. At any fixed
        ``theta > 0`` the degrees below ``l`` are already learned.

    Returns
    -------
    BlockRisk
        Test risk with noise, training risk, ``q = 1/psi`` and
        ``rho = T^inf_{>l} / (psi a_l)``.

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.1)
    >>> risk = polynomial_regime_risk(kernels.exponential(), target, 2, 1.0, [1.0, np.inf])
    >>> bool(risk.test[0] < risk.test[1])  # early stopping beats interpolation at the peak
    True
    """
    block = _limit_block(kernel, target, degree, psi)
    risk = block.risks(theta)
    # At t = 0 nothing has been learned, including the degrees below l.
    start = risk.theta == 0
    total = target.noise + target.total_energy
    test = np.where(start, total, risk.test)
    train = np.where(start, total, risk.train)
    return risk._replace(test=test, train=train)


def polynomial_regime_ridge(kernel, target, degree, psi, ridge):
    """Limit of the kernel ridge regression test risk at ``n = psi B(d, l)``.

    The ridge is in reduced units: ``ridge = lim lambda / xi_{d,l}``, i.e.
    ``lambda = ridge h^(l)(0) / d^l`` for the estimator
    ``k(x)^T (K + n lambda I)^{-1} y``.

    Parameters
    ----------
    kernel, target, degree, psi
        As in :func:`polynomial_regime_risk`.
    ridge : float or array_like
        Reduced ridge ``>= 0`` (0 is the interpolant).

    Returns
    -------
    numpy.ndarray
        Test risk, noise included. As a function of ``psi`` at ``ridge = 0`` it
        peaks near ``psi = 1`` with height about ``sigma_eff^2 / (2 sqrt(rho))``.

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> kernel = kernels.exponential(0.05)  # little mass above degree 2: rho = 0.017
    >>> risk = polynomial_regime_ridge(kernel, Target({2: 1.0}, 0.5), 2, 1.0, [0.0, 0.3])
    >>> bool(risk[1] < risk[0])
    True
    """
    block = _limit_block(kernel, target, degree, psi)
    ridges = check_times(ridge, name="ridge")
    if np.isinf(ridges).any():
        raise ValueError("ridge must be finite")
    return np.array([block.ridge(float(r)) for r in ridges])


def block_risk(spectrum, target, n, t, degree=None):
    """Block-formula proxy at finite ``d``: the same formulas with finite-``d`` values.

    ``q = B(d, l)/n``, ``rho = T_{>l}/(n xi_{d,l})``, ``theta = xi_{d,l} t``;
    degrees below ``l`` are spikes with ``rho_k = T_{>l}/(n xi_{d,k})``.

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues in dimension ``d``.
    target : Target
        Degree energies and noise.
    n : float
        Number of samples.
    t : float or array_like
        Gradient-flow times ``>= 0`` (``inf`` allowed).
    degree : int, optional
        ``l``; default the degree whose ``B(d, l)`` is closest to ``n`` on a
        log scale.

    Returns
    -------
    BlockRisk

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.exponential(), d=300, max_degree=6)
    >>> risk = block_risk(s, Target({2: 1.0}, noise=0.1), n=45149, t=np.inf)
    >>> round(risk.q, 3)
    1.0
    """
    check_pair(spectrum, target)
    n = check_sample_size(n)
    d = spectrum.d
    if degree is None:
        degree = min(
            range(1, spectrum.max_degree), key=lambda k: abs(math.log(multiplicity(d, k) / n))
        )
    eigenvalues = np.exp(spectrum.log_eigenvalues)
    masses = np.asarray(spectrum.degree_masses, dtype=float)
    xi = float(eigenvalues[degree])
    if xi == 0:
        raise ValueError(f"xi_{{d,{degree}}} = 0: degree {degree} has no block")
    high = float(spectrum.tail_trace) + float(masses[degree + 1 :].sum())
    rho = high / (n * xi)
    below, above = [], 0.0
    for k, energy in target.energies.items():
        if k == degree:
            continue
        value = float(eigenvalues[k]) if k <= spectrum.max_degree else 0.0
        if k > degree or value == 0:
            above += energy
        else:
            below.append((energy, high / (n * value), value / xi))
    block = _Block(
        multiplicity(d, degree) / n, rho, target.noise, below, target.energy(degree), above
    )
    times = check_times(t)
    return block.risks(times * xi)


def early_stopping(kernel, target, degree, psi, *, grid=None):
    """Best stopping time against training to convergence, at ``n = psi B(d, l)`` as ``d -> inf``.

    Parameters
    ----------
    kernel, target, degree, psi
        As in :func:`polynomial_regime_risk`.
    grid : array_like, optional
        Reduced times searched; default 400 points from ``1e-3`` to ``1e4``.

    Returns
    -------
    theta_best : float
        Reduced time ``xi_l t`` with the lowest test risk on the grid.
    best : float
        That test risk (noise included).
    final : float
        Test risk of the interpolant (``theta = inf``).

    Examples
    --------
    >>> from asymptotics import Target, kernels
    >>> kernel = kernels.exponential(0.05)
    >>> theta, best, final = early_stopping(kernel, Target({2: 1.0}, 0.5), 2, 1.0)
    >>> round(theta, 2), round(best, 3), round(final, 3)
    (1.27, 1.009, 2.251)
    """
    thetas = np.geomspace(1e-3, 1e4, 400) if grid is None else check_times(grid, name="grid")
    risk = polynomial_regime_risk(kernel, target, degree, psi, np.append(thetas, np.inf))
    index = int(np.argmin(risk.test[:-1]))
    return float(thetas[index]), float(risk.test[index]), float(risk.test[-1])
