"""Print the built book to PDF with headless Chromium: one PDF per chapter and one for the book.

`make pdf` (or `python -m analysis pdf`) serves `_build/html` on 127.0.0.1, opens each page of the
table of contents in Debian's Chromium (driven by Playwright, never `playwright install`), waits
until every chart is drawn, and prints it. The book PDF joins the chapters in reading order.
Dates and document ids that Chromium writes are replaced by fixed values, so two runs on the same
pages give the same bytes.

A printed page keeps every link that leads somewhere on it: a folded table holding a row the page
links to (a source marker, a « En bref » point) is unfolded before printing, the others stay folded.
Every PDF carries the book's title, authors, subject, keywords and language (from CITATION.cff and
`_config.yml`) and is tagged; the book PDF joins the chapters' structure trees into one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html as html_lib
import http.server
import io
import re
import socket
import threading
from pathlib import Path

from analysis.build import notebooks
from analysis.contract.data import ROOT
from analysis.present import citation

DOWNLOAD_DIR = "telechargements/pdf"  # inside the built HTML
BOOK_NAME = "livre-complet.pdf"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
CHART_TIMEOUT_MS = 30000
LANGUAGE = "fr-CA"
# Open the folded tables that hold a target of a link on the same page, close the others: no link in the
# PDF leads to a row that was not printed, and tables no one points to stay short.
UNFOLD_LINKED = """() => {
  const here = location.pathname;
  const targets = new Set([...document.querySelectorAll('a[href*="#"]')]
    .filter(a => a.pathname === here && a.hash.length > 1)
    .map(a => decodeURIComponent(a.hash.slice(1))));
  document.querySelectorAll('details').forEach(d => {
    d.open = [...d.querySelectorAll('[id]')].some(e => targets.has(e.id));
  });
}"""


def chapter_path(docname: str) -> str:
    """Where a chapter's PDF sits in the built HTML."""
    return f"{DOWNLOAD_DIR}/{docname}.pdf"


def book_path() -> str:
    return f"{DOWNLOAD_DIR}/{BOOK_NAME}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a directory on a free 127.0.0.1 port for the duration of the block (the PDFs, the browser tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def _print(browser, url: str) -> bytes:
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    try:
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url.split("book/")[0])
                   else r.abort())
        page.goto(url, wait_until="load")
        expected = page.locator(".altair-chart").count()
        if expected:
            page.wait_for_function("n => document.querySelectorAll('.altair-chart svg.marks').length >= n",
                                   arg=expected, timeout=CHART_TIMEOUT_MS)
        page.emulate_media(media="print")
        page.evaluate(UNFOLD_LINKED)
        return page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    finally:
        page.close()


def _fixed(writer, title: str):
    """Same bytes for the same pages: no creation date, a document id derived from the title."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    meta = citation.metadata()
    writer.add_metadata({
        "/Title": title, "/Producer": "alliances-solidarite (Chromium, pypdf)",
        "/Author": "; ".join(str(a.get("name") or f"{a['given-names']} {a['family-names']}")
                             for a in meta["authors"]),
        "/Subject": " ".join(str(meta.get("abstract", "")).split()),
        "/Keywords": ", ".join(map(str, meta.get("keywords", []))),
    })
    catalog = writer._root_object  # noqa: SLF001 - no public setter for the catalog's language
    catalog[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    # viewers show the title, not the file name, in their window
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    info = writer._info  # noqa: SLF001 - pypdf has no public way to remove an entry
    info.pop("/CreationDate", None)
    info.pop("/ModDate", None)
    ident = ByteStringObject(hashlib.md5(title.encode("utf-8")).digest())  # noqa: S324 - an id, not security
    writer._ID = ArrayObject([ident, ident])  # noqa: SLF001
    return writer


def _stable_structure_ids(writer) -> None:
    """Chromium names tagged-PDF structure elements after DOM node numbers, which change from one page load
    to the next (charts are drawn asynchronously). Rename them in structure-tree order, with the table
    header references (/Headers) and the /IDTree that use them, so the same page gives the same bytes."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    root = writer._root_object.get("/StructTreeRoot")  # noqa: SLF001
    if root is None:
        return
    root = root.get_object()
    names: dict[str, str] = {}
    elements, named = [], []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            elements.append(node)
            if "/ID" in node:
                names.setdefault(str(node["/ID"]), f"n{len(names) + 1:06d}")
                named.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(root.get("/K", ArrayObject()))
    for element in named:
        element[NameObject("/ID")] = TextStringObject(names[str(element["/ID"])])
    for element in elements:
        attributes = element.get("/A")
        attributes = attributes.get_object() if attributes is not None else None
        for attribute in attributes if isinstance(attributes, ArrayObject) else [attributes]:
            attribute = attribute.get_object() if hasattr(attribute, "get_object") else attribute
            if isinstance(attribute, DictionaryObject) and "/Headers" in attribute:
                attribute[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(names.get(str(h), str(h))) for h in attribute["/Headers"])
    if "/IDTree" in root:
        _drop_tree(writer, root.raw_get("/IDTree"))  # its keys are the old names
        pairs = sorted((TextStringObject(element["/ID"]), element.indirect_reference) for element in named)
        root[NameObject("/IDTree")] = DictionaryObject(
            {NameObject("/Names"): ArrayObject(item for pair in pairs for item in pair)})


