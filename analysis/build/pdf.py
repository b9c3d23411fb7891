"""Print the built book to PDF with headless Chromium: one PDF per chapter and one for the book.

`make pdf` (or `python -m analysis pdf`) serves `_build/html` on 127.0.0.1, opens each page of the
table of contents in Debian's Chromium (driven by Playwright, never `playwright install`), waits
until every chart is drawn, and prints it. The book PDF joins the chapters in reading order.
Dates and document ids that Chromium writes are replaced by fixed values, so two runs on the same
pages give the same bytes.

A printed page keeps every link that leads somewhere on it: a folded table holding a row the page
links to (a source marker, a « En bref » point) is unfolded before printing, the others stay folded.
Chromium prints in a child process, two pages at a time, while this one finishes the pages already printed.
A PDF is printed again only when its page, a file the page fetched, or what else makes its bytes (this module,
pypdf, Playwright, Chromium, the book's metadata) changed: the keys are in `_build/.pdf-keys.json`.

Every PDF carries the book's title, authors, subject, keywords and language (from CITATION.cff and
`_config.yml`) and is tagged; the book PDF joins the chapters' structure trees into one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import html as html_lib
import http.server
import io
import json
import multiprocessing
import queue
import re
import socket
import subprocess
import threading
import traceback
import urllib.parse
from importlib.metadata import version
from pathlib import Path

from analysis.build import notebooks
from analysis.contract.data import ROOT
from analysis.present import citation

DOWNLOAD_DIR = "telechargements/pdf"  # inside the built HTML
BOOK_NAME = "livre-complet.pdf"
KEYS = ".pdf-keys.json"  # beside the built HTML (in _build): what each PDF was made from
PRINT_JOBS = 2  # pages printed at once: each mostly waits on Chromium's layout, so two overlap on two cores
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


async def _print(browser, base: str, docname: str) -> tuple[bytes, list[str]]:
    """The page as Chromium prints it, and the files of the built book it fetched (the key of the print)."""
    page = await browser.new_page(viewport={"width": 1100, "height": 1400})
    fetched = set()

    async def local_only(route):
        url = route.request.url
        if not url.startswith(base):
            return await route.abort()
        fetched.add(urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/"))
        return await route.continue_()

    try:
        await page.route("**/*", local_only)
        await page.goto(f"{base}{docname}.html", wait_until="load")
        expected = await page.locator(".altair-chart").count()
        if expected:
            await page.wait_for_function(
                "n => document.querySelectorAll('.altair-chart svg.marks').length >= n",
                arg=expected, timeout=CHART_TIMEOUT_MS)
        await page.emulate_media(media="print")
        await page.evaluate(UNFOLD_LINKED)
        raw = await page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                             margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
        return raw, sorted(fetched)
    finally:
        await page.close()


async def print_pages(pages: list[tuple[str, str]], deliver) -> None:
    """Print each (base URL, docname), PRINT_JOBS pages at a time in one browser; `deliver(index, raw,
    fetched)` as each is done. A page spends most of its time in Chromium's layout and drawing, not here."""
    from playwright.async_api import async_playwright

    slots = asyncio.Semaphore(PRINT_JOBS)

    async def one(index, base, docname):
        async with slots:
            deliver(index, *await _print(browser, base, docname))

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            await asyncio.gather(*(one(i, base, docname) for i, (base, docname) in enumerate(pages)))
        finally:
            await browser.close()


def _printer(html_dir: Path, docnames: list[str], results) -> None:
    """The child process that prints the pages, so Chromium's work overlaps pypdf's in the parent."""
    try:
        with serve(html_dir) as base:
            asyncio.run(print_pages([(base, d) for d in docnames],
                                    lambda index, raw, fetched: results.put((index, raw, fetched, base))))
    except BaseException as error:  # noqa: BLE001 - every failure reaches the parent, which raises it
        results.put((None, "".join(traceback.format_exception(error)), None, None))


def _printed(html_dir: Path, docnames: list[str]):
    """(docname, raw PDF, fetched files, base URL) in reading order, printed by a child process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_printer, args=(html_dir, docnames, results), daemon=True)
    child.start()
    done = {}
    try:
        for index, docname in enumerate(docnames):
            while index not in done:
                try:
                    got, raw, fetched, base = results.get(timeout=5)
                except queue.Empty:
                    if not child.is_alive():
                        raise SystemExit(f"pdf: the printer stopped (exit code {child.exitcode})") from None
                    continue
                if got is None:
                    raise SystemExit(f"pdf: printing failed:\n{raw}")
                done[got] = (raw, fetched, base)
            yield docname, *done.pop(index)
    except BaseException:  # the parent failed or stopped reading: nothing more to print
        child.kill()
        raise
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


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


def _finished(writer, title: str, base: str | None = None) -> bytes:
    """The bytes to write: published links, stable ids, the book's metadata."""
    buffer = io.BytesIO()
    if base:
        _published_links(writer, base)
    _stable_structure_ids(writer)
    writer.add_metadata({EDITION_KEY: citation.edition()})  # the edition the footer and cite boxes name
    _fixed(writer, title).write(buffer)
    return buffer.getvalue()


