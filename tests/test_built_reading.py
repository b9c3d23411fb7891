"""What a reader sees on every built page: French typography, acronyms in the glossary, no raw values."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import pytest

from analysis.contract import data, labels, typography
from analysis.present import glossary
from tests.conftest import HTML, book_pages

PAGES = book_pages()
REGIONAL = [page for page in PAGES if page.startswith("book/regions/")]
URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ca|com|org|qc\.ca|net|info)(?:/\S*)?\b")
# Capitals that are not acronyms: words of document titles set in capitals, a roman numeral, the
# date pattern « AAAA-MM-JJ » of the data dictionary; a radio station's call sign that publishes a source.
CITE_BOX = re.compile(r"APA\s+—.*?(?=$)", re.S)
NOT_ACRONYMS = frozenset({"ALLIANCE", "MERCI", "MINGANIE", "PORTRAIT", "POUR", "SOLIDARITÉ", "III", "AAAA",
                          "CFNJ"})
# Names of file formats, a licence, a citation style and software: the reproduction and citation
# apparatus, not terms of the study; no document of sources.csv could support a glossary row for
# them. OAR is spelled out where it is used (gouvernance page) from a work of the references annex.
TECHNICAL = frozenset({"APA", "MIT", "RIS", "CSV", "HTML", "GEXF", "URL", "ISBN", "MAXQDA", "ATLAS", "OAR",
                       "PDF"})


class _Visible(HTMLParser):
    """Visible French text, without code, scripts, styles, navigation, buttons (their text is not prose) or
    passages marked `lang="en"` (English typography applies there)."""

    SKIP = {"script", "style", "pre", "code", "kbd", "samp", "nav", "button", "svg", "math"}
    BLOCK = {"p", "div", "li", "td", "th", "tr", "dt", "dd", "br", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
             "summary", "section", "table", "ul", "ol", "dl", "small", "title", "footer", "header", "aside"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # open tags, and whether each is marked English
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag not in self.VOID:
            english = str(dict(attrs).get("lang") or "").lower().startswith("en")
            self.stack.append((tag, english))

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self.parts.append("\n")
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, text):
        if not any(tag in self.SKIP or english for tag, english in self.stack):
            self.parts.append(text)


@cache
def _text(page: str) -> str:
    parser = _Visible()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    return URL.sub(" ", "".join(parser.parts))


@pytest.mark.parametrize("page", PAGES)
def test_french_typography_in_visible_text(built_html, page):
    problems = typography.problems(_text(page))
    assert problems == [], f"{page}: {len(problems)} places without a no-break space, e.g. {problems[:5]}"


@pytest.mark.parametrize("page", PAGES)
def test_every_acronym_on_the_page_is_in_the_glossary(built_html, page):
    known = set(glossary.acronyms())
    used = set(glossary.ACRONYM.findall(_text(page))) - NOT_ACRONYMS - TECHNICAL
    assert sorted(used - known) == [], f"{page}: acronyms missing from data/glossary.csv"


@pytest.mark.parametrize("page", REGIONAL)
def test_acronyms_of_a_regional_chapter_link_to_the_glossary(built_html, page):
    markup = (HTML / page).read_text(encoding="utf-8")
    terms = glossary.acronyms()
    text = CITE_BOX.sub(" ", _text(page))  # the reference to copy is not prose: nothing is linked in it
    used = set(glossary.ACRONYM.findall(text)) & set(terms)
    unlinked = [a for a in sorted(used) if f"glossaire.html#glossaire-{terms[a]}" not in markup]
    assert unlinked == [], f"{page}: acronyms never linked to their glossary entry"


def _raw_codes() -> re.Pattern:
    codes = {v for domain in labels.field_domains().values() for v in labels.mapping(domain)
             if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", v) or v in {"elevee", "annee"}}
    return re.compile(r"(?<![\w/.#-])(" + "|".join(map(re.escape, sorted(codes, key=len, reverse=True)))
                      + r")(?![\w/.-])")


@pytest.mark.parametrize("page", REGIONAL + ["book/annexes/entrevues.html"])
def test_no_raw_value_a_reader_would_trip_over(built_html, page):
    text = _text(page)
    assert re.findall(r"<NA>|\bnan\b|\bNaN\b|\bTrue\b|\bFalse\b|\bNone\b", text) == []
    assert re.findall(r"\b\d{4,}\.0\b", text) == []
    # below 10 000 a number has no separator: « 2 012 » can only be a year printed as an amount
    assert re.findall(r"(?<![\d\u202f\u00a0 ])\d[\u202f\u00a0 ]\d{3}\b(?![\u202f\u00a0 ]\d{3})", text) == []
    assert _raw_codes().findall(text) == []
    english = {"funding_id", "source_ids", "period_start", "amount", "scope", "retained", "confidence"}
    assert not [w for w in english if re.search(rf"\b{w}\b", text)]


def test_every_page_says_entrevue_not_entretien(built_html):
    """One term per concept in the French text (identifiers such as `etude-entretiens` are not prose)."""
    for page in PAGES:
        assert not re.search(r"(?<![\w-])entretiens?(?![\w-])", _text(page), re.I), page


def test_every_region_has_its_chapter_page(built_html):
    assert sorted(p.split("/")[-1][:-5] for p in REGIONAL) == sorted(data.load("regions")["region_id"])


@cache
def _row_ids() -> re.Pattern:
    """Every one-field primary key value of the package (row ids), as a pattern of whole ids."""
    ids = set()
    for res in data.descriptor()["resources"]:
        key = res["schema"].get("primaryKey") or []
        if len(key) == 1:
            ids |= {str(v) for v in data.load(res["name"])[key[0]]
                    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", str(v))}
    alternatives = "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
    return re.compile(r"(?<![\w/.#-])(" + alternatives + r")(?![\w/.-])")


class _Prose(_Visible):
    """Visible text outside tables: where a row id is in the way of a reader (tables keep their ids)."""

    SKIP = _Visible.SKIP | {"table"}


@pytest.mark.parametrize("page", [p for p in PAGES if "/annexes/" not in p])
def test_prose_cites_rows_by_markers_and_writes_french_apostrophes_and_counts(built_html, page):
    parser = _Prose()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    prose = URL.sub(" ", "".join(parser.parts))
    assert _row_ids().findall(prose) == []
    text = _text(page)
    assert re.findall(r"\w'\w", text) == []
    assert re.findall(r"\bn\.\s?d\.", text) == []
    plural_after_one = (r"(?<![\d,.\u202f\u00a0 ])1[\u00a0\u202f ]"
                        r"(?:projets|lignes|faits|présentés|organisations|liens)\b")
    assert re.findall(plural_after_one, text) == []


def test_regional_paragraphs_have_markers_with_their_row_and_a_permalink(built_html):
    page = (HTML / "book/regions/mauricie.html").read_text(encoding="utf-8")
    paragraphs = re.findall(r"<p id=\"(row-[\w-]+)\" class=\"stable-anchor\">(.*?)</p>", page, re.S)
    paragraphs += re.findall(r"<p id='(row-[\w-]+)' class='stable-anchor'>(.*?)</p>", page, re.S)
    assert paragraphs
    for anchor, body in paragraphs:
        assert 'class="src-marker"' in body and f'href="#{anchor}"' in body, anchor


def test_l_essentiel_comes_right_after_the_home_page_and_covers_every_region(built_html):
    home = (HTML / "book/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="right-next"\s+href="essentiel.html"', home)
    page = (HTML / "book/essentiel.html").read_text(encoding="utf-8")
    for region_id in data.load("regions")["region_id"]:
        assert f'id="essentiel-{region_id}"' in page or f"id='essentiel-{region_id}'" in page
    key_messages = re.search(r"<ol class=['\"]key-messages['\"]>(.*?)</ol>", page, re.S).group(1)
    messages = re.findall(r"<li id=['\"]essentiel-[\w-]+['\"] class=['\"]stable-anchor['\"]>(.*?)</li>",
                          key_messages, re.S)
    assert 6 <= len(messages) <= 8 and all("evidence-link" in m for m in messages)
    assert "cite-box" in page
