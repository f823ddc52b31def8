"""Time the closed-form spectrum of the two-layer ReLU NTK.

Prints one line per case: d, max_degree, digits and the seconds taken by
``spectrum``. With ``--before`` it also times the series and quadrature
engines (the closed form switched off) for the cases that finish in a minute.

    python benchmarks/arccos_closed_form.py [--before]
"""

import dataclasses
import sys
import time

from asymptotics import kernels, spectrum

CASES = [(3, 12), (3, 200), (20, 12), (20, 200), (100, 12), (100, 200), (10**6, 200)]
BEFORE = [(3, 12), (20, 12), (100, 12), (20, 200)]


def seconds(kernel, d, max_degree, digits):
    start = time.perf_counter()
    spectrum(kernel, d, max_degree=max_degree, digits=digits)
    return time.perf_counter() - start


def main():
    kernel = kernels.relu_ntk()
    print("closed form")
    for d, max_degree in CASES:
        for digits in (None, 50):
            print(f"  d={d:<8} max_degree={max_degree:<4} digits={digits!s:<5} {seconds(kernel, d, max_degree, digits):8.3f} s")
    if "--before" in sys.argv:
        other = dataclasses.replace(kernel, eigenvalue_formula=None)
        print("series and quadrature")
        for d, max_degree in BEFORE:
            for digits in (None, 50):
                print(f"  d={d:<8} max_degree={max_degree:<4} digits={digits!s:<5} {seconds(other, d, max_degree, digits):8.3f} s", flush=True)


if __name__ == "__main__":
    main()
