"""Closed-form spectra of the arc-cosine kernels and the two-layer ReLU NTK.

With ``u`` distributed as one coordinate of a uniform unit vector in ``R^d``
and ``P_k`` the Gegenbauer polynomial with ``P_k(1) = 1``, write
``mu_k(sigma) = E[sigma(u) P_k(u)]``. Funk-Hecke and the positive homogeneity
of the step and ReLU functions give

* ``kappa_0 = 2 E_theta[step(<theta, z>) step(<theta, z'>)]``, so
  ``xi_k(kappa_0) = 2 mu_k(step)^2``;
* ``kappa_1 = 2 d E_theta[relu(<theta, z>) relu(<theta, z'>)]``, so
  ``xi_k(kappa_1) = 2 d mu_k(relu)^2``;

with ``theta`` uniform on the unit sphere. The Rodrigues formula and one or two
integrations by parts give, with ``G(a, b) = Gamma(a)/Gamma(b)``,

* ``mu_{2j+1}(step) = (-1)^j Gamma(d/2) Gamma(j+1/2) / (2 pi Gamma(j+(d+1)/2))``,
  ``mu_0(step) = 1/2``, zero at even ``k >= 2``;
* ``mu_{2j+2}(relu) = (-1)^j Gamma(d/2) Gamma(j+1/2) / (4 pi Gamma(j+(d+3)/2))``,
  ``mu_0(relu) = G(d/2, (d+1)/2) / (2 sqrt(pi))``, ``mu_1(relu) = 1/(2d)``,
  zero at odd ``k >= 3``.

The NTK ``h = u kappa_0 + kappa_1`` follows from
``u P_k = k/(2k+d-2) P_{k-1} + (k+d-2)/(2k+d-2) P_{k+1}``. The derivation and
its exact checks are in ``derivations/arccos_eigenvalues.py``.
"""

import mpmath

from ._validation import warn
from .harmonics import multiplicity

# Guard digits carried beyond those promised.
GUARD_DIGITS = 12
# Degrees summed one by one before the Hilbert-Schmidt tail turns to extrapolation.
DIRECT_TERMS = 60
# Terms by which the checking extrapolation starts later.
SHIFT = 16
# Maximum number of decimal digits added to resolve a tail trace obtained by subtraction.
MAX_EXTRA_DIGITS = 400


class ArcCosineFormula:
    """Closed-form eigenvalues of one of ``"arccos0"``, ``"arccos1"``, ``"relu_ntk"``.

    ``zero_parity`` is the parity of the degrees ``k >= 2`` whose eigenvalue is
    exactly zero.
    """

    def __init__(self, kind):
        if kind not in ("arccos0", "arccos1", "relu_ntk"):
            raise ValueError(f"kind must be 'arccos0', 'arccos1' or 'relu_ntk', got {kind!r}")
        self.kind = kind
        self.zero_parity = 0 if kind == "arccos0" else 1
        self.value_at_one = 2 if kind == "relu_ntk" else 1

    def is_zero(self, k):
        """Whether ``xi_{d,k}`` is exactly zero (at every ``d``)."""
        return k >= 2 and k % 2 == self.zero_parity

    def eigenvalue(self, d, k):
        """``xi_{d,k}`` from Gamma functions, at the current mpmath precision."""
        if self.is_zero(k):
            return mpmath.mpf(0)
        if self.kind == "arccos0":
            return 2 * _step_square(d, k)
        if self.kind == "arccos1":
            return 2 * d * _relu_square(d, k)
        return 2 * d * _relu_square(d, k) + 2 * _times_u(d, k, lambda m: _step_square(d, m))

    def eigenvalues(self, d, max_degree):
        """``xi_{d,k}`` for ``k = 0..max_degree`` by the ratio recurrences (fast)."""
        step, relu = _squares(d, max_degree + 1)
        values = []
        for k in range(max_degree + 1):
            if self.is_zero(k):
                values.append(mpmath.mpf(0))
            elif self.kind == "arccos0":
                values.append(2 * step[k])
            elif self.kind == "arccos1":
                values.append(2 * d * relu[k])
            else:
                values.append(2 * d * relu[k] + 2 * _times_u(d, k, step.__getitem__))
        return values


