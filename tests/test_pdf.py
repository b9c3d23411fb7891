"""PDFs printed from the built pages (`make pdf`; `make test` prints them before running pytest)."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pytest
from pypdf import PdfReader

from analysis.build import notebooks, pdf
from tests.conftest import HTML

CHAPTERS = notebooks.chapters()
SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", "", text).lower()


def _title(docname: str) -> str:
    page = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("#", "").strip()


def _chart_titles(docname: str) -> list[str]:
    titles = []
    for raw in SPEC.findall((HTML / f"{docname}.html").read_text(encoding="utf-8")):
        title = json.loads(raw.replace("<\\/", "</")).get("title")
        title = title.get("text") if isinstance(title, dict) else title
        titles.append(title if isinstance(title, str) else title[0])
    return titles


@pytest.mark.parametrize("docname", CHAPTERS)
def test_each_chapter_pdf_has_pages_its_title_and_its_charts(printed_html, docname):
    reader = PdfReader(printed_html / pdf.chapter_path(docname))
    assert len(reader.pages) > 0
    text = _norm("".join(page.extract_text() or "" for page in reader.pages))
    assert _norm(_title(docname)) in text
    for title in _chart_titles(docname):  # a chart's title is drawn by Vega: it is in the PDF only if the chart is
        assert _norm(title) in text, f"{docname}: chart « {title} » not in the PDF"
    assert "/CreationDate" not in (reader.metadata or {})


def test_the_book_pdf_joins_every_chapter_in_order(printed_html):
    book = PdfReader(printed_html / pdf.book_path())
    chapters = [PdfReader(printed_html / pdf.chapter_path(d)) for d in CHAPTERS]
    assert len(book.pages) == sum(len(c.pages) for c in chapters)
    assert [item.title for item in book.outline if not isinstance(item, list)] == [
        c.metadata.title for c in chapters]


def test_the_book_pdf_is_linked_from_the_reproduction_page(printed_html):
    page = (printed_html / "book/annexes/reproduire.html").read_text(encoding="utf-8")
    assert f'href="../../{pdf.book_path()}"' in page


def test_printing_a_chapter_twice_gives_the_same_bytes(printed_html):
    """Chromium's dates, document id and DOM-numbered structure ids are normalised away: two loads of the page,
    from two servers on two ports, printed at the same time, give the same bytes."""
    import asyncio

    docname = next(d for d in CHAPTERS if _chart_titles(d))  # a chapter with charts, drawn asynchronously
    printed = {}
    with pdf.serve(printed_html) as first, pdf.serve(printed_html) as second:
        bases = [first, second]
        assert first != second
        asyncio.run(pdf.print_pages([(base, docname) for base in bases],
                                    lambda run, raw, _fetched: printed.__setitem__(run, raw)))
    outputs = [pdf.chapter_pdf(printed[run], docname, base) for run, base in enumerate(bases)]
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("docname", ["book/regions/mauricie", "book/annexes/reproduire"])
def test_links_in_a_pdf_lead_to_the_published_book(printed_html, docname):
    from analysis.present import citation

    uris = [str(a.get_object()["/A"]["/URI"]) for page in PdfReader(printed_html / pdf.chapter_path(docname)).pages
            for a in page.get("/Annots", []) or [] if "/URI" in a.get_object().get("/A", {})]
    assert uris and not [u for u in uris if "127.0.0.1" in u or "localhost" in u]
    site = str(citation.metadata()["url"]).rstrip("/")
    assert any(u.startswith(f"{site}/book/") for u in uris)


def _dead_internal_links(reader) -> list[str]:
    """Link annotations that lead to a named destination the document does not hold."""
    from pypdf.generic import ArrayObject

    named = set(reader.named_destinations)
    dead = []
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            target = annotation.get("/Dest", action.get("/D") if action.get("/S") == "/GoTo" else None)
            if target is None or isinstance(target.get_object(), ArrayObject):
                continue  # an explicit destination names its page object itself
            if str(target) not in named:
                dead.append(str(target))
    return dead


@pytest.mark.parametrize("name", [pdf.book_path(), *(pdf.chapter_path(d) for d in CHAPTERS)])
def test_every_pdf_has_no_dead_internal_link_and_names_its_authors_and_language(printed_html, name):
    reader = PdfReader(printed_html / name)
    assert _dead_internal_links(reader) == []
    meta = reader.metadata
    assert meta.title and meta.author and "Contributeurs" in meta.author and meta.subject
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == pdf.LANGUAGE
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged, the whole book included


def test_a_chapter_pdf_prints_the_rows_its_source_markers_lead_to(printed_html):
    reader = PdfReader(printed_html / pdf.chapter_path("book/regions/mauricie"))
    internal = [a for page in reader.pages for a in page.get("/Annots", []) or []
                if "/Dest" in a.get_object() or "/D" in a.get_object().get("/A", {})]
    assert len(internal) > 50 and _dead_internal_links(reader) == []
