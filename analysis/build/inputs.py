"""What the chapters read besides their own text: one list, for every check that asks « did it change? ».

The freshness check of the build (_ext/data_freshness.py: re-execute every chapter, and with them the
downloadable notebooks written from their results) and `make validate`'s stamp both fingerprint these
paths. tests/test_data_freshness.py runs every chapter under an audit hook and fails if a chapter opens a
file of the repository this list does not cover.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def fingerprint(root: Path = ROOT, extra: Path | None = None) -> str:
    """One hash of the inputs' names and contents: it moves when any of them changes."""
    digest = hashlib.sha256()
    for name, path in files(root, extra):
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint())