def _times_u(d, k, square):
    """``xi_k(u g) / 2`` for ``g = 2 E[step step]``, from ``square(m) = mu_m(step)^2``.

    ``xi_k(u g) = k/(2k+d-2) xi_{k-1}(g) + (k+d-2)/(2k+d-2) xi_{k+1}(g)``; at
    ``k = 0`` it is ``xi_1(g)`` since ``u P_0 = P_1`` (also at ``d = 2``).
    """
    if k == 0:
        return square(1)
    denominator = mpmath.mpf(2 * k + d - 2)
    return (k * square(k - 1) + (k + d - 2) * square(k + 1)) / denominator


def _step_square(d, k):
    """``mu_k(step)^2`` from Gamma functions."""
    if k == 0:
        return mpmath.mpf(1) / 4
    if k % 2 == 0:
        return mpmath.mpf(0)
    j = (k - 1) // 2
    half = mpmath.mpf(d) / 2
    value = mpmath.gammaprod([half, j + mpmath.mpf(1) / 2], [j + half + mpmath.mpf(1) / 2])
    return (value / (2 * mpmath.pi)) ** 2


def _relu_square(d, k):
    """``mu_k(relu)^2`` from Gamma functions."""
    half = mpmath.mpf(d) / 2
    if k == 0:
        return mpmath.gammaprod([half], [half + mpmath.mpf(1) / 2]) ** 2 / (4 * mpmath.pi)
    if k == 1:
        return 1 / (4 * mpmath.mpf(d) ** 2)
    if k % 2 == 1:
        return mpmath.mpf(0)
    j = (k - 2) // 2
    value = mpmath.gammaprod([half, j + mpmath.mpf(1) / 2], [j + half + mpmath.mpf(3) / 2])
    return (value / (4 * mpmath.pi)) ** 2


def _squares(d, top):
    """``mu_k(step)^2`` and ``mu_k(relu)^2`` for ``k = 0..top`` by their ratio recurrences.

    ``mu_{2j+1}(step) / mu_{2j-1}(step) = -(2j-1)/(2j+d-1)`` and
    ``mu_{2j+2}(relu) / mu_{2j}(relu) = -(2j-1)/(2j+d+1)``; each step is one
    rounding, so ``top`` steps lose at most ``log10(top)`` digits.
    """
    step = [mpmath.mpf(0)] * (top + 1)
    relu = [mpmath.mpf(0)] * (top + 1)
    step[0] = mpmath.mpf(1) / 4
    relu[0] = _relu_square(d, 0)
    if top >= 1:
        step[1] = relu[0]
        relu[1] = _relu_square(d, 1)
    if top >= 2:
        relu[2] = relu[0] / (mpmath.mpf(d) + 1) ** 2
    for k in range(3, top + 1):
        j = k // 2
        if k % 2 == 1:
            step[k] = step[k - 2] * mpmath.mpf(2 * j - 1) ** 2 / (2 * j + mpmath.mpf(d) - 1) ** 2
        else:
            j -= 1
            relu[k] = relu[k - 2] * mpmath.mpf(2 * j - 1) ** 2 / (2 * j + mpmath.mpf(d) + 1) ** 2
    return step, relu


