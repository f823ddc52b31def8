"""Reference values for another code's test suite, with provenance.

Writes reference_values.json (everything, with the package version, git
commit, library versions, conventions and the time of the run) and
reference_values.csv (one row per value) for:

- eigenvalues of the ReLU NTK at d = 10 and of exp(u) at d = 10 and 100, to
  30 significant digits (mpmath), and exact rational eigenvalues of (1 + u)^3;
- oracle risk (exact) and deterministic-equivalent test and training risk of
  gradient flow for the ReLU NTK at d = 100, n = 1000;
- ridge regression test risk for exp(u) at d = 30, n = 500.

Run: python examples/reference_values.py [--output FOLDER]
"""

import csv
import datetime
import json
import platform
import subprocess
import sys

import mpmath
import numpy as np
import scipy
import sympy

import asymptotics
from _common import output_folder
from asymptotics import Target, empirical_risk, kernels, oracle_risk, ridge_risk, spectrum

DIGITS = 30
CONVENTIONS = {
    "inputs": "uniform on the sphere of radius sqrt(d) in R^d (probability measure)",
    "kernel": "K(x, x') = h(<x, x'>/d)",
    "eigenvalue": "of f -> E_x'[h(<x,x'>/d) f(x')] on degree-k harmonics, multiplicity B(d, k)",
    "time": "gradient flow on half the squared loss, empirical loss averaged over n, f_0 = 0",
    "test": "E(y - f(x))^2, includes the noise",
    "train": "(1/n) sum_i (y_i - f(x_i))^2",
    "ridge": "f = k(x)^T (K + n ridge I)^{-1} y",
    "empirical": "deterministic equivalents of the mean over training sets",
}


def git_commit():
    """Return the commit of the checkout the package runs from, or None outside git."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=str(__import__("pathlib").Path(asymptotics.__file__).parent),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def spectrum_rows():
    rows = []
    cases = (
        ("relu_ntk", kernels.relu_ntk(), 10),
        ("exponential(1)", kernels.exponential(1), 10),
        ("exponential(1)", kernels.exponential(1), 100),
    )
    for name, kernel, d in cases:
        spec = spectrum(kernel, d, max_degree=6, digits=DIGITS)
        for k, value in enumerate(spec.eigenvalues):
            rows.append(["eigenvalue", name, d, "", k, "", "", mpmath.nstr(value, DIGITS)])
    spec = spectrum(kernels.polynomial([1, 3, 3, 1]), 10, exact=True)
    for k, value in enumerate(spec.eigenvalues):
        rows.append(["eigenvalue", "polynomial (1 + u)^3", 10, "", k, "", "", str(value)])
    return rows


def risk_rows():
    rows = []
    target = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)
    spec = spectrum(kernels.relu_ntk(), 100)
    times = np.array([1.0, 100.0, 1e4, np.inf])
    oracle = oracle_risk(spec, target, times)
    risk = empirical_risk(spec, target, 1000, times)
    for j, t in enumerate(times):
        for quantity, value in (("oracle", oracle[j]), ("test", risk.test[j]), ("train", risk.train[j])):
            rows.append([quantity, "relu_ntk", 100, 1000, "", repr(float(t)), "", repr(float(value))])
    spec = spectrum(kernels.exponential(1), 30, max_degree=10)
    ridges = [1e-4, 1e-2, 1.0]
    ridge = ridge_risk(spec, Target({1: 1.0, 2: 0.5}, noise=0.1), 500, ridges)
    for value, lam in zip(ridge.test, ridges):
        rows.append(["ridge_test", "exponential(1)", 30, 500, "", "", repr(lam), repr(float(value))])
    return rows


def main():
    folder = output_folder(__doc__.splitlines()[0])
    header = ["quantity", "kernel", "d", "n", "degree", "time", "ridge", "value"]
    rows = spectrum_rows() + risk_rows()
    provenance = {
        "package": "asymptotics",
        "version": asymptotics.__version__,
        "git_commit": git_commit(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "mpmath": mpmath.__version__,
        "command": " ".join([sys.executable] + sys.argv),
        "conventions": CONVENTIONS,
        "targets": {
            "relu_ntk risks": "energies {1: 1, 2: 1, 3: 1}, noise 0.25",
            "ridge_test": "energies {1: 1, 2: 0.5}, noise 0.1",
        },
        "accuracy": (
            f"eigenvalues: {DIGITS} correct significant digits or exact rationals; risks: float64, "
            "Laplace inversion accurate to about 1e-11 times the initial risk"
        ),
    }
    with open(folder / "reference_values.json", "w") as handle:
        json.dump({"provenance": provenance, "columns": header, "rows": rows}, handle, indent=1)
    with open(folder / "reference_values.csv", "w", newline="") as handle:
        handle.write(f"# asymptotics {asymptotics.__version__}, commit {provenance['git_commit']}, "
                     f"created {provenance['created']}; conventions in reference_values.json\n")  # fmt: skip
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {len(rows)} values to {folder / 'reference_values.json'} and .csv")


if __name__ == "__main__":
    main()
