"""The restricted edition fails closed, before anything runs and after everything is written.

When `ALLIANCES_INTERVIEWS_DIR` is set:

- as soon as the configuration is read, before the execution cache is touched and before any notebook
  runs, the folder is checked (analysis/interviews/restricted.py: schema, ids, small cells, and the
  privacy rule on every free-text cell, team summaries included). A problem stops the build with a
  non-zero exit whatever the flags (`--keep-going` only keeps going past warnings);
- once the book is written, the privacy scan (analysis/interviews/privacy.py: e-mail addresses, phone
  numbers, the folder's deny-listed names and interview ids) reads everything under the build folder —
  pages, executed notebooks, downloads. A finding fails the build and the built pages are removed, so
  nothing personal is left to publish by mistake.

Either error says only what failed and where to see the details: the details quote files, ids and
values of the restricted folder, so they are printed on the data holder's terminal (`make
validate-restricted`, `make privacy-scan`) and never written into a log or under the build folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

from analysis.contract import env
from analysis.interviews import privacy, restricted

SCAN_MESSAGE = ("the privacy scan found {n} personal detail(s) (e-mail address, phone number, deny-listed "
                "name or interview id) in the restricted edition just built; its pages were removed. Run "
                "`make privacy-scan` on the data holder's terminal for the details")


def _check(app, config) -> None:
    folder = env.interviews_dir()
    if folder is None:
        return
    try:
        restricted.check_or_raise(folder)
    except restricted.RestrictedDataError:
        failed = True
    else:
        failed = False
    if failed:  # raised outside the handler, so no chained exception carries anything more
        raise ExtensionError(restricted.GENERIC_MESSAGE, modname=__name__)


def _scan(app, exception) -> None:
    folder = env.interviews_dir()
    if folder is None or exception is not None or app.builder.format != "html":
        return
    build = Path(app.outdir).parent  # _build/html -> _build: pages, notebooks, downloads
    problems, _ = privacy.check(build, privacy.deny_list(folder), ids=restricted.interview_ids(folder))
    if problems:
        shutil.rmtree(app.outdir, ignore_errors=True)
        raise ExtensionError(SCAN_MESSAGE.format(n=len(problems)), modname=__name__)


def setup(app):
    # Before _ext/data_freshness.py (config-inited, priority 100) reads the folder to fingerprint it.
    app.connect("config-inited", _check, priority=10)
    # After every other extension has written its files (downloads, notebooks, zip).
    app.connect("build-finished", _scan, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
