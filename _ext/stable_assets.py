"""Make a first (cold) build link its assets exactly as every later build does.

Sphinx appends `?v=<checksum>` to a stylesheet's URL only when the file is already in the output's
`_static/` while pages are written. myst-nb copies its `mystnb.<hash>.css` there at the very end of a
build, so a cold build links it without `?v=` and every later build with it: two builds of the same
sources differed. We copy the file when the builder starts, as myst-nb itself would at the end (same
source, same name), so the link is the same whatever the state of `_build/`.
"""

from __future__ import annotations

from pathlib import Path


def _copy_mystnb_css(app) -> None:
    if app.builder.format != "html":
        return
    from myst_nb import static
    from myst_nb.sphinx_ext import _get_file_hash, _import_resources_path
    from sphinx.util.fileutil import copy_asset_file

    with _import_resources_path(static, "mystnb.css") as source:
        target = Path(app.outdir) / "_static" / f"mystnb.{_get_file_hash(source)}.css"
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_asset_file(str(source), str(target))


def setup(app):
    app.connect("builder-inited", _copy_mystnb_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
