"""Write each region's governance network (GraphML, GEXF, CSV) into the built HTML.

The files are made at build time from data/ (which is only read) and land in
`<html>/telechargements/reseaux/`, where the comparative chapter links to them.
"""

from __future__ import annotations

from pathlib import Path


def _export(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from analysis import networks

    networks.export_all(Path(app.outdir) / networks.DOWNLOAD_DIR)


def setup(app):
    app.connect("build-finished", _export)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
