"""Time the builds and tests a re-runner cares about; write bench/results/latest.json.

Runs in a throw-away copy of the repository so `_build/` and `data/` of the checkout are never
touched. Measures a cold `jb build` (install excluded), a no-change rebuild, a rebuild after a data
edit, pytest alone (on the book just built) and the whole `make test`; with --with-install also a
cold `make book` that creates its own virtual environment.
Usage: python bench/run.py [--repeat N] [--with-install] [--skip-tests]
The speed targets are recorded here, not asserted by tests: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
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


def env_for(repo: Path) -> dict[str, str]:
    # The editable install points `analysis` at the checkout; the kernels and tests use the copy's.
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, env=env_for(cwd),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 2)


def pytest_args() -> list[str]:
    """The PYTEST_ARGS default of the Makefile, so pytest is timed as `make test` runs it."""
    match = re.search(r"^PYTEST_ARGS\s*\?=(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return match.group(1).split() if match else []


def install_stamp() -> Path:
    """The file `make install` leaves in .venv once requirements.lock and pyproject.toml are installed."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    return ROOT / ".venv" / f".installed-{digest.hexdigest()[:12]}"


def scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="alliances-bench-")) / "repo"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__"))
    return target


def measure(repeat: int, with_install: bool, tests: bool) -> dict:
    results: dict[str, list[float]] = {"cold_build": [], "no_change_rebuild": [], "data_edit_rebuild": []}
    if tests:
        results.update(pytest=[], make_test=[])
    for _ in range(repeat):
        repo = scratch_copy()
        results["cold_build"].append(timed(JB, repo))
        results["no_change_rebuild"].append(timed(JB, repo))
        with (repo / "data" / "timeline.csv").open("a", encoding="utf-8") as fh:
            fh.write("\n")  # a data edit: every notebook re-executes
        results["data_edit_rebuild"].append(timed(JB, repo))
        if tests:
            (repo / "data" / "timeline.csv").write_bytes((ROOT / "data" / "timeline.csv").read_bytes())
            timed(JB, repo)  # back to the real data (its hashes must match), outside the timings
            results["pytest"].append(timed([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                            *pytest_args()], repo))
            shutil.rmtree(repo / "_build")
            # `make test` with the checkout's environment (`make bench` installs it first); -o keeps make
            # from reinstalling, which would point the editable install at this copy.
            (repo / ".venv").symlink_to(ROOT / ".venv")
            stamp = install_stamp().relative_to(ROOT).as_posix()
            results["make_test"].append(timed(["make", "--no-print-directory", "-o", stamp, "test"], repo))
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
    parser.add_argument("--skip-tests", action="store_true", help="builds only: no pytest, no make test")
    args = parser.parse_args()
    results = measure(args.repeat, args.with_install, not args.skip_tests)
    summary = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform(),
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "book_execution_jobs": os.environ.get("BOOK_EXECUTION_JOBS", "auto"),
        "seconds": results,
        "median": {k: sorted(v)[len(v) // 2] for k, v in results.items()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary["median"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