def chapter_pdf(raw: bytes, title: str, base: str) -> bytes:
    """A chapter's PDF from Chromium's print of it, served at `base`."""
    from pypdf import PdfReader, PdfWriter

    return _finished(PdfWriter(clone_from=PdfReader(io.BytesIO(raw))), title, base)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _code_key() -> str:
    """What else makes the bytes of a PDF: this module, pypdf, Playwright, Chromium and the book's metadata."""
    import pypdf

    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout
    return _sha256(json.dumps([_sha256(Path(__file__).read_bytes()), pypdf.__version__, version("playwright"),
                               chromium.strip(), citation.metadata(), citation.edition(), LANGUAGE],
                              sort_keys=True, default=str).encode("utf-8"))


class _Keys:
    """What each PDF was made from, in KEYS beside the built HTML: a PDF whose page, fetched files and code key
    are unchanged is not printed again. Files are hashed once a run."""

    def __init__(self, html_dir: Path):
        self.html_dir, self.path = html_dir, html_dir.parent / KEYS
        self.code, self.hashes = _code_key(), {}
        try:
            self.old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old = {}
        self.new = {}

    def digest(self, name: str) -> str | None:
        if name not in self.hashes:
            path = self.html_dir / name
            self.hashes[name] = _sha256(path.read_bytes()) if path.is_file() else None
        return self.hashes[name]

    def fresh(self, name: str) -> bool:
        """`name` is as recorded, and so is everything it was made from."""
        record, target = self.old.get(name), self.html_dir / name
        if not (record and record["code"] == self.code and target.is_file()
                and _sha256(target.read_bytes()) == record["pdf"]
                and all(self.digest(f) == h for f, h in record["inputs"].items())):
            return False
        self.new[name] = record
        return True

    def record(self, name: str, inputs: list[str], data: bytes) -> None:
        self.new[name] = {"code": self.code, "inputs": {f: self.digest(f) for f in inputs}, "pdf": _sha256(data)}

    def save(self) -> None:
        self.path.write_text(json.dumps(self.new, indent=1, sort_keys=True), encoding="utf-8")


def _title(html_file: Path) -> str:

    match = re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8"), re.S)
    return html_lib.unescape(match.group(1)).split(" — ")[0].strip() if match else html_file.stem


def write_all(html_dir: Path = ROOT / "_build" / "html", log=print) -> list[Path]:
    """Print every chapter whose page, files or code changed, then join them into the book PDF (again only when a
    chapter or the book's title changed). Returns the paths of every PDF."""
    from pypdf import PdfReader, PdfWriter

    html_dir = Path(html_dir)
    if not (html_dir / "index.html").exists():
        raise SystemExit(f"{html_dir}: no built book; run `make book` first")
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is missing: run `make browser-deps`")
    docnames = [d for d in notebooks.chapters() if (html_dir / f"{d}.html").exists()]
    names = [chapter_path(d) for d in docnames]
    keys = _Keys(html_dir)
    stale = [d for d, name in zip(docnames, names, strict=True) if not keys.fresh(name)]
    if len(stale) < len(docnames):
        log(f"pdf: {len(docnames) - len(stale)} chapter PDF(s) unchanged since printed (same page, files, code)")
    book_inputs = [*names, "book/index.html"]
    try:
        if stale or not keys.fresh(book_path()):
            printed = _printed(html_dir, stale) if stale else iter(())
            book = PdfWriter()
            for number, (docname, name) in enumerate(zip(docnames, names, strict=True), start=1):
                title, target = _title(html_dir / f"{docname}.html"), html_dir / name
                if docname in stale:
                    _, raw, fetched, base = next(printed)
                    data = chapter_pdf(raw, title, base)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    keys.record(name, fetched, data)
                    log(f"pdf: {name} ({len(data) // 1024} KiB)")
                else:
                    data = target.read_bytes()
                chapter, start = PdfReader(io.BytesIO(data)), len(book.pages)
                _own_destinations(chapter, number)
                book.append(chapter, outline_item=title)
                _join_structure(book, chapter, start, number)
            data = _finished(book, _title(html_dir / "book/index.html"))
            (html_dir / book_path()).write_bytes(data)
            keys.record(book_path(), book_inputs, data)
            log(f"pdf: {book_path()} ({len(data) // 1024} KiB, {len(docnames)} chapters)")
        else:
            log(f"pdf: {book_path()} unchanged")
    finally:
        keys.save()
    return [html_dir / name for name in [*names, book_path()]]
