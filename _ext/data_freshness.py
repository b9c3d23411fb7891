"""Re-execute the notebooks when anything a chapter reads besides its own text changes.

jupyter-cache keys a notebook on its code cells only, so an edited CSV, a fix in the analysis package
the chapters call, or a new edition in CITATION.cff would otherwise leave stale outputs in the book. We
fingerprint the build's inputs (one list: analysis/build/inputs.py) and, when the fingerprint moved since
the last build, drop the execution cache and mark every page as outdated.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

from analysis.build import inputs
from analysis.contract import env

logger = logging.getLogger(__name__)
STAMP_NAME = ".inputs-fingerprint"


def _paths(app) -> tuple[Path, Path]:
    build_dir = Path(app.outdir).parent  # _build/html -> _build
    cache = Path(app.config.nb_execution_cache_path or build_dir / ".jupyter_cache")
    return build_dir / STAMP_NAME, cache


def _check(app, config) -> None:
    stamp, cache = _paths(app)
    # inputs.CURRENT_NAME is written only by a build that ends without a warning, with the book fingerprint
    # taken now: `make book` re-reads every page when it is missing (a page that failed once cannot hide
    # behind the cache) and skips `jb build` while nothing the book reads has changed since.
    (stamp.parent / inputs.CURRENT_NAME).unlink(missing_ok=True)
    app._data_fingerprint = inputs.fingerprint(Path(app.confdir), env.interviews_dir())  # restricted files too
    app._book_fingerprint = inputs.book_fingerprint(Path(app.confdir))  # before the build reads anything
    previous = stamp.read_text().strip() if stamp.exists() else None
    app._data_changed = previous != app._data_fingerprint
    if app._data_changed and previous is not None:  # names no folder: a restricted one must not reach the log
        logger.info("the data, the code or another input of the chapters changed since the last build: "
                    "every chapter is executed again")
    if app._data_changed and cache.exists():
        shutil.rmtree(cache)


def _outdated(app, env, added, changed, removed):
    if getattr(app, "_data_changed", False):
        return sorted(set(env.found_docs) - set(added) - set(changed))
    return []


def _record(app, exception) -> None:
    if exception is None:
        stamp, _ = _paths(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(app._data_fingerprint + "\n")
        if app._warncount == 0:
            (stamp.parent / inputs.CURRENT_NAME).write_text(app._book_fingerprint + "\n")


def setup(app):
    app.connect("config-inited", _check, priority=100)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
