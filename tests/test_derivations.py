"""Every derivation script holds, and fails when its right-hand side is perturbed."""

import os
import pathlib
import subprocess
import sys

import pytest

DERIVATIONS = pathlib.Path(__file__).parents[1] / "derivations"
SCRIPTS = sorted(p.name for p in DERIVATIONS.glob("*.py") if not p.name.startswith("_"))


def run(script, perturb):
    env = dict(os.environ, DERIVATION_PERTURB="1" if perturb else "0")
    return subprocess.run(
        [sys.executable, script], cwd=DERIVATIONS, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_derivation_holds(script):
    result = run(script, perturb=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_derivation_can_fail(script):
    result = run(script, perturb=True)
    assert result.returncode == 1
    assert "FAIL" in result.stdout
