"""Re-execute the notebooks when anything under data/ or analysis/ changes.

jupyter-cache keys a notebook on its code cells only, so an edited CSV (or a fix in the analysis
package the chapters call) would otherwise leave stale outputs in the book. We fingerprint both
folders and, when the fingerprint moved since the last build, drop the execution cache and mark
every page as outdated.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.util import logging

from analysis.contract import env

logger = logging.getLogger(__name__)
STAMP_NAME = ".inputs-fingerprint"
WATCHED = ("data", "analysis")  # what the chapters read besides their own code cells


def fingerprint(*folders: Path) -> str:
    digest = hashlib.sha256()
    for number, folder in enumerate(folders):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{number}/{path.relative_to(folder).as_posix()}".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _paths(app) -> tuple[list[Path], Path, Path]:
    root = Path(app.confdir)
    build_dir = Path(app.outdir).parent  # _build/html -> _build
    cache = Path(app.config.nb_execution_cache_path or build_dir / ".jupyter_cache")
    folders = [root / name for name in WATCHED]
    restricted = env.interviews_dir()
    if restricted:  # a restricted edition reads interview files from outside the repository
        folders.append(restricted)
    return folders, build_dir / STAMP_NAME, cache


def _check(app, config) -> None:
    folders, stamp, cache = _paths(app)
    app._data_fingerprint = fingerprint(*folders)
    previous = stamp.read_text().strip() if stamp.exists() else None
    app._data_changed = previous != app._data_fingerprint
    if app._data_changed and previous is not None:
        # Named by role, never by path: a restricted folder's name must not reach the log.
        names = [f"{name}/" for name in WATCHED] + ["the restricted interviews"] * (len(folders) > len(WATCHED))
        watched = " or ".join(names)
        logger.info(f"{watched} changed since the last build: every chapter is executed again")
    if app._data_changed and cache.exists():
        shutil.rmtree(cache)


def _outdated(app, env, added, changed, removed):
    if getattr(app, "_data_changed", False):
        return sorted(set(env.found_docs) - set(added) - set(changed))
    return []


def _record(app, exception) -> None:
    if exception is None:
        _, stamp, _ = _paths(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(app._data_fingerprint + "\n")


def setup(app):
    app.connect("config-inited", _check, priority=100)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
