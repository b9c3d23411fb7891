"""Keep a renamed section's old anchor working (book/anchors-moved.txt, see analysis/build/anchors.py).

The section that now carries the new anchor also gets the old one as an id; docutils writes it as
an extra `<span id="old">` at the top of the section, so `page.html#old` still lands there.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def add_old_ids(doctree: nodes.Node, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Give each node holding `new` the id `old` as well; return the pairs whose `new` is nowhere. An old anchor
    that a section of the page carries again (a changelog's next « Non publié ») is left to that section: one id
    is one place."""
    ids = {i for node in doctree.findall(nodes.Element) for i in node.get("ids", [])}
    unresolved = []
    for old, new in pairs:
        if old in ids:
            continue
        holders = [node for node in doctree.findall(nodes.Element) if new in node.get("ids", [])]
        if not holders:
            unresolved.append((old, new))
            continue
        if old not in holders[0]["ids"]:
            holders[0]["ids"].append(old)
    return unresolved


def _apply(app, doctree, docname) -> None:
    from analysis.build import anchors

    pairs = anchors.moved(Path(app.confdir) / "book" / anchors.MOVED.name).get(docname, [])
    for old, new in add_old_ids(doctree, pairs):
        logger.warning(f"{anchors.MOVED.name}: {docname}.html#{old} points to #{new}, which this page lacks",
                       location=docname)


def setup(app):
    app.connect("doctree-resolved", _apply)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
