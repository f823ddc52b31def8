"""Multiple descent: the test risk over n peaks where n crosses N(d, <= l).

Kernel ridge regression with the kernel exp(u/2) at d = 30, noise 1 and target
energy in degrees 1, 2 and 3. Without a ridge the test risk (noise included)
rises and falls near n = N(d, <= l) = sum_{k <= l} B(d, k) for l = 1, 2, 3;
a ridge smooths the peaks away. The small scale 1/2 keeps the kernel's
trace above degree l, which acts as a ridge of its own, small enough for the
peaks to show at this d. Writes multiple_descent.png and
multiple_descent.csv.

Run: python examples/multiple_descent.py [--output FOLDER]
"""

import csv

import numpy as np

from _common import output_folder
from asymptotics import Target, kernels, ridge_risk, spectrum
from asymptotics.plotting import plot_learning_curve

D = 30
RIDGES = (0.0, 1e-6, 1e-3)
TARGET = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=1.0)


def main():
    folder = output_folder(__doc__.splitlines()[0])
    spec = spectrum(kernels.exponential(0.5), D, max_degree=8)
    samples = np.geomspace(5, 2e5, 300)
    risks = np.array([ridge_risk(spec, TARGET, n, RIDGES).test for n in samples])

    curves = {f"ridge {ridge:g}": risks[:, j] for j, ridge in enumerate(RIDGES)}
    ax = plot_learning_curve(
        samples, curves, d=D, title=f"ridge regression with exp(u/2), d = {D}, noise {TARGET.noise:g}"
    )
    ax.figure.savefig(folder / "multiple_descent.png", dpi=150)

    with open(folder / "multiple_descent.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["n"] + [f"test_ridge_{ridge:g}" for ridge in RIDGES])
        writer.writerows([n, *row] for n, row in zip(samples, risks))
    print(f"wrote {folder / 'multiple_descent.png'}")


if __name__ == "__main__":
    main()