def _number_tree(node) -> list:
    """The (key, value) pairs of a PDF number tree, leaves in order."""
    node = node.get_object()
    nums = list(node.get("/Nums", []))
    pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _own_destinations(chapter, number: int) -> None:
    """Give the chapter's named destinations (its anchors) the chapter's number, in the reader about to be
    joined to the book: two chapters both have `#citer`-like anchors, and a link must stay in its chapter."""
    from pypdf.generic import DictionaryObject, NameObject

    catalog = chapter.trailer["/Root"]
    if "/Dests" not in catalog:
        return
    dests = catalog["/Dests"].get_object()
    renamed = DictionaryObject({NameObject(f"/c{number}-{str(k)[1:]}"): v for k, v in dests.items()})
    dests.clear()
    dests.update(renamed)
    for page in chapter.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if isinstance(annotation.get("/Dest"), NameObject):
                annotation[NameObject("/Dest")] = NameObject(f"/c{number}-{str(annotation['/Dest'])[1:]}")


def _join_structure(book, chapter, start: int, number: int) -> None:
    """Graft the structure tree of `chapter` (its pages appended to `book` from page `start`) onto the book's.

    The book stays a tagged PDF: its structure root holds each chapter's document element in order. The
    keys from pages and annotations into the parent tree move past those of the chapters already
    joined, and element ids get the chapter's number so that two chapters' ids never meet.
    """
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    source = chapter.trailer["/Root"].get("/StructTreeRoot")
    if source is None:
        return
    source = source.get_object()
    catalog = book._root_object  # noqa: SLF001 - pypdf has no public structure-tree API
    if "/StructTreeRoot" not in catalog:
        root = DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): ArrayObject(),
            NameObject("/ParentTreeNextKey"): NumberObject(0),
            NameObject("/IDTree"): DictionaryObject(),  # filled by _stable_structure_ids
            NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): ArrayObject()})})
        catalog[NameObject("/StructTreeRoot")] = book._add_object(root)  # noqa: SLF001
        catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    root = catalog["/StructTreeRoot"].get_object()
    offset = int(root["/ParentTreeNextKey"])
    tops = source["/K"].get_object()
    tops = list(tops) if isinstance(tops, ArrayObject) else [source.raw_get("/K")]
    for top in tops:
        element = top.get_object()
        element.pop("/P", None)  # in the chapter reader's copy: the clone must not bring the chapter's root along
    for element in _elements(tops):
        if "/ID" in element:
            element[NameObject("/ID")] = TextStringObject(f"c{number}-{element['/ID']}")
        for attribute in _attributes(element):
            if "/Headers" in attribute:
                attribute[NameObject("/Headers")] = ArrayObject(
                    TextStringObject(f"c{number}-{h}") for h in attribute["/Headers"])
    for top in tops:
        clone = top.clone(book)
        clone.get_object()[NameObject("/P")] = catalog.raw_get("/StructTreeRoot")
        root["/K"].append(clone)
    nums = root["/ParentTree"].get_object()["/Nums"]
    for key, value in _number_tree(source["/ParentTree"]):
        nums += [NumberObject(key + offset), value.clone(book)]
    for source_page, page in zip(chapter.pages, book.pages[start:], strict=True):
        if "/StructParents" in source_page:  # pypdf's append leaves it out
            page[NameObject("/StructParents")] = NumberObject(int(source_page["/StructParents"]) + offset)
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if "/StructParent" in annotation:
                annotation[NameObject("/StructParent")] = NumberObject(int(annotation["/StructParent"]) + offset)
    root[NameObject("/ParentTreeNextKey")] = NumberObject(offset + int(source.get("/ParentTreeNextKey", 0)))
    if "/RoleMap" in source:
        roles = root.setdefault(NameObject("/RoleMap"), DictionaryObject())
        roles.update({NameObject(k): v for k, v in source["/RoleMap"].get_object().items()})


