"""Print the built book to PDF with headless Chromium: one PDF per chapter and one for the book.

`make pdf` (or `python -m analysis pdf`) serves `_build/html` on 127.0.0.1, opens each page of the
table of contents in Debian's headless Chromium (driven by Playwright, never `playwright install`), waits
until every chart is drawn, and prints it. The book PDF joins the chapters in reading order.
pikepdf (qpdf) rewrites what Chromium printed: the dates Chromium writes are dropped and the document
id is a digest of the content, so two runs on the same pages give the same bytes.

A printed page keeps every link that leads somewhere on it: a folded table holding a row the page
links to (a source marker, a « En bref » point) is unfolded before printing, the others stay folded.
Chromium prints in a child process, two pages at a time, while this one finishes the pages already printed.
A PDF is printed again only when its page, a file the page fetched, or what else makes its bytes (this module,
pikepdf and its qpdf, Playwright, Chromium, the book's metadata) changed: the keys are in `_build/.pdf-keys.json`.

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

import pikepdf

from analysis.build import notebooks
from analysis.contract.data import ROOT
from analysis.contract.paths import DOWNLOADS
from analysis.present import citation

DOWNLOAD_DIR = f"{DOWNLOADS}/pdf"
BOOK_NAME = "livre-complet.pdf"
KEYS = ".pdf-keys.json"  # beside the built HTML (in _build): what each PDF was made from
PRINT_JOBS = 2  # tabs printing at once: a page mostly waits on Chromium's layout, so two overlap on two cores
# Debian's chromium-headless-shell: Chromium's own headless build, without the desktop browser's window
# machinery. It printed the chapters with a fifth less CPU than `chromium --headless`, and the browser tests
# ran with a tenth less (tools/ensure-chromium.sh installs it).
CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
MISSING = "Debian's chromium-headless-shell is missing: run `make browser-deps`"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
# Every other host is unknown to the browser: nothing leaves 127.0.0.1, without intercepting each request
# (Playwright's routing would turn the HTTP cache off, and pass every file through Python).
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
CHART_TIMEOUT_MS = 30000
# Whether a page's n charts are drawn (vega-embed leaves an svg.marks in each): the PDFs and the browser tests wait
# for it.
CHARTS_DRAWN = "n => document.querySelectorAll('.altair-chart svg.marks').length >= n"
# The window the pages are printed from: the charts keep the width they were drawn at. The browser tests visit
# the pages at the same size, so that `make test` prints each PDF on their visit of its page.
VIEWPORT = {"width": 1280, "height": 900}
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


def served_path(url: str) -> str:
    """The file of the built book a request to the local server asks for."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")


# Focus dropped and the page scrolled back to its top, as it loaded: a checked page (tests/browser) was
# scrolled by its Tab presses, and the theme shows its « back to top » button on a scrolled page. The scroll
# handlers run before the next frame is drawn.
AS_LOADED = """() => new Promise(done => {
  if (document.activeElement) document.activeElement.blur();
  window.scrollTo(0, 0);
  requestAnimationFrame(() => requestAnimationFrame(done));
})"""


async def print_loaded(page) -> bytes:
    """A loaded page (screen media, every chart drawn) as Chromium prints it, even after checks that focused
    and scrolled it. The tab is left in screen media, ready for its next page."""
    await page.evaluate(AS_LOADED)
    await page.emulate_media(media="print")
    try:
        await page.evaluate(UNFOLD_LINKED)
        return await page.pdf(format="A4", print_background=True, outline=True, tagged=True,
                              margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    finally:
        await page.emulate_media(media="screen")


async def _print(page, base: str, docname: str) -> tuple[bytes, list[str]]:
    """The page as Chromium prints it, and the files of the built book it fetched (the key of the print)."""
    fetched = set()

    def local(request):  # a file served from the browser's cache is still requested, and listed
        if request.url.startswith(base):
            fetched.add(served_path(request.url))

    page.on("request", local)
    try:
        await page.goto(f"{base}{docname}.html", wait_until="load")
        expected = await page.locator(".altair-chart").count()
        if expected:
            await page.wait_for_function(CHARTS_DRAWN, arg=expected, timeout=CHART_TIMEOUT_MS)
        return await print_loaded(page), sorted(fetched)
    finally:
        page.remove_listener("request", local)


async def print_pages(pages: list[tuple[str, str]], deliver) -> None:
    """Print each (base URL, docname) in one browser context (one HTTP cache: the book's scripts and styles are
    read once), in PRINT_JOBS tabs that each go from page to page: a tab's renderer, its compiled scripts and
    styles serve the next page, where a new tab per page cost more than the page itself.
    `deliver(index, raw, fetched)` as each is done."""
    from playwright.async_api import async_playwright

    todo = iter(enumerate(pages))

    async def tab():
        page = await context.new_page()
        for index, (base, docname) in todo:  # the tabs share one iterator: each page is printed once
            deliver(index, *await _print(page, base, docname))
        await page.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, OFFLINE])
        try:
            context = await browser.new_context(viewport=VIEWPORT)
            await asyncio.gather(*(tab() for _ in range(PRINT_JOBS)))
        finally:
            await browser.close()


