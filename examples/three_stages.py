"""The three stages of kernel gradient flow for the ReLU NTK, theory against simulation.

At d = 20 with n = d^1.5 = 89 samples and a target with energy in degrees 1,
2 and 3, the figure shows the oracle, test and training risk over time with
stages 1, 2 and 3 shaded, and the mean of 12 simulated training runs with
one standard error. Writes three_stages.png and three_stages.csv.

Run: python examples/three_stages.py [--output FOLDER]
"""

import csv

import numpy as np

from _common import output_folder
from asymptotics import Target, empirical_risk, kernels, oracle_risk, simulate, spectrum, stages
from asymptotics.plotting import plot_risk

D = 20
N = round(D**1.5)
TARGET = Target({1: 1.0, 2: 1.0, 3: 1.0}, noise=0.25)


def main():
    folder = output_folder(__doc__.splitlines()[0])
    kernel = kernels.relu_ntk()
    spec = spectrum(kernel, D)
    report = stages(spec, TARGET, N)

    times = np.geomspace(0.1, 100 * report.t2, 200)
    risk = empirical_risk(spec, TARGET, N, times)
    oracle = oracle_risk(spec, TARGET, times)
    simulated_times = np.geomspace(0.1, 100 * report.t2, 12)
    simulation = simulate(kernel, D, N, TARGET, simulated_times, seeds=12, seed=0)

    ax = plot_risk(
        times,
        oracle=oracle,
        test=risk.test,
        train=risk.train,
        report=report,
        simulation=simulation,
        title=f"ReLU NTK, d = {D}, n = {N}: the three stages",
    )
    ax.figure.savefig(folder / "three_stages.png", dpi=150)

    with open(folder / "three_stages.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time", "oracle", "test", "train"])
        writer.writerows(zip(times, oracle, risk.test, risk.train))
    print(f"t1 = {report.t1:.4g}, t2 = {report.t2:.4g}; wrote {folder / 'three_stages.png'}")


if __name__ == "__main__":
    main()
