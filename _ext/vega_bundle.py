"""Ship Vega, Vega-Lite and vega-embed with the book, so charts never call a CDN.

The bundle comes from vl-convert (pinned in requirements.lock) and is written once into
_static/; the chapters' "offline" Altair renderer (analysis.present.charts) calls the global vegaEmbed.
It is written in the painter process (analysis.build.painter) while the build sets up and runs the chapters,
and is there before the first page is written (each page names it with a checksum of the file).
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


def stale(outdir: Path) -> Path | None:
    """Where the bundle goes, or None when the one there names the same versions (bundling costs about two
    CPU-seconds)."""
    target = Path(outdir) / "_static" / VEGA_BUNDLE
    if target.exists():
        with target.open(encoding="utf-8") as fh:
            if fh.readline() == stamp():
                return None
    return target


def setup(app):
    from analysis.build import painter

    # Kernels started by this build inherit the variable and pick the offline renderer.
    os.environ[env.BOOK_BUILD] = "1"
    bundling = []

    def start(app) -> None:
        if app.builder.format == "html" and (target := stale(app.outdir)):
            bundling.append(painter.submit(painter.write_bundle, target, stamp()))

    def written(*_) -> None:  # its error, if any, stops the build here
        while bundling:
            bundling.pop().result()

    app.connect("builder-inited", start)
    app.connect("write-started", written)
    app.connect("build-finished", written)  # a build stopped before writing still waits for it
    # Deferred: the page is parsed and shown while the bundle (900 kB) compiles, not after; it runs before
    # DOMContentLoaded, on which the charts' own scripts wait when vegaEmbed is not there yet.
    app.add_js_file(VEGA_BUNDLE, loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
