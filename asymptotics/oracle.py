"""Oracle world: gradient flow on the population risk."""

from __future__ import annotations

import numpy as np

from ._levels import target_levels
from ._validation import check_times

__all__ = ["oracle_risk"]


def oracle_risk(spectrum, target, t):
    """Test risk of gradient flow on the population loss, exact at any ``d``.

    The flow ``df/dt = -H (f - f_*)`` on half the squared population loss,
    started at ``f_0 = 0``, learns degree ``k`` as ``1 - exp(-xi_{d,k} t)``, so

        R_or(t) = sigma^2 + sum_k ||P_k f_*||^2 exp(-2 xi_{d,k} t).

    Parameters
    ----------
    spectrum : Spectrum
        Eigenvalues of the kernel; must cover every degree of the target.
    target : Target
        Degree energies and label noise ``sigma^2``.
    t : float or array_like
        Times, ``>= 0`` (``inf`` allowed), in any order.

    Returns
    -------
    numpy.ndarray
        Test risk ``E(y - f_t(x))^2`` at each time, including the noise
        ``sigma^2``; subtract ``target.noise`` for the excess risk. At
        ``t = inf`` it is ``sigma^2`` plus the energy on degrees with
        ``xi_{d,k} = 0``.

    Examples
    --------
    >>> from asymptotics import Target, kernels, spectrum
    >>> s = spectrum(kernels.polynomial([0, 1]), d=10)  # h(u) = u: xi_1 = 1/10
    >>> risk = oracle_risk(s, Target({1: 1.0}, noise=0.5), [0.0, 5.0])
    >>> bool(np.allclose(risk, [1.5, 0.5 + np.exp(-1.0)]))
    True
    """
    times = check_times(t)
    eigenvalues, energies, zero = target_levels(spectrum, target)
    with np.errstate(invalid="ignore"):
        decay = np.exp(-2 * eigenvalues[None, :] * times[:, None])
    # A positive eigenvalue, even one below the float64 range, is learned at t = inf.
    decay[np.isinf(times)[:, None] & ~zero[None, :]] = 0.0
    # A zero eigenvalue is never learned, also at t = inf where 0 * inf is NaN.
    decay[:, zero] = 1.0
    return target.noise + decay @ energies
