"""No raw code value reaches a reader: a test over every built page, fed by the labels table.

A coded value (`enveloppe-regionale`, `elevee`, `nombre-de-projets` …) must reach a page as its French
label. The candidates are the values of every domain of `data/labels.csv` that a reader would recognise
as raw codes: the hyphenated ones, and those that are a label's word with its accents dropped
(`elevee` for « élevée », `etude` for « étude »). Plain words that are their own label (`plan`, `loi`)
cannot be told apart from prose and are left out, as are the few stripped forms that are themselves
French words (`FRENCH_WORDS`: « il communique »).

Visible text only: scripts, styles and code elements (`code`, `pre`, `kbd`, `samp`) are skipped, as are
attributes (ids, URLs in `href`) and addresses written out in the text. Where a page must show a code —
the data dictionary's list of allowed values — it shows it in a `code` element beside its label.
Text marked as English (`lang="en"`) is checked for hyphenated codes only: an unaccented word there
(`these`, `presentation`) is English, not a raw code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser

import pytest

from analysis.contract import data
from tests.conftest import book_pages

PAGES = book_pages()
SKIPPED = {"script", "style", "code", "pre", "kbd", "samp", "template"}
FRENCH_WORDS = {"communique"}  # a verb form (« elle communique ») as well as a code: not a sign of a raw code
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL = re.compile(r"(?:https?://|www\.)\S+")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()


def looks_raw(value: str, label: str) -> bool:
    """A code a reader would see as raw: hyphenated, or a word of its label stripped of its accents."""
    if value == label.lower() or value in FRENCH_WORDS:
        return False
    words = re.findall(r"\w+", label.lower())
    return "-" in value or _ascii(label) == value or any(_ascii(w) == value != w for w in words)


@cache
def raw_codes() -> dict[str, str]:
    """value -> its domain, for every value of the labels table that would look raw on a page."""
    table = data.load("labels")
    return {row.value: row.domain for row in table.itertuples() if looks_raw(row.value, row.label_fr)}


def _pattern(values) -> re.Pattern:
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])(?!:\S)")  # `region:x` is an id, not prose


class VisibleText(HTMLParser):
    """The text a reader sees, split into French and English runs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.french: list[str] = []
        self.english: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, english)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        skipped, english = (self._stack[-1][1:] if self._stack else (False, False))
        lang = attrs.get("lang")
        if lang:
            english = lang.lower().startswith("en")
        self._stack.append((tag, skipped or tag in SKIPPED, english))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, text):
        skipped, english = self._stack[-1][1:] if self._stack else (False, False)
        if not skipped:
            (self.english if english else self.french).append(URL.sub(" ", text))


def raw_in(page_html: str) -> list[str]:
    """Each raw code found in the visible text, with a little context."""
    parser = VisibleText()
    parser.feed(page_html)
    codes = raw_codes()
    found = []
    for runs, values in ((parser.french, codes), (parser.english, [v for v in codes if "-" in v])):
        text = " ".join(runs)
        for match in _pattern(values).finditer(text):
            context = " ".join(text[max(0, match.start() - 40): match.end() + 40].split())
            found.append(f"{match.group(1)!r} ({codes[match.group(1)]}) in « {context} »")
    return found


def test_candidates_cover_the_codes_the_issue_names():
    assert {"elevee", "enveloppe-regionale", "nombre-de-projets", "signe-avec",
            "ville-territoire-equivalent"} <= set(raw_codes())
    assert "plan" not in raw_codes() and "loi" not in raw_codes()


def test_detector_sees_visible_text_only():
    page = ('<p>Portée : enveloppe-regionale</p><p><code>part-regionale</code> (part régionale)</p>'
            '<a href="https://x.org/elevee" id="elevee">lien</a><p lang="en">these documents</p>'
            '<p>Confiance élevée ; https://example.org/appel-de-projets ; region:mauricie</p>')
    assert [f.split(" ")[0] for f in raw_in(page)] == ["'enveloppe-regionale'"]


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_code_on_any_page(built_html, page):
    found = raw_in((built_html / page).read_text(encoding="utf-8"))
    assert not found, f"{page}: a reader sees raw codes:\n" + "\n".join(found[:20])


def test_pages_were_found(built_html):
    assert len(PAGES) > 10
