"""How every check of the command line reports: notes, one problem a line, then its verdict and exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterable

EXIT_INVALID = 2  # the exit code of a check that found problems (make stops on it)


def report(problems: list[str], failed: str, passed: str, notes: Iterable[str] = ()) -> int:
    """Print `notes` and `problems`; then « N `failed` » on stderr (exit 2), or `passed` (exit 0)."""
    for line in notes:
        print(f"note: {line}")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} {failed}", file=sys.stderr)
        return EXIT_INVALID
    print(passed)
    return 0
