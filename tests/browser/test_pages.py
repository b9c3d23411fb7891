"""Every built page in headless Chromium: no console error, nothing fetched from another host,
every chart drawn, no serious or critical accessibility violation (the vendored axe-core release),
and the data behind every chart reachable with the keyboard alone.

Each check also runs on a page made to break it, so none of them can pass vacuously."""

from __future__ import annotations

import altair as alt
import pytest

from analysis.build import notebooks, pdf
from tests.browser import axe
from tests.browser.conftest import PageVisit, serve
from tests.conftest import HTML, book_pages

# Sphinx's own pages besides the chapters (the root index.html is only a redirect).
PAGES = book_pages() + ["search.html", "genindex.html"]


@pytest.fixture(scope="module")
def checked(request, browser, base_url, built_html) -> tuple[dict, BaseException | None]:
    """One visit of every page the selected tests of this module name, shared by their checks; with --print-pdf
    (make test), the PDFs that are out of date are printed on that visit, and what stopped them, if anything."""
    paths = sorted({item.callspec.params["path"] for item in request.session.items
                    if item.module is request.module and "path" in getattr(getattr(item, "callspec", None),
                                                                             "params", {})})
    if request.config.getoption("print_pdf"):
        return browser.visit_and_print(base_url, paths, built_html)
    return browser.visit_all(base_url, paths), None


@pytest.fixture(scope="module")
def visits(checked) -> dict:
    return checked[0]


def visited(visits: dict, path: str) -> PageVisit:
    result = visits[path]
    if isinstance(result, BaseException):
        raise result
    return result


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_without_errors(visits, path):
    result = visited(visits, path)
    assert result.errors == []
    assert result.external == []
    assert result.charts_drawn == result.charts_expected
    assert result.axe_version == axe.source()["version"]
    assert result.serious == []


@pytest.mark.browser
@pytest.mark.parametrize("path", [p for p in PAGES if "altair-chart" in (HTML / p).read_text(encoding="utf-8")]
                         if HTML.exists() else [])
def test_chart_data_is_reachable_by_keyboard(visits, path):
    """The tooltips need a pointer; the table under each chart holds the same data and must be reachable
    and openable with Tab and Enter."""
    result = visited(visits, path)
    charts, summaries, reached = result.charts_expected, result.summaries, result.reached
    assert charts >= 1
    assert summaries >= charts, f"{path}: {charts} charts but {summaries} data tables"
    assert result.positive_tabindex == [], f"{path}: tab order is not document order"
    assert sorted(reached) == list(range(summaries)), f"{path}: Tab reaches tables {reached} of {summaries}"
    assert result.opened


BROKEN_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page cassée</title>
<script>const THEBE_JS_URL = "x";</script><script>const THEBE_JS_URL = "x";</script></head><body><main>
<h1><a href="#" tabindex="1">Page cassée</a></h1>
<button class="search-button-field" aria-label="Recherche">
<span>Recherche</span> <kbd>Ctrl</kbd>+<kbd>K</kbd></button>
<div class="altair-chart"></div>
<details class="chart-fallback"><summary tabindex="-1">Données du graphique (tableau)</summary>
<table><tbody><tr><td>1</td></tr></tbody></table></details>
</main></body></html>"""


@pytest.mark.browser
def test_the_pdfs_out_of_date_were_printed_on_the_visit(checked):
    """With --print-pdf (make test), the PDFs printed after the checks of their page, from the same load:
    nothing stopped them (tests/test_pdf.py then reads them, and compares one with a print of its own)."""
    _, stopped = checked
    assert stopped is None, f"the PDFs were not printed: {stopped!r}"


@pytest.mark.browser
def test_checks_fail_on_a_page_built_to_break_them(browser, tmp_path):
    """The upstream theme's search button, a doubled script declaration, a link put first in the tab order
    and a data table kept out of it: the console, axe-core and keyboard checks above must each report
    their problem."""
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    with serve(tmp_path) as url:
        result = browser.visit(url, "broken.html", timeout_ms=500)
    assert any("already been declared" in e for e in result.errors)
    assert any(line.startswith("label-content-name-mismatch") for line in result.serious)
    assert len(result.positive_tabindex) == 1
    assert (result.charts_expected, result.summaries, result.reached) == (1, 1, [])


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
        # Its scripts are plain <script src> tags: by the load event they have failed, nothing can draw later.
        result = browser.visit(url, "cdn.html", timeout_ms=500)
    assert any("cdn.jsdelivr.net" in u for u in result.external)
    assert any("vegaEmbed is not defined" in e for e in result.errors)  # undrawn because Vega never arrived
    assert result.charts_drawn < result.charts_expected


@pytest.mark.browser
def test_a_chapter_whose_charts_do_not_draw_is_not_printed(browser, tmp_path):
    """The visit that prints a PDF prints only a page whose charts all drew; otherwise the printing stops and
    says which page, while the page's own checks are still reported."""
    html, docname = tmp_path / "html", notebooks.chapters()[-1]
    pages = {"index.html": "", "book/index.html": "", f"{docname}.html": '<div class="altair-chart"></div>'}
    for page, body in pages.items():  # the chart is never drawn: no script draws it
        (html / page).parent.mkdir(parents=True, exist_ok=True)
        (html / page).write_text(f"<html lang='fr'><head><title>Page</title></head><body>{body}</body></html>",
                                 encoding="utf-8")
    with serve(html) as url:
        visits, stopped = browser.visit_and_print(url, [], html, timeout_ms=300)
    assert visits[f"{docname}.html"].charts_drawn == 0
    assert isinstance(stopped, RuntimeError) and f"{docname}.html: not printed" in str(stopped)
    assert not (html / pdf.chapter_path(docname)).exists()
