"""What the chapters read besides their own text: one list, for every check that asks « did it change? ».

The freshness check of the build (_ext/data_freshness.py: re-execute every chapter, and with them the
downloadable notebooks written from their results) and `make validate`'s stamp both fingerprint these
paths. The determinism gate (`make determinism-check`, analysis/build/determinism.py) runs every chapter
under an audit hook and fails if a chapter opens a file of the repository this list does not cover.

The whole book reads more: its pages, `_config.yml`, `_ext/`. `book_fingerprint` hashes everything in the
checkout except the folders only the tests, benchmarks, CI and tools use; a clean build records it, and
`make book` skips `jb build` while it still matches (`python -m analysis.build.inputs --book-current`).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from analysis.contract import env
from analysis.contract.paths import ROOT

INPUTS = ("data", "analysis", "CHANGELOG.md", "CITATION.cff", ".zenodo.json", "LICENSE-CC-BY-4.0.md", "_toc.yml",
          "pyproject.toml", "requirements.lock")


def files(root: Path = ROOT, extra: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every input file, names relative to their input's parent, in a fixed order.
    `extra` is a folder read from outside the repository (a restricted edition's interview files)."""
    out = []
    for top in [root / name for name in INPUTS] + ([Path(extra)] if extra else []):
        if top.is_file():
            out.append((top.name, top))
            continue
        out += sorted(((p.relative_to(top.parent).as_posix(), p) for p in top.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts), key=lambda item: item[0])
    return out


def covers(relative: str) -> bool:
    """Whether a path relative to the repository root is one of the inputs or lies inside one."""
    return any(relative == name or relative.startswith(name + "/") for name in INPUTS)


def unlisted(opened: list[str], own_text: str) -> list[str]:
    """The files a chapter opened (paths relative to the repository root) that are not inputs: besides the
    list, a chapter may read its own text (jupyter-cache keys it on that), the environment and the build.
    The import system also tries the editable install's path hook as a file name, in the working folder."""
    return sorted(p for p in opened if not covers(p) and p != own_text and not p.startswith((".venv/", "_build/"))
                  and "__editable__" not in p)


def fingerprint(root: Path = ROOT, extra: Path | None = None) -> str:
    """One hash of the inputs' names and contents: it moves when any of them changes."""
    digest = hashlib.sha256()
    for name, path in files(root, extra):
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# Folders the book never reads (the test suite, benchmarks, CI, tools, caches, the build itself).
NOT_READ_BY_THE_BOOK = frozenset({".git", ".venv", "_build", "tests", "bench", "tools", ".ci", ".github",
                                  ".pytest_cache", ".ruff_cache", ".import_linter_cache", "__pycache__"})
# The variables that change what the build writes (env.EXECUTION_JOBS only changes how fast).
BOOK_ENVIRONMENT = (env.DATA_DIR, env.INTERVIEWS_DIR, env.SOURCE_DATE_EPOCH)
CURRENT_NAME = ".clean-build"  # in _build/: the book fingerprint of the last build that ended without a warning


def book_fingerprint(root: Path = ROOT) -> str:
    """One hash of every file the book may read and of the variables that change it."""
    digest = hashlib.sha256()
    for name in BOOK_ENVIRONMENT:
        digest.update(f"{name}={env.value(name)}\n".encode())
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in NOT_READ_BY_THE_BOOK)
        for name in sorted(names):
            path = Path(folder, name)
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def book_is_current(root: Path = ROOT) -> bool:
    """Whether the built book came from a clean build of exactly these sources (a restricted edition never is:
    its gate runs every time)."""
    stamp = root / "_build" / CURRENT_NAME
    return (not env.value(env.INTERVIEWS_DIR) and (root / "_build" / "html" / "index.html").exists()
            and stamp.exists() and stamp.read_text().strip() == book_fingerprint(root))


if __name__ == "__main__":
    if sys.argv[1:] == ["--book-current"]:
        sys.exit(0 if book_is_current() else 1)
    print(fingerprint())
