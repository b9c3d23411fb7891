"""Checks on the built HTML (no browser): offline assets, chart metadata, privacy, links."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from analysis.build import links
from analysis.contract.paths import VEGA_BUNDLE
from analysis.interviews import privacy
from tests.conftest import HTML, book_pages

PAGES = book_pages()
SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)
CITE_BOX = re.compile(r"<div class=['\"]cite-box['\"].*?</div>", re.S)


class _Refs(HTMLParser):
    """Collect what a page loads (scripts, styles, images) and where it links."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.ids: set[str] = set()
        self._skip = 0

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style"}:
            self._skip += 1
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag in {"script", "img", "iframe"} and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in {"stylesheet", "preload"} and attrs.get("href"):
            self.loads.append(attrs["href"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _refs(page: str) -> _Refs:
    return _parsed(str((HTML / page).resolve()))


@cache
def _parsed(path: str) -> _Refs:
    parser = _Refs()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def test_pages_were_built(built_html):
    assert "book/index.html" in PAGES and "book/contexte.html" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_another_host(built_html, page):
    external = [u for u in _refs(page).loads if urlparse(u).netloc]
    assert external == []


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_title_and_description(built_html, page):
    for spec_text in SPEC.findall((HTML / page).read_text(encoding="utf-8")):
        spec = json.loads(spec_text.replace("<\\/", "</"))
        assert spec.get("title"), f"{page}: chart without title"
        assert spec.get("description"), f"{page}: chart without accessible description"


def test_every_internal_link_and_anchor_resolves(printed_html):
    """Every page (chapters, index, search, genindex): each relative href/src reaches a file and each
    `#fragment` an element with that id (analysis/build/links.py; `make linkcheck` lists the external ones).
    The download menus link to the PDFs: the book with its PDFs."""
    assert len(links.pages(printed_html)) > len(PAGES)
    assert links.internal_problems(printed_html) == []


def test_broken_links_and_anchors_are_caught(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text(
        '<h1 id="top">A</h1><a href="#top">ok</a> <a href="b.html#ici">ok</a> <a name="old"></a>\n'
        '<a href="#nowhere">1</a> <a href="b.html#ailleurs">2</a> <a href="c.html">3</a>\n'
        '<link rel="next" href="d.html"/><script src="../_static/x.js?v=1"></script>'
        '<a href="https://example.org/">external</a>', encoding="utf-8")
    (tmp_path / "book" / "b.html").write_text('<section id="ici"></section><a href="a.html#old">ok</a>',
                                              encoding="utf-8")
    problems = links.internal_problems(tmp_path)
    assert [p.split(" (")[0] for p in problems] == [
        "book/a.html:2: broken link #nowhere", "book/a.html:2: broken link b.html#ailleurs",
        "book/a.html:2: broken link c.html", "book/a.html:3: broken link d.html",
        "book/a.html:3: broken link ../_static/x.js?v=1"]
    report = tmp_path / "report" / "external-links.txt"
    assert links.main(tmp_path, report) == 2
    assert "https://example.org/\tbook/a.html" in report.read_text(encoding="utf-8")


def test_source_ids_link_to_their_row_in_the_sources_annex(built_html):
    ids = _refs("book/annexes/sources.html").ids
    links = [h for h in _refs("book/regions/mauricie.html").links if "annexes/sources.html#src-" in h]
    assert links and all(h.startswith("../annexes/sources.html#src-") for h in links)
    assert {"src-mau-src-01", "src-qc-loi-2002", "src-etude-frq"} <= ids


@pytest.mark.parametrize("page", PAGES)
def test_every_chapter_has_one_cite_box_for_its_own_address(built_html, page):
    boxes = CITE_BOX.findall((HTML / page).read_text(encoding="utf-8"))
    assert len(boxes) == 1, f"{page}: {len(boxes)} cite boxes"
    box = html.unescape(boxes[0])
    apa = re.search(r"<strong>APA</strong>\s*—\s*(.*?)</p>", box, re.S)
    assert apa, f"{page}: no APA line"
    url = apa.group(1).split()[-1]
    assert url.startswith("http") and url.endswith("/" + page), f"{page}: APA address {url}"
    assert "<summary>BibTeX</summary>" in box and "@incollection{" in box and f"url       = {{{url}}}" in box
    assert "<summary>RIS</summary>" in box and "TY  - CHAP" in box and f"UR  - {url}" in box


@pytest.mark.parametrize("page", PAGES)
def test_no_personal_contact_details(built_html, page):
    """The reader-visible text (the whole build is scanned by tests/test_privacy.py)."""
    text = " ".join(_refs(page).text)
    assert privacy.EMAIL.findall(text) == []
    assert privacy.PHONE.findall(text) == []


def test_vega_bundle_is_shipped_and_deferred(built_html):
    """Deferred, the bundle compiles while a chart page is parsed and shown; the charts wait for it."""
    bundle = Path(built_html) / "_static" / VEGA_BUNDLE
    assert bundle.stat().st_size > 500_000
    texts = {page: (Path(built_html) / page).read_text(encoding="utf-8") for page in PAGES}
    charted = [page for page, text in texts.items() if "altair-chart" in text]
    assert charted
    deferred = re.compile(rf'<script defer="defer" src="[./]*_static/{re.escape(VEGA_BUNDLE)}')
    for page in charted:
        assert deferred.search(texts[page]), page


# --- interview tier: synthetic content is labelled, and no small count is ever published -----------------

SYNTHETIC_LABEL = "données synthétiques"
AGGREGATE = re.compile(
    r"<div class=['\"]published-aggregate['\"] data-synthetic=['\"](true|false)['\"]>(.*?)</div>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)


def _interview_specs(text: str) -> list[dict]:
    """Chart specs whose data rows carry a `synthetic` flag (the interview tier)."""
    specs = []
    for spec_text in SPEC.findall(text):
        spec = json.loads(spec_text.replace("<\\/", "</"))
        rows = [row for values in spec.get("datasets", {}).values() for row in values]
        if any("synthetic" in row for row in rows):
            specs.append({"spec": spec, "rows": rows})
    return specs


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


@pytest.mark.parametrize("page", PAGES)
def test_synthetic_content_is_labelled_everywhere(built_html, page):
    text = (HTML / page).read_text(encoding="utf-8")
    specs = _interview_specs(text)
    synthetic_specs = [s for s in specs if any(row.get("synthetic") is True for row in s["rows"])]
    tables = AGGREGATE.findall(text)
    if synthetic_specs or any(flag == "true" for flag, _ in tables):
        assert "synthetic-banner" in text, f"{page}: synthetic content without the banner"
    for item in synthetic_specs:
        assert SYNTHETIC_LABEL in _title(item["spec"]).lower(), f"{page}: {_title(item['spec'])!r}"
        assert SYNTHETIC_LABEL in item["spec"].get("description", "").lower(), f"{page}: description"


@pytest.mark.parametrize("page", PAGES)
def test_no_published_interview_count_between_1_and_4(built_html, page):
    text = (HTML / page).read_text(encoding="utf-8")
    for item in _interview_specs(text):
        for row in item["rows"]:
            assert row.get("n") is None or row["n"] >= 5, f"{page}: chart shows a count of {row['n']}"
    for _, table in AGGREGATE.findall(text):
        for cell in CELL.findall(table):
            value = html.unescape(cell).strip()
            assert not (value.isdigit() and 1 <= int(value) <= 4), f"{page}: table shows a count of {value}"


def test_regional_chapters_note_the_interviews_and_the_annex_shows_the_stand_in(built_html):
    """Public edition: a chapter keeps a note linking to the annex; the annex runs the pipeline on the stand-in.

    A restricted build (ALLIANCES_INTERVIEWS_DIR set) shows each region's real aggregates instead.
    """
    regional = [page for page in PAGES if page.startswith("book/regions/")]
    assert regional
    for page in regional:
        text = (HTML / page).read_text(encoding="utf-8")
        assert "interview-note" in text and "../annexes/entrevues.html" in text, page
        if "restricted-banner" in text:
            assert _interview_specs(text) and AGGREGATE.search(text), page
        else:  # no fabricated count in a region's account
            assert not _interview_specs(text) and not AGGREGATE.search(text), page
    annex = (HTML / "book" / "annexes" / "entrevues.html").read_text(encoding="utf-8")
    assert "synthetic-banner" in annex and AGGREGATE.search(annex)
    assert len(_interview_specs(annex)) == len(regional)


def test_english_summary_is_marked_as_english(built_html):
    text = (HTML / "book" / "annexes" / "english-summary.html").read_text(encoding="utf-8")
    assert '<div lang="en">' in text
    french = (HTML / "book" / "contexte.html").read_text(encoding="utf-8")
    assert '<div lang="en">' not in french


# --- the theme speaks French: tooltips and accessible names of its buttons --------------------------------

ENGLISH_THEME_LABELS = {"Search", "Search this book...", "Toggle primary sidebar", "Toggle secondary sidebar",
                        "Source repositories", "Main", "Color mode", "Light", "Dark", "System Settings",
                        "Download this page", "Fullscreen mode", "Print to PDF", "Back to top", "Repository",
                        "Open issue", "Download source file", "Download notebook file", "Site navigation"}
LABEL_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|data-bs-title)="([^"]*)"')


def english_labels(text: str) -> set[str]:
    return {html.unescape(v) for v in LABEL_ATTRIBUTE.findall(text)} & ENGLISH_THEME_LABELS


@pytest.mark.parametrize("page", PAGES + ["search.html", "genindex.html"])
def test_theme_buttons_have_french_labels(built_html, page):
    assert english_labels((HTML / page).read_text(encoding="utf-8")) == set()


def test_english_theme_labels_are_caught():
    upstream = ('<button class="sidebar-toggle primary-toggle btn btn-sm" title="Toggle primary sidebar">'
                '<nav class="bd-links bd-docs-nav" aria-label="Main">')
    assert english_labels(upstream) == {"Toggle primary sidebar", "Main"}
