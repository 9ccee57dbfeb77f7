"""The fast tests can fail: each hand mutation of tests/mutation_check.py (a date or period rule
changed in a temporary copy of the project) makes its targeted fast tests fail."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import PROJECT


@pytest.mark.slow
def test_fast_tests_kill_every_hand_mutation():
    """tests/mutation_check.py: each hand mutation, applied to a temporary copy of the project, makes
    its targeted fast tests fail."""
    run = subprocess.run([sys.executable, "-m", "tests.mutation_check"], cwd=PROJECT, capture_output=True,
                         text=True, check=False, timeout=1200)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1].endswith("mutation(s) killed") and lines[-1].split()[0] == lines[-1].split()[2], lines
    verdicts = lines[:-1]
    assert verdicts and all(line.startswith("killed ") for line in verdicts), run.stdout
