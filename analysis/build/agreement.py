"""Gate: every page of the built book that shows a region-level statement shows the same value.

Pages render study-model statements through `analysis.present.statement.html`, which marks each one
with its key, region and value. This module reads those marks back from the built HTML and lists
every (region, statement) shown with more than one value or more than one text.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

from analysis.present.statement import CSS_CLASS

_SPAN = re.compile(
    r"<span class=['\"]" + CSS_CLASS + r"(?: [^'\"]*)?['\"] data-enonce=['\"]([^'\"]+)['\"] "
    r"data-region=['\"]([^'\"]+)['\"] data-valeur=['\"]([^'\"]*)['\"]>(.*?)</span>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\n]+")  # line breaks of the HTML; no-break spaces are part of the text


def normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def marks(text: str) -> list[tuple[str, str, str, str]]:
    """(key, region, value, text) of every marked statement in one page's HTML."""
    return [(key, region, html.unescape(value), normal(html.unescape(_TAG.sub("", body))))
            for key, region, value, body in _SPAN.findall(text)]


def shown(pages: dict[str, str]) -> dict[tuple[str, str], dict[str, set[tuple[str, str]]]]:
    """(region, key) -> page -> the (value, text) pairs that page shows for it."""
    out: dict[tuple[str, str], dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for page, text in pages.items():
        for key, region, value, said in marks(text):
            out[(region, key)][page].add((value, said))
    return out


def disagreements(pages: dict[str, str]) -> list[str]:
    """One line per statement shown differently, naming each page and what it shows."""
    problems = []
    for (region, key), by_page in sorted(shown(pages).items()):
        variants = {pair for pairs in by_page.values() for pair in pairs}
        if len(variants) > 1:
            detail = "; ".join(f"{page}: {value!r} « {said[:60]} »" for page, pairs in sorted(by_page.items())
                               for value, said in sorted(pairs))
            problems.append(f"{region}: statement {key} shown {len(variants)} ways: {detail}")
    return problems


def read_pages(html_dir: Path) -> dict[str, str]:
    """Every chapter page of a built book (relative path -> HTML)."""
    return {p.relative_to(html_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((Path(html_dir) / "book").rglob("*.html")) if not p.name.startswith("_")}