def _elements(nodes) -> list:
    """Every structure element under `nodes`, depth first."""
    from pypdf.generic import ArrayObject, DictionaryObject

    found = []
    for node in nodes:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            found += _elements(node)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            found.append(node)
            if "/K" in node:
                kids = node["/K"]
                found += _elements(kids if isinstance(kids, ArrayObject) else [kids])
    return found


def _attributes(element) -> list:
    from pypdf.generic import ArrayObject, DictionaryObject

    attributes = element.get("/A")
    attributes = attributes.get_object() if attributes is not None else None
    items = attributes if isinstance(attributes, ArrayObject) else [attributes]
    items = [a.get_object() if hasattr(a, "get_object") else a for a in items]
    return [a for a in items if isinstance(a, DictionaryObject)]


def _drop_tree(writer, node) -> None:
    """Leave a name tree's nodes out of the written file."""
    reference = getattr(node, "indirect_reference", None) or (node if hasattr(node, "idnum") else None)
    node = node.get_object()
    for kid in node.get("/Kids", []):
        _drop_tree(writer, kid)
    if reference is not None and getattr(reference, "pdf", None) is writer:
        writer._objects[reference.idnum - 1] = None  # noqa: SLF001 - pypdf writes nothing for a None slot


def _published_links(writer, base: str) -> None:
    """Links Chromium recorded against the local server point to the published book instead."""
    from pypdf.generic import NameObject, TextStringObject


    site = str(citation.metadata()["url"]).rstrip("/") + "/"
    for page in writer.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and str(action.get("/URI", "")).startswith(base):
                action[NameObject("/URI")] = TextStringObject(site + str(action["/URI"])[len(base):])


EDITION_KEY = "/Edition"  # an entry of the PDF's document information, beside /Title


def _save(writer, title: str, target: Path, base: str | None = None) -> None:
    buffer = io.BytesIO()
    if base:
        _published_links(writer, base)
    _stable_structure_ids(writer)
    writer.add_metadata({EDITION_KEY: citation.edition()})  # the edition the footer and cite boxes name
    _fixed(writer, title).write(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue())


def _title(html_file: Path) -> str:

    match = re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8"), re.S)
    return html_lib.unescape(match.group(1)).split(" — ")[0].strip() if match else html_file.stem


def write_all(html_dir: Path = ROOT / "_build" / "html", log=print) -> list[Path]:
    """Print every chapter, then join them into the book PDF. Returns the written paths."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    html_dir = Path(html_dir)
    if not (html_dir / "index.html").exists():
        raise SystemExit(f"{html_dir}: no built book; run `make book` first")
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is missing: run `make browser-deps`")
    docnames = [d for d in notebooks.chapters() if (html_dir / f"{d}.html").exists()]
    written, book = [], PdfWriter()
    with serve(html_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for docname in docnames:
                raw = _print(browser, f"{base}{docname}.html")
                title = _title(html_dir / f"{docname}.html")
                writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
                target = html_dir / chapter_path(docname)
                _save(writer, title, target, base)
                chapter, start = PdfReader(target), len(book.pages)
                _own_destinations(chapter, len(written) + 1)
                book.append(chapter, outline_item=title)
                _join_structure(book, chapter, start, len(written) + 1)
                written.append(target)
                log(f"pdf: {chapter_path(docname)} ({target.stat().st_size // 1024} KiB)")
        finally:
            browser.close()
    target = html_dir / book_path()
    _save(book, _title(html_dir / "book/index.html"), target)
    log(f"pdf: {book_path()} ({target.stat().st_size // 1024} KiB, {len(docnames)} chapters)")
    return [*written, target]
