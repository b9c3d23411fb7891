"""What a re-runner and a citer download, and what every page says about its build.

- the footer of every page: edition, commit, data-package version and build date (analysis.present.provenance);
- each chapter's download menu: its executed notebook (.ipynb) and its PDF, instead of the
  theme's « print this page » button;
- after the build: the data package as one zip (analysis.contract.archive) and every chapter's notebook,
  written from the build's own executed results (jupyter-cache, the same outputs the pages show) by
  analysis.build.notebooks.reader_notebook: no chapter runs twice. The PDFs come from `make pdf`
  (analysis.build.pdf), which prints the built pages.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from sphinx.util import logging

# In the HTML output (removed with it): the key of the last data zip and notebooks written.
NOTEBOOKS_STAMP = ".notebooks-fingerprint"

logger = logging.getLogger(__name__)


def _footer(app, config) -> None:
    from analysis.present import provenance

    options = dict(config.html_theme_options or {})
    base = str(options.get("extra_footer") or "").strip()
    options["extra_footer"] = f"{base}\n{provenance.footer_html()}" if base else provenance.footer_html()
    config.html_theme_options = options
    # The theme's « Mis à jour le … » would be a second build date outside the marked span.
    config.html_last_updated_fmt = None


def _download_menu(app, pagename, templatename, context, doctree) -> None:
    from analysis.build import notebooks, pdf

    if pagename not in _chapters(app):
        return
    pathto = context["pathto"]
    for button in context.get("header_buttons", []):
        if button.get("label") != "download-buttons":
            continue
        items = [b for b in button["buttons"] if b.get("label") != "download-pdf-button"]
        items.insert(0, {
            "type": "link", "url": pathto(f"{notebooks.DOWNLOAD_DIR}/{pagename}.ipynb", 1), "text": ".ipynb",
            "tooltip": "Notebook exécuté (Jupyter)", "icon": "fas fa-code", "label": "download-notebook-button"})
        items.append({
            "type": "link", "url": pathto(pdf.chapter_path(pagename), 1), "text": ".pdf",
            "tooltip": "Ce chapitre en PDF", "icon": "fas fa-file-pdf", "label": "download-pdf-button"})
        button["buttons"] = items


def _toc(app) -> Path:
    """The table of contents this build uses (`jb build --toc` gives a smaller book)."""
    return Path(app.confdir) / (getattr(app.config, "external_toc_path", None) or "_toc.yml")


def _chapters(app) -> set[str]:
    if not hasattr(app, "_toc_chapters"):
        from analysis.build import notebooks

        app._toc_chapters = set(notebooks.chapters(_toc(app)))
    return app._toc_chapters


def _downloads(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from analysis.build import notebooks
    from analysis.contract import archive

    outdir = Path(app.outdir)
    order = notebooks.chapters(_toc(app))
    stamp, key = outdir / NOTEBOOKS_STAMP, _inputs_key(app, order)
    targets = [outdir / notebooks.DOWNLOAD_DIR / f"{d}.ipynb" for d in order]
    if key and stamp.exists() and stamp.read_text().strip() == key and all(t.exists() for t in targets):
        return  # neither the chapters nor what they read changed: the zip and the notebooks are up to date
    archive.write(outdir)
    started = time.monotonic()
    labels = {name: (doc, anchor, title) for name, (doc, anchor, title)
              in app.env.domaindata["std"]["labels"].items()}
    try:
        executed = {docname: _executed(app, docname) for docname in order}
        notebooks.draw_charts(executed.values())
        for docname in order:
            target = outdir / notebooks.DOWNLOAD_DIR / f"{docname}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            notebook = notebooks.reader_notebook(executed[docname], docname, labels)
            target.write_text(notebooks.dumps(notebook), encoding="utf-8")
    except Exception as err:  # noqa: BLE001 - reported as a build warning (an error under -W)
        logger.warning(f"notebooks: {type(err).__name__}: {str(err)[:2000]}")
        return
    logger.info(f"notebooks: {len(order)} written in {notebooks.DOWNLOAD_DIR}/ from the build's executed "
                f"results ({time.monotonic() - started:.1f} s)")
    if key:
        stamp.write_text(key + "\n")


def _inputs_key(app, order: list[str]) -> str | None:
    """The chapters' texts and the build's inputs (data_freshness's fingerprint) in one hash; None without
    a fingerprint (then the downloads are always written)."""
    fingerprint = getattr(app, "_data_fingerprint", None)
    if not fingerprint:
        return None
    digest = hashlib.sha256(fingerprint.encode())
    for docname in order:
        digest.update(docname.encode())
        digest.update(Path(app.env.doc2path(docname)).read_bytes())
    return digest.hexdigest()


def _executed(app, docname: str):
    """The notebook myst-nb read for `docname`, with the outputs the build executed (from jupyter-cache)."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader
    from parallel_execute import _notebook

    found = _notebook(app.env, docname)  # the same notebook, and so the same cache key, as myst-nb's read
    if found is None:  # nothing to execute: the page's text alone
        path = Path(app.env.doc2path(docname))
        text = path.read_text(encoding="utf-8")
        return create_nb_reader(str(path), app.env.myst_config, app.env.mystnb_config, text).read(text)
    cache = get_cache(app.env.mystnb_config.execution_cache_path or ".jupyter_cache")
    _, notebook = cache.merge_match_into_notebook(found[1])
    return notebook


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("html-page-context", _download_menu, priority=900)  # after the theme's own buttons (501)
    app.connect("build-finished", _downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
