"""What a reader downloads and waits for: page weight and time until every chart is drawn.

Page weight: each distinct static asset (script, stylesheet, image, font file a stylesheet names) is
counted once across the site; an asset more than one page uses is "shared" and reported apart; a page
weighs its HTML plus the assets only it uses. Chart drawing: the built book is served on 127.0.0.1 and
each page with charts is opened in Debian's headless Chromium (Playwright); the time is
`performance.now()` (milliseconds since navigation started) when every `.altair-chart` container holds
vega-embed's drawn output (`svg.marks` or `canvas.marks`), the check tests/browser uses.
"""

from __future__ import annotations

import re
import statistics
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
DRAWN_IN_CONTAINER = "svg.marks, canvas.marks"  # what vega-embed leaves in a container once drawn


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href") and {"stylesheet", "preload", "icon", "modulepreload"} & set(
                (a.get("rel") or "").split()):
            self.urls.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.urls.append(a["src"])


def pages(html_dir: Path) -> list[Path]:
    """Every reader-facing page: the book's HTML files, not Sphinx's own helpers (search, genindex)."""
    skip = {"search.html", "genindex.html", "py-modindex.html"}
    return sorted(p for p in html_dir.rglob("*.html")
                  if p.name not in skip
                  and not any(part.startswith("_") for part in p.relative_to(html_dir).parts))


def _local(html_dir: Path, page: Path, url: str) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc or not parsed.path:
        return None
    target = (page.parent / unquote(parsed.path)).resolve()
    return target if target.is_file() and html_dir.resolve() in target.parents else None


def _assets_of(html_dir: Path, page: Path) -> set[Path]:
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    found = {p for p in (_local(html_dir, page, u) for u in parser.urls) if p}
    for css in [p for p in found if p.suffix == ".css"]:  # fonts and images a stylesheet pulls in
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            target = _local(html_dir, css, url)
            if target:
                found.add(target)
    return found


def weight(html_dir: Path) -> dict:
    html_dir = Path(html_dir)
    assets = {page: _assets_of(html_dir, page) for page in pages(html_dir)}
    users: dict[Path, int] = {}
    for used in assets.values():
        for asset in used:
            users[asset] = users.get(asset, 0) + 1
    shared = {a for a, n in users.items() if n > 1}
    per_page = {page.relative_to(html_dir).as_posix():
                page.stat().st_size + sum(a.stat().st_size for a in used - shared)
                for page, used in assets.items()}
    ordered = sorted(per_page.items(), key=lambda kv: kv[1])
    largest = ordered[-1]
    return {
        "pages": len(per_page),
        "shared_assets": len(shared),
        "shared_bytes": sum(a.stat().st_size for a in shared),
        "median_page_bytes": int(statistics.median(per_page.values())),
        "largest_page": largest[0],
        "largest_page_bytes": largest[1],
        "heaviest": dict(ordered[:-6:-1]),
    }


def draw_times(html_dir: Path, timeout_ms: int = 30000) -> dict:
    """Milliseconds until every chart of each chart page is drawn; median and max over pages."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from analysis.build.pdf import ARGS, CHROMIUM, serve

    html_dir = Path(html_dir)
    with_charts = [p.relative_to(html_dir).as_posix() for p in pages(html_dir)
                   if 'class="altair-chart' in p.read_text(encoding="utf-8", errors="replace")]
    times, ready, undrawn = {}, {}, {}
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        warm = context.new_page()  # first visit fills the HTTP cache, as for a reader moving through the book
        warm.goto(base + (with_charts[0] if with_charts else "index.html"), wait_until="load")
        warm.close()
        for path in with_charts:
            page = context.new_page()
            page.goto(base + path, wait_until="domcontentloaded")
            expected = page.locator(".altair-chart").count()
            try:  # the predicate returns the clock reading at the frame where the last chart appears
                handle = page.wait_for_function(
                    "([n, sel]) => { const d = [...document.querySelectorAll('.altair-chart')]"
                    ".filter(c => c.querySelector(sel)).length; return d >= n ? performance.now() : false; }",
                    arg=[expected, DRAWN_IN_CONTAINER], timeout=timeout_ms, polling="raf")
                times[path] = round(handle.json_value())
                ready[path] = round(page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            except Exception:  # noqa: BLE001 - recorded as not drawn
                undrawn[path] = expected
            page.close()
        browser.close()
    values = list(times.values())
    return {
        "pages_with_charts": len(with_charts),
        "median_ms": int(statistics.median(values)) if values else None,
        "max_ms": max(values) if values else None,
        "slowest_page": max(times, key=times.get) if times else None,
        "ms_per_page": times,
        "dom_content_loaded_ms_per_page": ready,  # the page's own scripts parsed and run, before any chart
        "median_dom_content_loaded_ms": int(statistics.median(ready.values())) if ready else None,
        "not_drawn": undrawn,
    }


if __name__ == "__main__":
    import json

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    print(json.dumps({"weight": weight(target), "charts": draw_times(target)}, indent=2))
