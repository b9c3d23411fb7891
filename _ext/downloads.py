"""Write the book's downloadable files into the built HTML, never into the sources or data/.

- each region's governance network (GraphML, GEXF, CSV) in `<html>/telechargements/reseaux/`;
- the codebook as a REFI-QDA `.qdc` file in `<html>/telechargements/`.
The chapters link to these paths; tests/test_built_html.py checks that every link resolves.
"""

from __future__ import annotations

from pathlib import Path


def _export(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from analysis import networks, qdc

    outdir = Path(app.outdir)
    networks.export_all(outdir / networks.DOWNLOAD_DIR)
    qdc.write(outdir / qdc.DOWNLOAD_PATH)


def setup(app):
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
