"""Output folder handling shared by the example scripts."""

import argparse
import pathlib


def output_folder(description):
    """Parse ``--output FOLDER`` (default: the folder of the examples) and create it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--output",
        type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parent,
        help="folder for the figure and data files (default: next to this script)",
    )
    folder = parser.parse_args().output
    folder.mkdir(parents=True, exist_ok=True)
    return folder
