"""Ship Vega, Vega-Lite and vega-embed with the book, so charts never call a CDN.

The bundle comes from vl-convert (pinned in requirements.lock) and is written once into
_static/; the chapters' "offline" Altair renderer (analysis.present.charts) calls the global vegaEmbed.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.contract import env
from analysis.contract.paths import VEGA_BUNDLE


def stamp() -> str:
    """First line of the bundle. The two versions decide it (altair names the Vega-Lite version);
    reading them from the installed metadata spares each rebuild the import of Altair."""
    from importlib.metadata import version

    return f"/* vl-convert-python {version('vl-convert-python')}, altair {version('altair')} */\n"


def _write_bundle(app) -> None:
    if app.builder.format != "html":
        return
    first_line = stamp()
    target = Path(app.outdir) / "_static" / VEGA_BUNDLE
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            if fh.readline() == first_line:
                return  # bundling costs about a second: skip when up to date
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert

    vl_version = vl_version_for_vl_convert()
    target.parent.mkdir(parents=True, exist_ok=True)
    bundle = vlc.javascript_bundle(vl_version=vl_version)
    # The IIFE keeps the bundle's top-level consts out of the page's global scope.
    target.write_text(first_line + "(function () {\n" + bundle + "\n})();\n", encoding="utf-8")


def setup(app):
    # Kernels started by this build inherit the variable and pick the offline renderer.
    os.environ[env.BOOK_BUILD] = "1"
    app.connect("builder-inited", _write_bundle)
    # Deferred: the page is parsed and shown while the bundle (900 kB) compiles, not after; it runs before
    # DOMContentLoaded, on which the charts' own scripts wait when vegaEmbed is not there yet.
    app.add_js_file(VEGA_BUNDLE, loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