def _printer(html_dir: Path, docnames: list[str], results) -> None:
    """The child process that prints the pages, so Chromium's work overlaps pikepdf's in the parent."""
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


def _fixed(pdf, title: str) -> None:
    """The book's metadata in the document information, without the dates Chromium wrote there."""
    meta = citation.metadata()
    info = pdf.docinfo
    for key in ("/CreationDate", "/ModDate"):
        if key in info:
            del info[key]
    info.Title = title
    info.Producer = "alliances-solidarite (Chromium, pikepdf)"
    info.Author = "; ".join(str(a.get("name") or f"{a['given-names']} {a['family-names']}")
                            for a in meta["authors"])
    info.Subject = " ".join(str(meta.get("abstract", "")).split())
    info.Keywords = ", ".join(map(str, meta.get("keywords", [])))
    info[EDITION_KEY] = citation.edition()  # the edition the footer and cite boxes name
    pdf.Root.Lang = pikepdf.String(LANGUAGE)
    # viewers show the title, not the file name, in their window
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)


def _stable_structure_ids(pdf) -> None:
    """Chromium names tagged-PDF structure elements after DOM node numbers, which change from one page load
    to the next (charts are drawn asynchronously). Rename them in structure-tree order, with the table
    header references (/Headers) and the /IDTree that use them, so the same page gives the same bytes.
    An id is looked up within its top-level element, a chapter in the book: two chapters' ids may be the same."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    named = []
    for top in _kids(root):
        elements, names = _elements([top]), {}
        for element in elements:
            if "/ID" in element:
                names.setdefault(str(element.ID), f"n{len(named) + len(names) + 1:06d}")
        for element in elements:
            if "/ID" in element:
                element.ID = pikepdf.String(names[str(element.ID)])
                named.append(element)
            for attribute in _attributes(element):
                if "/Headers" in attribute:
                    attribute.Headers = pikepdf.Array(pikepdf.String(names.get(str(h), str(h)))
                                                      for h in attribute.Headers)
    if "/IDTree" in root:  # one leaf, sorted by the new names; the old nodes are no longer written
        pairs = sorted(((str(element.ID), element) for element in named), key=lambda pair: pair[0])
        root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            item for name, element in pairs for item in (pikepdf.String(name), element)))


def _kids(node) -> list:
    """A structure node's /K as a list (PDF allows one kid without an array)."""
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(nodes) -> list:
    """Every structure element under `nodes`, depth first (marked-content ids and references are not elements)."""
    found = []
    for node in nodes:
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            found += _elements(_kids(node))
    return found


def _attributes(element) -> list:
    attributes = element.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [a for a in items if isinstance(a, pikepdf.Dictionary)]


def _number_tree(node) -> list:
    """The (key, value) pairs of a PDF number tree, leaves in order."""
    nums = list(node.get("/Nums", []))
    pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _copy(book, chapter, obj):
    """`obj` of `chapter` copied into `book`, with what it refers to. qpdf copies indirect objects only, and
    reuses what it copied from the same chapter already: a structure element's page is the book's copy."""
    return book.copy_foreign(obj if obj.is_indirect else chapter.make_indirect(obj))


