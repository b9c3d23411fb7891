"""Write the book's downloadable files into the built HTML, never into the sources or data/.

- each region's governance network (GraphML, GEXF, CSV) in `<html>/telechargements/reseaux/`;
- the codebook as a REFI-QDA `.qdc` file in `<html>/telechargements/`.
The chapters link to these paths; tests/test_built_html.py checks that every link resolves.

Both read the public inputs only, never the interview files: a restricted edition copies them from the public
book of its checkout when that book made them from the same inputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STAMP_NAME = ".downloads-fingerprint"  # in the HTML output: removing the output removes it too
PUBLIC_HTML = Path("_build/html")  # the public book, in the checkout


def _key(html: Path) -> str | None:
    stamp = html / STAMP_NAME
    return stamp.read_text().strip() if stamp.exists() else None


def _export(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from analysis.build import inputs
    from analysis.contract import env

    outdir = Path(app.outdir)
    # Unchanged public inputs mean up to date (this spares a no-change rebuild about two seconds).
    key = inputs.fingerprint(Path(app.confdir))
    if _key(outdir) == key:
        return
    from analysis.build import qdc
    from analysis.contract.paths import NETWORKS_DOWNLOAD_DIR

    public = Path(app.confdir) / PUBLIC_HTML
    # Only a restricted edition copies: a second public build (make determinism) must make its own, to compare.
    if env.interviews_dir() and public.resolve() != outdir.resolve() and _key(public) == key:
        shutil.copytree(public / NETWORKS_DOWNLOAD_DIR, outdir / NETWORKS_DOWNLOAD_DIR, dirs_exist_ok=True)
        shutil.copyfile(public / qdc.DOWNLOAD_PATH, outdir / qdc.DOWNLOAD_PATH)
    else:
        from analysis.build import export as networks  # the graphs, layouts and charts: only to export

        networks.export_all(outdir / NETWORKS_DOWNLOAD_DIR)
        qdc.write(outdir / qdc.DOWNLOAD_PATH)
    (outdir / STAMP_NAME).write_text(key + "\n")


def setup(app):
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
