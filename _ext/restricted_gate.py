"""Stop the build before anything runs when the restricted interview folder has any problem.

When `ALLIANCES_INTERVIEWS_DIR` is set, the folder is checked (analysis/interviews/restricted.py) as soon as the
configuration is read, before the execution cache is touched and before any notebook runs. A problem
stops the build with a non-zero exit whatever the flags (`--keep-going` only keeps going past
warnings), and the error says only that the folder is invalid: the details quote paths, ids and
values from the restricted files, so they are printed by `make validate-restricted` on the data
holder's terminal and never written under `_build/`.
"""

from __future__ import annotations

from sphinx.errors import ExtensionError


def _check(app, config) -> None:
    from analysis.interviews import restricted

    folder = restricted.folder_from_env()
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


def setup(app):
    # Before _ext/data_freshness.py (config-inited, priority 100) reads the folder to fingerprint it.
    app.connect("config-inited", _check, priority=10)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