def _own_destinations(chapter, number: int) -> None:
    """Give the chapter's named destinations (its anchors) the chapter's number, before it is joined to the
    book: two chapters both have `#citer`-like anchors, and a link must stay in its chapter."""
    if "/Dests" not in chapter.Root:
        return
    chapter.Root.Dests = pikepdf.Dictionary({f"/c{number}-{str(k)[1:]}": v for k, v in chapter.Root.Dests.items()})
    for page in chapter.pages:
        for annotation in page.obj.get("/Annots", []):
            if isinstance(annotation.get("/Dest"), pikepdf.Name):
                annotation.Dest = pikepdf.Name(f"/c{number}-{str(annotation.Dest)[1:]}")


def _structure_root(book):
    """The book's structure tree root, made empty on first use (the book is tagged when its chapters are)."""
    if "/StructTreeRoot" not in book.Root:
        book.Root.StructTreeRoot = book.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array(), ParentTreeNextKey=0,
            IDTree=pikepdf.Dictionary(),  # filled by _stable_structure_ids
            ParentTree=book.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))))
        book.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    return book.Root.StructTreeRoot


def _join_structure(book, chapter, start: int) -> None:
    """Graft the structure tree of `chapter` (its pages copied to `book` from page `start`) onto the book's.

    The book stays a tagged PDF: its structure root holds each chapter's document element in order. The
    keys from pages and annotations into the parent tree move past those of the chapters already joined.
    """
    source = chapter.Root.get("/StructTreeRoot")
    if source is None:
        return
    root = _structure_root(book)
    offset = int(root.ParentTreeNextKey)
    for top in _kids(source):
        if "/P" in top:  # the chapter's root: the copy must not bring it along
            del top.P
        copied = _copy(book, chapter, top)
        copied.P = root
        root.K.append(copied)
    for key, value in _number_tree(_copy(book, chapter, source.ParentTree)):
        root.ParentTree.Nums.extend([key + offset, value])
    for page in book.pages[start:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    root.ParentTreeNextKey = offset + int(source.get("/ParentTreeNextKey", 0))
    if "/RoleMap" in source:
        root.RoleMap = root.get("/RoleMap", pikepdf.Dictionary())
        root.RoleMap.update(_copy(book, chapter, source.RoleMap))


def _outline_item(book, chapter, title: str, start: int):
    """The book's outline item for a chapter: its title, leading to its first page, over the chapter's own
    outline (copied whole: its items already point to this item, the copy of the chapter's outline root)."""
    outlines = chapter.Root.get("/Outlines")
    item = _copy(book, chapter, outlines) if outlines is not None else book.make_indirect(pikepdf.Dictionary())
    if "/Type" in item:
        del item.Type
    item.Title = pikepdf.String(title)
    item.Dest = pikepdf.Array([book.pages[start].obj, pikepdf.Name.Fit])
    return item


def _book(chapters: list[tuple[bytes, str]]):
    """The book PDF joined from the chapters' (PDF bytes, title): their pages in order, their named destinations,
    their structure trees under one root, and an outline item per chapter over the chapter's own outline. Each
    chapter is read from its bytes, so the book is the same whether its chapters were printed now or before."""
    book, items = pikepdf.new(), []
    book.Root.Dests = pikepdf.Dictionary()
    for number, (data, title) in enumerate(chapters, start=1):
        chapter, start = pikepdf.open(io.BytesIO(data)), len(book.pages)
        _own_destinations(chapter, number)
        for page in chapter.pages:  # not pages.extend, which warns that it leaves the destinations (carried below)
            book.pages.append(page)
        _join_structure(book, chapter, start)
        if "/Dests" in chapter.Root:
            book.Root.Dests.update(_copy(book, chapter, chapter.Root.Dests))
        items.append(_outline_item(book, chapter, title, start))
    count = len(items) + sum(max(int(item.get("/Count", 0)), 0) for item in items)  # closed items hide their own
    book.Root.Outlines = book.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Outlines, First=items[0], Last=items[-1], Count=count))
    for before, item in zip([None, *items], items, strict=False):
        item.Parent = book.Root.Outlines
        if before is not None:
            before.Next, item.Prev = item, before
    return book


