"""Real-browser fixtures: the built book served on 127.0.0.1 and Debian's Chromium via Playwright.

Each page is visited once and every check reads that one visit (`check_page`). Playwright's asyncio API
drives the browser, from synchronous tests, through one event loop for the session: several pages load,
draw and are checked at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# One browser, one way to serve the book, as the PDFs and bench/pages.py use them.
from analysis.build import pdf
from analysis.build.pdf import ARGS, CHROMIUM, MISSING, OFFLINE, VIEWPORT, serve
from tests.browser import axe

FALLBACK = "details.chart-fallback > summary"
# V8 without its optimising compilers (Maglev, TurboFan): each page is a fresh context whose scripts, axe-core
# included, run for a second or less, and compiling their hot functions anew in every page cost more CPU
# than the optimised code saved (about a tenth of these tests' CPU). The code means the same.
UNOPTIMISED_JS = "--js-flags=--no-maglev --no-turbofan"


@dataclass
class PageVisit:
    """What one visit of a page showed: errors and blocked requests while it loaded, charts drawn, serious
    axe-core violations, and which chart-data summaries Tab reached."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    charts_expected: int = 0
    charts_drawn: int = 0
    axe_version: str = ""
    serious: list[str] = field(default_factory=list)
    summaries: int = 0
    positive_tabindex: list[str] = field(default_factory=list)  # elements that would reorder the tab sequence
    reached: list[int] = field(default_factory=list)
    opened: bool = False  # Enter opened the last summary reached, showing its table
    fetched: list[str] = field(default_factory=list)  # the files of the built book the page asked for
    printed: bytes | None = None  # the page as Chromium prints it, when asked for, after the checks


# Records, in order, the index of each chart-data summary that receives focus.
LISTEN_FOCUS = f"""() => {{
    window.__reached = [];
    document.addEventListener('focusin', e => {{
        const i = [...document.querySelectorAll('{FALLBACK}')].indexOf(e.target);
        if (i >= 0 && !window.__reached.includes(i)) window.__reached.push(i);
    }});
}}"""
# Tab order is document order only while no element has a positive tabindex: the elements that do.
POSITIVE_TABINDEX = """() => [...document.querySelectorAll('[tabindex]')]
    .filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 120))"""
# The next Tab starts just before summary i's chart (the last chart above it; without one, Tab goes on from
# where it was), as after a reader's click on the chart: focused for a moment through a temporary tabindex,
# then blurred, the chart stays the sequential focus navigation starting point, and the page is as it was.
# False when summary i already had focus.
START_AT_CHART = f"""i => {{
    if (window.__reached.includes(i)) return false;
    const summary = document.querySelectorAll('{FALLBACK}')[i];
    const chart = [...document.querySelectorAll('.altair-chart')]
        .filter(c => c.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING).at(-1);
    if (chart) {{
        chart.tabIndex = -1;
        chart.focus({{preventScroll: true}});
        chart.blur();
        chart.removeAttribute('tabindex');
    }}
    return true;
}}"""
# Whether focus, after a Tab, is still before summary i (keep pressing), or on it, past it or out of the page.
BEFORE = f"""i => {{
    const summary = document.querySelectorAll('{FALLBACK}')[i], focused = document.activeElement;
    return focused !== null && focused !== document.body && focused !== summary
        && !(summary.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING);
}}"""


async def _keyboard(page, result: PageVisit, limit: int = 1000) -> None:
    """Real Tab presses from just before each summary's chart until that summary has focus, focus passes
    it or leaves the page, or `limit` presses; then Enter on the last summary reached. With no positive
    tabindex, Tab order is document order, so a summary Tab reaches from its chart is in the page's tab
    sequence. Pressing from the top of the page instead took hundreds of presses on the long pages (it
    would also have met a script trapping focus above a chart, which this check does not look for)."""
    result.summaries = await page.locator(FALLBACK).count()
    result.positive_tabindex = await page.evaluate(POSITIVE_TABINDEX)
    await page.evaluate(LISTEN_FOCUS)
    for i in range(result.summaries):
        if await page.evaluate(START_AT_CHART, i):
            for _ in range(limit):
                await page.keyboard.press("Tab")
                if not await page.evaluate(BEFORE, i):
                    break
    result.reached = await page.evaluate("() => window.__reached")
    if result.reached:
        target = page.locator(FALLBACK).nth(result.reached[-1])
        await target.focus()  # already there unless a later summary was missed
        await page.keyboard.press("Enter")
        result.opened = await target.evaluate(
            "s => s.parentElement.open"
            " && s.parentElement.querySelector('table tbody tr') !== null"
            " && s.parentElement.querySelector('table').getBoundingClientRect().height > 0")


