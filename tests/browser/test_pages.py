"""Every built page in headless Chromium: no console error, nothing fetched from another host,
every chart drawn, and no serious or critical accessibility violation (axe-core)."""

from __future__ import annotations

import altair as alt
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import serve, visit
from tests.conftest import book_pages

SERIOUS = {"serious", "critical"}


@pytest.mark.browser
@pytest.mark.parametrize("path", book_pages())
def test_page_renders_offline_without_errors(browser, base_url, path):
    result, page = visit(browser, base_url, path)
    try:
        assert result.errors == []
        assert result.external == []
        assert result.charts_drawn == result.charts_expected
        violations = Axe().run(page).response["violations"]
        serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations
                   if v["impact"] in SERIOUS]
        assert serious == []
    finally:
        page.close()


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
