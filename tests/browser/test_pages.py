"""Every built page in headless Chromium: no console error, nothing fetched from another host,
every chart drawn, no serious or critical accessibility violation (the vendored axe-core release),
and the data behind every chart reachable with the keyboard alone.

Each check also runs on a page made to break it, so none of them can pass vacuously."""

from __future__ import annotations

import altair as alt
import pytest

from tests.browser import axe
from tests.browser.conftest import serve, visit
from tests.conftest import HTML, book_pages

# Sphinx's own pages besides the chapters (the root index.html is only a redirect).
PAGES = book_pages() + ["search.html", "genindex.html"]
FALLBACK = "details.chart-fallback > summary"


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_without_errors(browser, base_url, path):
    result, page = visit(browser, base_url, path)
    try:
        assert result.errors == []
        assert result.external == []
        assert result.charts_drawn == result.charts_expected
        checked = axe.run(page)
        assert checked["testEngine"]["version"] == axe.source()["version"]
        assert axe.serious(checked) == []
    finally:
        page.close()


def _tab_through(page, limit: int = 3000, batch: int = 20) -> list[int]:
    """Press Tab from the top of the page until focus leaves the document (past its last focusable
    element); the indexes of the chart-data summaries that received focus on the way, in order."""
    page.evaluate(
        f"""() => {{
            window.__reached = [];
            window.__left = false;
            document.addEventListener('focusout', e => {{ if (!e.relatedTarget) window.__left = true; }});
            document.addEventListener('focusin', e => {{
                const i = [...document.querySelectorAll('{FALLBACK}')].indexOf(e.target);
                if (i >= 0 && !window.__reached.includes(i)) window.__reached.push(i);
            }});
            document.activeElement && document.activeElement.blur();
            window.scrollTo(0, 0);
        }}""")
    for pressed in range(1, limit + 1):
        page.keyboard.press("Tab")
        if pressed % batch == 0 and page.evaluate("() => window.__left"):
            break
    return page.evaluate("() => window.__reached")


def keyboard_reaches_chart_data(page) -> tuple[int, int, list[int], bool]:
    """(charts, data summaries, summaries reached by Tab, whether Enter opens the last one reached)."""
    charts = page.locator(".altair-chart").count()
    summaries = page.locator(FALLBACK).count()
    reached = _tab_through(page)
    opened = False
    if reached:
        page.keyboard.press("Shift+Tab")  # back onto the page, then to the last summary reached
        target = page.locator(FALLBACK).nth(reached[-1])
        target.focus()
        page.keyboard.press("Enter")
        opened = target.evaluate("s => s.parentElement.open"
                                 " && s.parentElement.querySelector('table tbody tr') !== null"
                                 " && s.parentElement.querySelector('table').getBoundingClientRect().height > 0")
    return charts, summaries, reached, opened


@pytest.mark.browser
@pytest.mark.parametrize("path", [p for p in PAGES if "altair-chart" in (HTML / p).read_text(encoding="utf-8")]
                         if HTML.exists() else [])
def test_chart_data_is_reachable_by_keyboard(browser, base_url, path):
    """The tooltips need a pointer; the table under each chart holds the same data and must be reachable
    and openable with Tab and Enter."""
    _, page = visit(browser, base_url, path)
    try:
        charts, summaries, reached, opened = keyboard_reaches_chart_data(page)
    finally:
        page.close()
    assert charts >= 1
    assert summaries >= charts, f"{path}: {charts} charts but {summaries} data tables"
    assert sorted(reached) == list(range(summaries)), f"{path}: Tab reaches tables {reached} of {summaries}"
    assert opened


BROKEN_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page cassée</title>
<script>const THEBE_JS_URL = "x";</script><script>const THEBE_JS_URL = "x";</script></head><body><main>
<h1>Page cassée</h1>
<button class="search-button-field" aria-label="Recherche">
<span>Recherche</span> <kbd>Ctrl</kbd>+<kbd>K</kbd></button>
<div class="altair-chart"></div>
<details class="chart-fallback"><summary tabindex="-1">Données du graphique (tableau)</summary>
<table><tbody><tr><td>1</td></tr></tbody></table></details>
</main></body></html>"""


@pytest.mark.browser
def test_checks_fail_on_a_page_built_to_break_them(browser, tmp_path):
    """The upstream theme's search button, a doubled script declaration and a data table kept out of
    the tab order: the console, axe-core and keyboard checks above must each report their problem."""
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    with serve(tmp_path) as url:
        result, page = visit(browser, url, "broken.html", timeout_ms=500)
        try:
            serious = axe.serious(axe.run(page))
            charts, summaries, reached, _ = keyboard_reaches_chart_data(page)
        finally:
            page.close()
    assert any("already been declared" in e for e in result.errors)
    assert any(line.startswith("label-content-name-mismatch") for line in serious)
    assert (charts, summaries, reached) == (1, 1, [])


def test_vendored_axe_core_matches_its_record():
    """axe.min.js is the file SOURCE.json names (version, MPL-2.0 licence shipped beside it)."""
    record = axe.source()
    assert record["license"] == "MPL-2.0" and (axe.VENDOR / "LICENSE").exists()
    assert f"axe v{record['version']}" in axe.script()[:200]


@pytest.mark.browser
def test_page_built_with_the_cdn_renderer_is_caught(browser, tmp_path):
    """Altair's stock HTML loads Vega from a CDN: the check above must fail on it."""
    chart = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
    html = chart.to_html().replace('<div id="vis">', '<div id="vis" class="altair-chart">')
    (tmp_path / "cdn.html").write_text(html, encoding="utf-8")
    with serve(tmp_path) as url:
        result, page = visit(browser, url, "cdn.html", timeout_ms=3000)
        page.close()
    assert any("cdn.jsdelivr.net" in u for u in result.external)
    assert result.charts_drawn < result.charts_expected