def _published_links(pdf, base: str) -> None:
    """Links Chromium recorded against the local server point to the published book instead."""
    site = str(citation.metadata()["url"]).rstrip("/") + "/"
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and str(action.get("/URI", "")).startswith(base):
                action.URI = pikepdf.String(site + str(action.URI)[len(base):])


EDITION_KEY = "/Edition"  # an entry of the PDF's document information, beside /Title


def _finished(pdf, title: str, base: str | None = None) -> bytes:
    """The bytes to write: published links, stable ids, the book's metadata. qpdf writes the same bytes for the
    same objects once the file id is a digest of the content (Chromium's own id is random)."""
    if base:
        _published_links(pdf, base)
    _stable_structure_ids(pdf)
    _fixed(pdf, title)
    if "/ID" in pdf.trailer:
        del pdf.trailer.ID  # else qpdf keeps its first half
    buffer = io.BytesIO()
    # object streams: the structure tree's thousands of small objects, compressed
    pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def chapter_pdf(raw: bytes, title: str, base: str) -> bytes:
    """A chapter's PDF from Chromium's print of it, served at `base`."""
    return _finished(pikepdf.open(io.BytesIO(raw)), title, base)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _code_key() -> str:
    """What else makes the bytes of a PDF: this module, pikepdf and its qpdf, Playwright, Chromium and the book's
    metadata."""
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout
    return _sha256(json.dumps([_sha256(Path(__file__).read_bytes()), pikepdf.__version__,
                               pikepdf.__libqpdf_version__, version("playwright"), CHROMIUM, chromium.strip(),
                               citation.metadata(), citation.edition(), LANGUAGE],
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


def page_title(html_file: Path) -> str:
    """The chapter's title, as its PDF and the book's outline give it."""

    match = re.search(r"<title>(.*?)</title>", html_file.read_text(encoding="utf-8"), re.S)
    return html_lib.unescape(match.group(1)).split(" — ")[0].strip() if match else html_file.stem


def write_all(html_dir: Path = ROOT / "_build" / "html", log=print, printed=None) -> list[Path]:
    """Print every chapter whose page, files or code changed, then join them into the book PDF (again only when a
    chapter or the book's title changed). Returns the paths of every PDF. `printed(html_dir, docnames)` yields
    (docname, raw PDF, fetched files, base URL) for the chapters to print, in order: by default a child process
    prints them; the browser tests print them on their own visit of the pages (make test)."""
    html_dir = Path(html_dir)
    if not (html_dir / "index.html").exists():
        raise SystemExit(f"{html_dir}: no built book; run `make book` first")
    if not Path(CHROMIUM).exists():
        raise SystemExit(MISSING)
    docnames = [d for d in notebooks.chapters() if (html_dir / f"{d}.html").exists()]
    names = [chapter_path(d) for d in docnames]
    keys = _Keys(html_dir)
    stale = [d for d, name in zip(docnames, names, strict=True) if not keys.fresh(name)]
    if len(stale) < len(docnames):
        log(f"pdf: {len(docnames) - len(stale)} chapter PDF(s) unchanged since printed (same page, files, code)")
    book_inputs = [*names, "book/index.html"]
    try:
        if stale or not keys.fresh(book_path()):
            prints = (printed or _printed)(html_dir, stale) if stale else iter(())
            chapters = []
            for docname, name in zip(docnames, names, strict=True):
                title, target = page_title(html_dir / f"{docname}.html"), html_dir / name
                if docname in stale:
                    _, raw, fetched, base = next(prints)
                    data = chapter_pdf(raw, title, base)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    keys.record(name, fetched, data)
                    log(f"pdf: {name} ({len(data) // 1024} KiB)")
                else:
                    data = target.read_bytes()
                chapters.append((data, title))
            data = _finished(_book(chapters), page_title(html_dir / "book/index.html"))
            (html_dir / book_path()).write_bytes(data)
            keys.record(book_path(), book_inputs, data)
            log(f"pdf: {book_path()} ({len(data) // 1024} KiB, {len(docnames)} chapters)")
        else:
            log(f"pdf: {book_path()} unchanged")
    finally:
        keys.save()
    return [html_dir / name for name in [*names, book_path()]]
