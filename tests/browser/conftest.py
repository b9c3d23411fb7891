"""Real-browser fixtures: the built book served on 127.0.0.1 and Debian's Chromium via Playwright."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from analysis.build.pdf import ARGS, CHROMIUM, serve  # one browser, one way to serve the book


@dataclass
class PageVisit:
    """What happened while a page loaded: errors, blocked requests, drawn charts."""

    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    charts_expected: int = 0
    charts_drawn: int = 0


def visit(browser, base_url: str, path: str, timeout_ms: int = 15000) -> tuple[PageVisit, object]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    result = PageVisit()

    def route(r):
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            result.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: result.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and result.errors.append(f"console: {m.text}"))
    page.goto(base_url + path, wait_until="load")
    result.charts_expected = page.locator(".altair-chart").count()
    if result.charts_expected:
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.altair-chart svg.marks').length >= n",
                arg=result.charts_expected, timeout=timeout_ms)
        except Exception:  # noqa: BLE001 - the count below reports what drew
            pass
    # A chart counts as drawn when its SVG exists and has a visible size (width "container" can collapse).
    result.charts_drawn = page.evaluate(
        "() => [...document.querySelectorAll('.altair-chart svg.marks')]"
        ".filter(s => s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().height > 20).length")
    result.errors = [e for e in result.errors
                     if "favicon.ico" not in e
                     and "net::ERR_FAILED" not in e]  # blocked outside requests are listed apart
    return result, page


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser-deps` (or apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def base_url(built_html):
    with serve(built_html) as url:
        yield url
