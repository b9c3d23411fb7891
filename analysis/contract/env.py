"""The environment variables the edition reads: each name defined here once, imported everywhere else
(the package, the chapters, the Sphinx extensions in `_ext/`, the benchmarks)."""

from __future__ import annotations

import os
from pathlib import Path

# The data package folder, for a package installed outside a checkout (a wheel): it is never guessed.
DATA_DIR = "ALLIANCES_DATA_DIR"
# The folder holding the real interview tables; unset for the public edition (analysis/interviews/).
INTERVIEWS_DIR = "ALLIANCES_INTERVIEWS_DIR"
# Set by _ext/vega_bundle.py while `jb build` runs: charts use the offline renderer of the built book.
BOOK_BUILD = "ALLIANCES_BOOK_BUILD"
# How many chapters `jb build` executes at once (_ext/parallel_execute.py).
EXECUTION_JOBS = "BOOK_EXECUTION_JOBS"
# Python's hash seed (the order in which a set of strings is gone through) in the kernels that run chapters: the
# build's (_ext/parallel_execute.py), which a re-runner's notebook keeps, and another for the determinism check
# (`reexecute`), so a chapter whose outputs follow that order fails the check.
HASH_SEED = "PYTHONHASHSEED"
BUILD_HASH_SEED, CHECK_HASH_SEED = "0", "1"
# The reproducible-builds convention: the build date shown in page footers.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def value(name: str) -> str:
    """The variable's value without surrounding blanks ('' when unset)."""
    return os.environ.get(name, "").strip()


def interviews_dir() -> Path | None:
    """The restricted folder named by INTERVIEWS_DIR, or None for the public edition."""
    given = value(INTERVIEWS_DIR)
    return Path(given).expanduser().resolve() if given else None