def closed_form_spectrum(formula, d, max_degree, multiplicities, promised):
    """Eigenvalues, tail trace, tail Hilbert-Schmidt norm and ``h(1)`` as mpmath numbers.

    Computed at ``promised + GUARD_DIGITS + log10(max_degree)`` digits. The
    tail trace ``h(1) - sum_{k <= K} B xi_k`` is recomputed with as many more
    digits as the subtraction cancels. The Hilbert-Schmidt tail is summed term
    by term while that converges geometrically, and otherwise extrapolated by
    Richardson's method on each parity, whose result is accepted only when a
    second extrapolation started ``SHIFT`` terms later agrees with it.
    """
    base = promised + GUARD_DIGITS + len(str(max_degree + 1))
    extra = 0
    while True:
        with mpmath.workdps(base + extra):
            values = formula.eigenvalues(d, max_degree)
            h_one = mpmath.mpf(formula.value_at_one)
            trace = h_one - mpmath.fsum(b * x for b, x in zip(multiplicities, values))
            # Digits lost in the subtraction, with a margin for the summands' rounding.
            lost = 0 if trace <= 0 else int(mpmath.ceil(mpmath.log10(h_one / trace)))
        if trace > 0 and lost <= GUARD_DIGITS // 2 + extra:
            break
        if extra >= MAX_EXTRA_DIGITS:
            warn(
                f"the tail trace of kernel {formula.kind!r} at d={d} beyond degree {max_degree} "
                f"is below 1e-{MAX_EXTRA_DIGITS} of h(1) and is reported as "
                f"{mpmath.nstr(max(trace, 0), 3)}"
            )
            trace = max(trace, mpmath.mpf(0))
            break
        extra = min(MAX_EXTRA_DIGITS, max(2 * extra, lost + GUARD_DIGITS))
    with mpmath.workdps(base):
        values = [+v for v in values]
        trace = +trace
        hilbert_schmidt = _hilbert_schmidt_tail(formula, d, max_degree, promised)
    return values, trace, hilbert_schmidt, h_one


def _hilbert_schmidt_tail(formula, d, max_degree, promised):
    """``sum_{k > K} B(d, k) xi_k^2`` over the degrees whose eigenvalue is not zero."""
    tolerance = mpmath.mpf(10) ** (-(promised + 2))
    total = mpmath.mpf(0)
    for parity in (0, 1):
        start = max_degree + 1 + (max_degree + 1 - parity) % 2
        if formula.is_zero(start):
            continue

        def term(n, start=start):
            k = start + 2 * int(n)
            return multiplicity(d, k) * formula.eigenvalue(d, k) ** 2

        total += _sum_tail(term, tolerance, formula, d, max_degree)
    return total


def _sum_tail(term, tolerance, formula, d, max_degree):
    """``sum_{n >= 0} term(n)`` for positive terms that decay geometrically or as a power."""
    partial = mpmath.mpf(0)
    previous = None
    for n in range(DIRECT_TERMS):
        value = term(n)
        partial += value
        if previous is not None and value < previous / 2:
            ratio = value / previous
            if value * ratio / (1 - ratio) <= tolerance * partial:
                return partial
        previous = value
    # A power-law tail: partial sums have an expansion in powers of 1/n, which
    # Richardson extrapolation uses. It loses about half the working digits, so
    # carry twice as many. Restarting it SHIFT terms later checks the result.
    with mpmath.workdps(2 * mpmath.mp.dps + 10):
        rest = mpmath.nsum(lambda n: term(n + DIRECT_TERMS), [0, mpmath.inf], method="richardson")
        skipped = mpmath.fsum(term(n) for n in range(DIRECT_TERMS, DIRECT_TERMS + SHIFT))
        later = mpmath.nsum(lambda n: term(n + DIRECT_TERMS + SHIFT), [0, mpmath.inf], method="richardson")
        discrepancy = abs(rest - skipped - later)
    total = partial + rest
    if discrepancy > tolerance * 100 * total:
        # NOTE: at d <= 5 and max_degree above about 300 the extrapolation fails this check:
        # the first degree is then far from 0 and the 1/n expansion converges slowly.
        warn(
            f"the tail Hilbert-Schmidt norm of kernel {formula.kind!r} at d={d} beyond degree "
            f"{max_degree} is {mpmath.nstr(total, 6)}, known only to about "
            f"{mpmath.nstr(discrepancy / total, 2)} relative"
        )
    return total
