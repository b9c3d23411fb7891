"""PDFs printed from the built pages (`make pdf`; `make test` prints them before running pytest)."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pikepdf
import pypdfium2
import pytest

from analysis.build import notebooks, pdf
from tests.conftest import HTML, ROOT

CHAPTERS = notebooks.chapters()
SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", "", text).lower()


def _title(docname: str) -> str:
    page = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("#", "").strip()


def _text(path) -> list[str]:
    """Each page's text, as pdfium reads it: a second PDF library reading what qpdf wrote."""
    with pypdfium2.PdfDocument(path) as document:
        return [page.get_textpage().get_text_range() for page in document]


def _chart_titles(docname: str) -> list[str]:
    titles = []
    for raw in SPEC.findall((HTML / f"{docname}.html").read_text(encoding="utf-8")):
        title = json.loads(raw.replace("<\\/", "</")).get("title")
        title = title.get("text") if isinstance(title, dict) else title
        titles.append(title if isinstance(title, str) else title[0])
    return titles


@pytest.mark.parametrize("docname", CHAPTERS)
def test_each_chapter_pdf_has_pages_its_title_and_its_charts(printed_html, docname):
    pages = _text(printed_html / pdf.chapter_path(docname))
    assert len(pages) > 0
    text = _norm("".join(pages))
    assert _norm(_title(docname)) in text
    for title in _chart_titles(docname):  # a chart's title is drawn by Vega: it is in the PDF only if the chart is
        assert _norm(title) in text, f"{docname}: chart « {title} » not in the PDF"
    with pikepdf.open(printed_html / pdf.chapter_path(docname)) as reader:
        assert "/CreationDate" not in reader.docinfo


def test_the_book_pdf_joins_every_chapter_in_order(printed_html):
    """Pages, outline and text as pdfium reads them; the structure tree as qpdf does: one element per chapter,
    and every page's key into the parent tree there."""
    lengths, firsts, titles = [], [], []
    for d in CHAPTERS:
        with pypdfium2.PdfDocument(printed_html / pdf.chapter_path(d)) as chapter:
            lengths.append(len(chapter))
            firsts.append(chapter[0].get_textpage().get_text_range())
        with pikepdf.open(printed_html / pdf.chapter_path(d)) as chapter:
            titles.append(str(chapter.docinfo.Title))
    starts = [sum(lengths[:i]) for i in range(len(lengths))]
    with pypdfium2.PdfDocument(printed_html / pdf.book_path()) as book:
        assert len(book) == sum(lengths)
        assert [book[start].get_textpage().get_text_range() for start in starts] == firsts
        top = [(item.get_title(), item.get_dest().get_index()) for item in book.get_toc() if item.level == 0]
    assert top == list(zip(titles, starts, strict=True))
    with pikepdf.open(printed_html / pdf.book_path()) as reader:
        root = reader.Root.StructTreeRoot
        assert len(root.K) == len(CHAPTERS)
        nums = root.ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        assert all(int(page.obj.StructParents) in keys for page in reader.pages)


def test_the_book_pdf_is_linked_from_the_reproduction_page(printed_html):
    page = (printed_html / "book/annexes/reproduire.html").read_text(encoding="utf-8")
    assert f'href="../../{pdf.book_path()}"' in page


def test_printing_a_chapter_twice_gives_the_same_bytes(printed_html):
    """Chromium's dates, document id and DOM-numbered structure ids are normalised away: two loads of the page,
    from two servers on two ports, printed at the same time, give the same bytes, and those of the PDF in the
    book."""
    import asyncio

    docname = next(d for d in CHAPTERS if _chart_titles(d))  # a chapter with charts, drawn asynchronously
    printed = {}
    with pdf.serve(printed_html) as first, pdf.serve(printed_html) as second:
        bases = [first, second]
        assert first != second
        asyncio.run(pdf.print_pages([(base, docname) for base in bases],
                                    lambda run, raw, _fetched: printed.__setitem__(run, raw)))
    title = pdf.page_title(printed_html / f"{docname}.html")
    outputs = [pdf.chapter_pdf(printed[run], title, base) for run, base in enumerate(bases)]
    assert outputs[0] == outputs[1]
    # make test prints the PDFs on the browser tests' visit of the pages, after their checks: the same bytes
    assert (printed_html / pdf.chapter_path(docname)).read_bytes() == outputs[0]


@pytest.mark.parametrize("docname", ["book/regions/mauricie", "book/annexes/reproduire"])
def test_links_in_a_pdf_lead_to_the_published_book(printed_html, docname):
    from analysis.present import citation

    with pikepdf.open(printed_html / pdf.chapter_path(docname)) as reader:
        uris = [str(a.A.URI) for page in reader.pages for a in page.obj.get("/Annots", [])
                if "/URI" in a.get("/A", {})]
    assert uris and not [u for u in uris if "127.0.0.1" in u or "localhost" in u]
    site = str(citation.metadata()["url"]).rstrip("/")
    assert any(u.startswith(f"{site}/book/") for u in uris)


def _dead_internal_links(reader) -> list[str]:
    """Link annotations that lead to a named destination the document does not hold: a name in the catalog's
    /Dests, a string in its /Names tree."""
    root = reader.Root
    named = {str(name) for name in root.get("/Dests", {}).keys()}
    if "/Names" in root and "/Dests" in root.Names:
        named |= set(pikepdf.NameTree(root.Names.Dests).keys())
    dead = []
    for page in reader.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A", {})
            target = annotation.get("/Dest", action.get("/D") if action.get("/S") == "/GoTo" else None)
            if target is None or isinstance(target, pikepdf.Array):
                continue  # an explicit destination names its page object itself
            if str(target) not in named:
                dead.append(str(target))
    return dead


@pytest.mark.parametrize("name", [pdf.book_path(), *(pdf.chapter_path(d) for d in CHAPTERS)])
def test_every_pdf_has_no_dead_internal_link_and_names_its_authors_and_language(printed_html, name):
    with pikepdf.open(printed_html / name) as reader:
        assert _dead_internal_links(reader) == []
        meta = reader.docinfo
        assert str(meta.Title) and "Contributeurs" in str(meta.Author) and str(meta.Subject)
        root = reader.Root
        assert str(root.Lang) == pdf.LANGUAGE
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked  # tagged, the whole book included


def test_a_chapter_pdf_prints_the_rows_its_source_markers_lead_to(printed_html):
    with pikepdf.open(printed_html / pdf.chapter_path("book/regions/mauricie")) as reader:
        internal = [a for page in reader.pages for a in page.obj.get("/Annots", [])
                    if "/Dest" in a or "/D" in a.get("/A", {})]
        assert len(internal) > 50 and _dead_internal_links(reader) == []


def test_the_browser_the_make_target_installs_is_the_one_printing_and_testing_uses():
    """tools/ensure-chromium.sh (make browser-deps) checks for and installs the executable pdf.CHROMIUM names."""
    script = (ROOT / "tools" / "ensure-chromium.sh").read_text(encoding="utf-8")
    assert f"CHROMIUM={pdf.CHROMIUM}\n" in script and "PACKAGE=chromium-headless-shell\n" in script
    assert pdf.CHROMIUM.endswith("/chromium-headless-shell")
