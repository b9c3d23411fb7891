"""The package's layers hold: `lint-imports` passes on the tree, and fails on a planted upward import or cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "analysis", tmp_path / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.xsd", "*.md"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_hold():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]


def test_an_upward_import_breaks_the_layers(copy):
    target = copy / "analysis" / "contract" / "dates.py"
    target.write_text(target.read_text() + "\nfrom analysis.present import tables  # noqa: E402,F401\n")
    done = _lint(copy)
    assert done.returncode != 0
    assert "analysis.contract is not allowed to import analysis.present" in done.stdout


def test_a_cycle_inside_a_layer_is_refused(copy):
    low, high = copy / "analysis" / "contract" / "dates.py", copy / "analysis" / "contract" / "labels.py"
    low.write_text(low.read_text() + "\nfrom analysis.contract import labels  # noqa: E402,F401\n")
    high.write_text(high.read_text() + "\nfrom analysis.contract import dates  # noqa: E402,F401\n")
    done = _lint(copy)
    assert done.returncode != 0
    assert "No cycles are allowed in analysis.contract" in done.stdout
