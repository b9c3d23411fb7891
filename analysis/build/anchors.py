"""Stable addresses: every published `page#anchor` is listed in book/anchors.txt and must keep working.

A citation or a policy document may point at a chapter or at one of its sections. The registry lists
every such address the book has published: the chapter pages and the anchors of their sections
(the heading's own id and any MyST label `(name)=` placed on it), plus any element marked with the
class `stable-anchor` or whose id starts with `bref-` or `en-bref` (the « En bref » points).
tests/test_anchors.py fails when one of them is gone from the built book.

A renamed or reworded section keeps its old address through book/anchors-moved.txt, one
`page#old-anchor new-anchor` per line: _ext/stable_anchors.py gives the section that now carries
`new-anchor` the old id as well, so old links land on it.

`python -m analysis anchors` (or `make anchors`) adds the anchors a new build publishes to the registry
and lists the ones that disappeared.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from analysis.contract.data import ROOT

REGISTRY = ROOT / "book" / "anchors.txt"
MOVED = ROOT / "book" / "anchors-moved.txt"
STABLE_CLASS = "stable-anchor"
STABLE_PREFIXES = ("bref-", "en-bref")  # « En bref » points, whatever element carries them
GENERATED_ID = re.compile(r"^id\d+$")  # docutils numbers duplicate ids: never stable
HEADER = """\
# Every address the book has published: a chapter page, or page#anchor for a section or a marked point.
# tests/test_anchors.py fails when one disappears. Never delete a line: when a section is renamed, map its
# old anchor to the new one in book/anchors-moved.txt. New anchors are added by `make anchors`.
"""


class _Ids(HTMLParser):
    """The stable anchors of one built page, and every id it holds."""

    def __init__(self):
        super().__init__()
        self.anchors: list[str] = []
        self.ids: set[str] = set()
        self._last_tag = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ident = attrs.get("id")
        if ident:
            self.ids.add(ident)
            classes = (attrs.get("class") or "").split()
            label = tag == "span" and self._last_tag == "section" and not classes
            marked = STABLE_CLASS in classes or ident.startswith(STABLE_PREFIXES)
            if (tag == "section" or label or marked) and not GENERATED_ID.match(ident):
                self.anchors.append(ident)
        self._last_tag = tag


def parse(html_file: Path) -> _Ids:
    parser = _Ids()
    parser.feed(Path(html_file).read_text(encoding="utf-8"))
    return parser


def published(html_dir: Path, docnames: list[str]) -> list[str]:
    """Every stable address of the built book, pages in reading order."""
    found = []
    for docname in docnames:
        page = f"{docname}.html"
        if not (Path(html_dir) / page).exists():
            continue
        found.append(page)
        found += [f"{page}#{anchor}" for anchor in dict.fromkeys(parse(Path(html_dir) / page).anchors)]
    return found


def read(path: Path = REGISTRY) -> list[str]:
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def moved(path: Path = MOVED) -> dict[str, list[tuple[str, str]]]:
    """docname -> [(old anchor, anchor now carrying it)], from `page#old new` lines."""
    mapping: dict[str, list[tuple[str, str]]] = {}
    if not path.exists():
        return mapping
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        page, _, old = parts[0].partition("#")
        if len(parts) != 2 or not page.endswith(".html") or not old:
            raise ValueError(f"{path.name}:{number}:1: expected `page.html#old-anchor new-anchor`, got {line!r}")
        mapping.setdefault(page.removesuffix(".html"), []).append((old, parts[1].lstrip("#")))
    return mapping


def missing(html_dir: Path, registry: list[str]) -> list[str]:
    """Registered addresses the built book no longer answers."""
    gone, pages = [], {}
    for entry in registry:
        page, _, anchor = entry.partition("#")
        target = Path(html_dir) / page
        if not target.exists():
            gone.append(entry)
            continue
        if anchor:
            if page not in pages:  # each page parsed once, not once per anchor
                pages[page] = parse(target).ids
            if anchor not in pages[page]:
                gone.append(entry)
    return gone


def update(html_dir: Path, docnames: list[str], path: Path = REGISTRY) -> tuple[list[str], list[str]]:
    """Add newly published addresses to the registry; return (added, missing). Nothing is removed."""
    registry = read(path)
    known = set(registry)
    added = [entry for entry in published(html_dir, docnames) if entry not in known]
    order = {docname + ".html": i for i, docname in enumerate(docnames)}
    merged = sorted(registry + added, key=lambda e: (order.get(e.partition("#")[0], len(order)), e))
    path.write_text(HEADER + "\n".join(merged) + "\n", encoding="utf-8")
    return added, missing(html_dir, merged)
