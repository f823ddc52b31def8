"""Shared reporting for the derivation scripts.

Each script states one identity, checks it exactly with sympy, prints one line
per case and exits with status 1 if any case fails. Setting the environment
variable ``DERIVATION_PERTURB=1`` adds a deliberate error to the right-hand
side, so the test suite can confirm that every script is able to fail.
"""

import os
import sys

import sympy

PERTURBED = os.environ.get("DERIVATION_PERTURB") == "1"


def perturb(expression):
    """Return ``expression`` plus a small exact error when the perturbation is requested."""
    return expression + sympy.Rational(1, 10**6) if PERTURBED else expression


def report(cases):
    """Print each ``(label, left, right)`` case and exit non-zero on the first mismatch."""
    failed = 0
    for label, left, right in cases:
        ok = sympy.simplify(left - right) == 0
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {left} == {right}")
    if failed:
        print(f"{failed} case(s) failed", file=sys.stderr)
        sys.exit(1)