async def check_page(page, base_url: str, path: str, timeout_ms: int = 15000, print_it: bool = False) -> PageVisit:
    """Load a page in a tab, listing every request to another host, wait for its charts, then run axe-core
    and the keyboard check on that same load; with `print_it`, then print it as `make pdf` does (when every
    chart is drawn), so that make test loads each page once for both."""
    result = PageVisit()
    errors: list[str] = []
    fetched: set[str] = set()

    def request(r):
        if r.url.startswith(base_url):
            fetched.add(pdf.served_path(r.url))
        else:
            result.external.append(r.url)

    listeners = {
        "request": request,
        "pageerror": lambda e: errors.append(f"pageerror: {e}"),
        "console": lambda m: m.type == "error" and errors.append(f"console: {m.text} ({m.location['url']})"),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        await page.goto(base_url + path, wait_until="load")
        result.charts_expected = await page.locator(".altair-chart").count()
        if result.charts_expected:
            try:
                await page.wait_for_function(pdf.CHARTS_DRAWN, arg=result.charts_expected, timeout=timeout_ms)
            except Exception:  # noqa: BLE001 - the count below reports what drew
                pass
        # A chart counts as drawn when its SVG exists and has a visible size (width "container" can collapse).
        result.charts_drawn = await page.evaluate(
            "() => [...document.querySelectorAll('.altair-chart svg.marks')]"
            ".filter(s => s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().height > 20).length")
        result.errors = [e for e in errors
                         if "favicon.ico" not in e
                         and "net::ERR_NAME_NOT_RESOLVED" not in e]  # blocked outside requests are listed apart
        checked = await axe.run(page)
        result.axe_version = checked["testEngine"]["version"]
        result.serious = axe.serious(checked)
        await _keyboard(page, result)
        if print_it and result.charts_drawn == result.charts_expected:
            result.printed = await pdf.print_loaded(page)
        result.fetched = sorted(fetched)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return result


class Browser:
    """Debian's headless Chromium, driven through an event loop of its own, with a few tabs in one browser context
    that go from page to page: a new tab costs a renderer process, and about a CPU-second per page."""

    def __init__(self, tabs: int):
        from playwright.async_api import async_playwright  # here: collecting make test-fast does not load it

        self._loop = asyncio.new_event_loop()
        self._playwright = self._run(async_playwright().start())
        self._browser = self._run(self._playwright.chromium.launch(executable_path=CHROMIUM,
                                                                    args=[*ARGS, OFFLINE, UNOPTIMISED_JS]))
        self._context = self._run(self._browser.new_context(viewport=VIEWPORT))
        self._run(axe.install(self._context))
        self._tabs = [self._run(self._context.new_page()) for _ in range(tabs)]

    def _run(self, coroutine):
        return self._loop.run_until_complete(coroutine)

    def visit_all(self, base_url: str, paths: list[str], timeout_ms: int = 15000, printing=frozenset()) -> dict:
        """Every page checked, each tab taking the next page left, and the pages in `printing` printed after their
        checks; a page whose visit raised maps to its exception (and its tab is replaced, in case the failure
        left it unusable)."""
        todo, results = list(paths), {}

        async def work(i):
            while todo:
                path = todo.pop(0)
                try:
                    results[path] = await check_page(self._tabs[i], base_url, path, timeout_ms, path in printing)
                except Exception as error:  # noqa: BLE001 - reported by the test that reads this page
                    results[path] = error
                    await self._tabs[i].close()
                    self._tabs[i] = await self._context.new_page()

        async def every():
            await asyncio.gather(*map(work, range(len(self._tabs))))

        self._run(every())
        return results

    def visit_and_print(self, base_url: str, paths: list[str], html_dir: Path,
                        timeout_ms: int = 15000) -> tuple[dict, BaseException | None]:
        """`visit_all`, in which the chapters whose PDF is out of date (`pdf.write_all`) are printed after their
        checks: each page is loaded once for both. Also returns what stopped the printing, if anything."""
        results = {}

        def printed(_html_dir, docnames):
            pages = {f"{docname}.html": docname for docname in docnames}
            results.update(self.visit_all(base_url, sorted(set(paths) | set(pages)), timeout_ms, set(pages)))
            for page, docname in pages.items():
                visit = results[page]
                if isinstance(visit, BaseException):
                    raise RuntimeError(f"{page}: the visit failed, nothing printed") from visit
                if visit.printed is None:
                    raise RuntimeError(f"{page}: not printed, {visit.charts_drawn} of {visit.charts_expected} "
                                       "charts drawn")
                yield docname, visit.printed, visit.fetched, base_url

        stopped = None
        try:
            pdf.write_all(html_dir, log=lambda line: None, printed=printed)
        except Exception as error:  # noqa: BLE001 - reported by the test of the printing, not by every page's
            stopped = error
        return results or self.visit_all(base_url, paths, timeout_ms), stopped  # nothing to print: visits only

    def visit(self, base_url: str, path: str, timeout_ms: int = 15000) -> PageVisit:
        result = self.visit_all(base_url, [path], timeout_ms)[path]
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self):
        self._run(self._browser.close())
        self._run(self._playwright.stop())
        self._loop.close()


@pytest.fixture(scope="session")
def browser(request):
    """Two tabs at work at once by default: on two cores, a third brings nothing. Within make test
    (`--browser-tabs 1`) the other core runs the other tests, so a second tab makes nothing sooner, and one tab
    does the same visits with less CPU (40.1 CPU-s against 42.5, browser tests alone, two pairs)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING)
    b = Browser(request.config.getoption("--browser-tabs"))
    yield b
    b.close()


@pytest.fixture(scope="session")
def base_url(built_html):
    with serve(built_html) as url:
        yield url
