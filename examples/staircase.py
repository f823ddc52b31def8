"""The staircase: gradient flow learns one spherical-harmonic degree per decade of d in time.

For the exponential kernel exp(u) at d = 200, degree k is learned by the oracle
near t = 1/(2 xi_k), that is near gamma = log_d t = k. The figure plots the
oracle risk and the test risk with n = d^3.5 samples against gamma, with the
fraction of each degree learned by the oracle, 1 - exp(-2 xi_k t), below.
Writes staircase.png.

Run: python examples/staircase.py [--output FOLDER]
"""

import numpy as np

from _common import output_folder
from asymptotics import Target, empirical_risk, kernels, oracle_risk, spectrum

D = 200
ALPHA = 3.5
DEGREES = (1, 2, 3, 4)


def main():
    from matplotlib.figure import Figure

    folder = output_folder(__doc__.splitlines()[0])
    spec = spectrum(kernels.exponential(), D, max_degree=8)
    target = Target({k: 1.0 for k in DEGREES}, noise=0.0)
    n = round(D**ALPHA)
    gamma = np.linspace(-0.5, 5.5, 300)
    times = float(D) ** gamma

    figure = Figure(figsize=(6.4, 6.0), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    top.plot(gamma, oracle_risk(spec, target, times), "--", label="oracle risk")
    top.plot(gamma, empirical_risk(spec, target, n, times).test, label=f"test risk, n = d^{ALPHA}")
    top.set_ylabel("risk (no noise)")
    top.set_title(f"exp(u) at d = {D}: one degree per step")
    top.legend()
    for k in DEGREES:
        learned = -np.expm1(-2 * float(spec.eigenvalues[k]) * times)
        bottom.plot(gamma, learned, label=f"degree {k}")
    bottom.set_xlabel("gamma = log t / log d")
    bottom.set_ylabel("fraction learned by the oracle")
    bottom.legend(fontsize="small")
    figure.savefig(folder / "staircase.png", dpi=150)
    print(f"wrote {folder / 'staircase.png'}")


if __name__ == "__main__":
    main()
