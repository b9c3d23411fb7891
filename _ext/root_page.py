"""The site's root page (`index.html`): a complete HTML document that sends the reader to the book.

sphinx-external-toc writes a bare `<meta http-equiv="Refresh">` line there when the file is missing:
no doctype, no title, no language, nothing to click when redirects are off. We write the page first
(build-finished, before its handler), so it finds the file and leaves it alone.
"""

from __future__ import annotations

import html
from pathlib import Path

ROOT_PAGE = "index.html"
TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def page(title: str, target: str, lang: str) -> str:
    return TEMPLATE.format(title=html.escape(title), target=html.escape(target), lang=html.escape(lang))


def _write(app, exception) -> None:
    if exception is not None or "html" not in app.builder.format or app.config.root_doc == "index":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    text = page(app.config.html_title or app.config.project, target, app.config.language or "fr")
    path = Path(app.outdir) / ROOT_PAGE
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _write, priority=400)  # sphinx-external-toc's redirect runs at 500
    return {"parallel_read_safe": True, "parallel_write_safe": True}
