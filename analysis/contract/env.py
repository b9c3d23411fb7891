"""The environment variables the edition reads: each name defined here once, imported everywhere else."""

from __future__ import annotations

import os

# The data package folder, for a package installed outside a checkout (a wheel): it is never guessed.
DATA_DIR = "ALLIANCES_DATA_DIR"


def value(name: str) -> str:
    """The variable's value without surrounding blanks ('' when unset)."""
    return os.environ.get(name, "").strip()
