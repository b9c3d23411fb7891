"""Time the builds a re-runner cares about; write bench/results/latest.json.

Runs in a throw-away copy of the repository so `_build/` and `data/` of the checkout are never
touched. Usage: python bench/run.py [--repeat N] [--with-install]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
JB = [str(VENV_BIN / "jb"), "build", ".", "-W", "-n", "--keep-going", "-q"]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 2)


def scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="alliances-bench-")) / "repo"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__"))
    return target


def measure(repeat: int, with_install: bool) -> dict:
    results: dict[str, list[float]] = {"cold_build": [], "no_change_rebuild": [], "data_edit_rebuild": []}
    for _ in range(repeat):
        repo = scratch_copy()
        results["cold_build"].append(timed(JB, repo))
        results["no_change_rebuild"].append(timed(JB, repo))
        with (repo / "data" / "timeline.csv").open("a", encoding="utf-8") as fh:
            fh.write("\n")  # a data edit: every notebook re-executes
        results["data_edit_rebuild"].append(timed(JB, repo))
        shutil.rmtree(repo.parent)
    if with_install:
        repo = scratch_copy()
        env = {**os.environ, "PYTHON": "python3"}
        start = time.perf_counter()
        subprocess.run(["make", "book"], cwd=repo, check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results["cold_make_book_with_install"] = [round(time.perf_counter() - start, 2)]
        shutil.rmtree(repo.parent)
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-install", action="store_true")
    args = parser.parse_args()
    results = measure(args.repeat, args.with_install)
    summary = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()},
        "seconds": results,
        "median": {k: sorted(v)[len(v) // 2] for k, v in results.items()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary["median"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
