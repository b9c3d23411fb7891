"""Print the built book to PDF with headless Chromium: one PDF per chapter and one for the book.

`make pdf` (or `python -m analysis pdf`) serves `_build/html` on 127.0.0.1, opens each page of the
table of contents in Debian's Chromium (driven by Playwright, never `playwright install`), waits
until every chart is drawn, and prints it. The book PDF joins the chapters in reading order.
Dates and document ids that Chromium writes are replaced by fixed values, so two runs on the same
pages give the same bytes.
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
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
        return page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    finally:
        page.close()


def _fixed(writer, title: str):
    """Same bytes for the same pages: no creation date, a document id derived from the title."""
    from pypdf.generic import ArrayObject, ByteStringObject

    writer.add_metadata({"/Title": title, "/Producer": "alliances-solidarite (Chromium, pypdf)"})
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


def _save(writer, title: str, target: Path, base: str | None = None) -> None:
    buffer = io.BytesIO()
    if base:
        _published_links(writer, base)
    _stable_structure_ids(writer)
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
                book.append(PdfReader(target), outline_item=title)
                written.append(target)
                log(f"pdf: {chapter_path(docname)} ({target.stat().st_size // 1024} KiB)")
        finally:
            browser.close()
    target = html_dir / book_path()
    _save(book, _title(html_dir / "book/index.html"), target)
    log(f"pdf: {book_path()} ({target.stat().st_size // 1024} KiB, {len(docnames)} chapters)")
    return [*written, target]
