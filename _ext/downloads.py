"""Write the book's downloadable files into the built HTML, never into the sources or data/.

- each region's governance network (GraphML, GEXF, CSV) in `<html>/telechargements/reseaux/`;
- the codebook as a REFI-QDA `.qdc` file in `<html>/telechargements/`.
The chapters link to these paths; tests/test_built_html.py checks that every link resolves.
"""

from __future__ import annotations

from pathlib import Path

STAMP_NAME = ".downloads-fingerprint"  # in the HTML output: removing the output removes it too


def _export(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stamp = outdir / STAMP_NAME
    # data_freshness fingerprints data/ and analysis/, all the exports read: unchanged means up to date
    # (this spares a no-change rebuild about two seconds of imports and exports).
    fingerprint = getattr(app, "_data_fingerprint", None)
    if fingerprint and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return
    from analysis.build import export as networks
    from analysis.build import qdc
    from analysis.present import diagram  # the network download folder is defined with the links to it

    networks.export_all(outdir / diagram.DOWNLOAD_DIR)
    qdc.write(outdir / qdc.DOWNLOAD_PATH)
    if fingerprint:
        stamp.write_text(fingerprint + "\n")


def setup(app):
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
