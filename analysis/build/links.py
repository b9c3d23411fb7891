"""Links of a built book: every internal link and anchor must resolve; external ones are listed.

`python -m analysis links HTML_DIR [--report FILE]` checks every page under HTML_DIR (theme assets in
`_static/` and source copies in `_sources/` excepted): each relative `href` of `<a>` and `<link>` and
each `src` must name an existing file and, with a `#fragment` into a page, an element with that id
(or an `<a name>`). It exits 2 on a broken one. External addresses are never fetched here: they are
written, one per line with the pages that cite them, to the report (`make linkcheck`), for a person
to review.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from analysis.contract.report import report as report_problems

SKIPPED_DIRS = {"_static", "_sources", "_images"}
FOLLOWED_RELS = {"stylesheet", "preload", "prev", "next", "index", "search", "icon", "canonical"}


class _Page(HTMLParser):
    """The ids a page defines and the addresses it links to or loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[int, str]] = []  # (line, address)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        line = self.getpos()[0]
        if tag == "a" and attrs.get("href"):
            self.refs.append((line, attrs["href"]))
        elif tag == "link" and attrs.get("href") and set((attrs.get("rel") or "").split()) & FOLLOWED_RELS:
            self.refs.append((line, attrs["href"]))
        elif tag in {"script", "img", "iframe", "source"} and attrs.get("src"):
            self.refs.append((line, attrs["src"]))


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(root: Path) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*.html") if not SKIPPED_DIRS & set(p.relative_to(root).parts))


def is_external(address: str) -> bool:
    parsed = urlparse(address)
    return bool(parsed.scheme or parsed.netloc)


def internal_problems(root: Path) -> list[str]:
    """`page:line: broken link ADDRESS (why)` for every internal address that does not resolve."""
    root = Path(root).resolve()
    problems = []
    resolved: dict[tuple[Path, str], tuple[Path, bool]] = {}  # the pages link the same theme and sidebar files

    def target_of(page: Path, path: str) -> tuple[Path, bool]:
        """The file `path` names from `page` (a folder: its index.html; none: the page), and whether it exists."""
        key = (page.parent, path) if path else (page, path)
        if key not in resolved:
            target = (page.parent / unquote(path)).resolve() if path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            resolved[key] = target, target.exists()
        return resolved[key]

    for page in pages(root):
        rel = page.relative_to(root).as_posix()
        for line, address in _parse(page.resolve()).refs:
            if is_external(address) or address.startswith(("javascript:", "data:")):
                continue
            parsed = urlparse(address)
            target, exists = target_of(page, parsed.path)
            if not exists:
                shown = target.relative_to(root) if target.is_relative_to(root) else target
                problems.append(f"{rel}:{line}: broken link {address} (no file {shown})")
                continue
            if parsed.fragment and target.suffix == ".html" and unquote(parsed.fragment) not in _parse(target).ids:
                problems.append(f"{rel}:{line}: broken link {address} (no anchor #{unquote(parsed.fragment)})")
    return problems


def external_links(root: Path) -> dict[str, list[str]]:
    """External address -> the pages that link to it (sorted), for the review report."""
    root = Path(root).resolve()
    found: dict[str, set[str]] = defaultdict(set)
    for page in pages(root):
        for _, address in _parse(page.resolve()).refs:
            if is_external(address) and urlparse(address).scheme in {"http", "https"}:
                found[address].add(page.relative_to(root).as_posix())
    return {address: sorted(found[address]) for address in sorted(found)}


def write_report(root: Path, report: Path) -> int:
    links = external_links(root)
    report.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# External links of the built book, not fetched by the tests: check them by hand or with a",
             "# link checker. One address per line, then the pages that link to it.", ""]
    lines += [f"{address}\t{' '.join(where)}" for address, where in links.items()]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(links)


def main(root: Path, report: Path | None = None) -> int:
    notes = [] if report is None else [f"{write_report(root, report)} external address(es) listed in {report}"]
    return report_problems(internal_problems(root), f"broken internal link(s) in {root}",
                           f"{root}: every internal link and anchor resolves", notes)
