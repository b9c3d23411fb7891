"""Checks on the built HTML (no browser): offline assets, chart metadata, privacy, links."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import HTML, book_pages

PAGES = book_pages()
SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]\d{3}-\d{4}\b")


class _Refs(HTMLParser):
    """Collect what a page loads (scripts, styles, images) and where it links."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style"}:
            self._skip += 1
        if tag in {"script", "img", "iframe"} and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in {"stylesheet", "preload"} and attrs.get("href"):
            self.loads.append(attrs["href"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _refs(page: str) -> _Refs:
    parser = _Refs()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    return parser


def test_pages_were_built(built_html):
    assert "book/index.html" in PAGES and "book/contexte.html" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_nothing_from_another_host(built_html, page):
    external = [u for u in _refs(page).loads if urlparse(u).netloc]
    assert external == []


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_title_and_description(built_html, page):
    for spec_text in SPEC.findall((HTML / page).read_text(encoding="utf-8")):
        spec = json.loads(spec_text.replace("<\\/", "</"))
        assert spec.get("title"), f"{page}: chart without title"
        assert spec.get("description"), f"{page}: chart without accessible description"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(built_html, page):
    base = (HTML / page).parent
    for href in _refs(page).links:
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc or not parsed.path:
            continue
        assert (base / parsed.path).resolve().exists(), f"{page}: broken link {href}"


@pytest.mark.parametrize("page", PAGES)
def test_no_personal_contact_details(built_html, page):
    text = " ".join(_refs(page).text)
    assert EMAIL.findall(text) == []
    assert PHONE.findall(text) == []


def test_vega_bundle_is_shipped(built_html):
    bundle = Path(built_html) / "_static" / "vega-bundle.js"
    assert bundle.stat().st_size > 500_000
