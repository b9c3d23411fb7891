"""Over the built book: every page that shows a region-level statement shows the study model's value."""

from __future__ import annotations

import shutil

import pytest

from analysis.build import agreement
from analysis.contract import data
from analysis.present import brief, statement
from analysis.study import statements

REGION_IDS = list(data.load("regions")["region_id"])
COTE = "book/comparaison/cote-a-cote.html"
GOUV = "book/comparaison/gouvernance.html"
APRES = "book/comparaison/apres-2015.html"
# Where each statement must appear (besides its region's « En bref »): the comparative pages.
PAGES = {
    "lead-body": [COTE, GOUV], "project-choice": [COTE, GOUV], "decision-sharing": [COTE, GOUV],
    "leadership": [COTE, GOUV], "envelope": [COTE], "territories": [COTE], "projects-stated": [COTE],
    "projects-named": [COTE], "priorities": [COTE], "tension": [COTE], "transition": [],
    "successor": [COTE, APRES], "successor-kind": [COTE, APRES],
}
IN_BRIEF = brief.SHOWN | set(brief.WITH.values())


@pytest.fixture(scope="module")
def pages(built_html):
    return agreement.read_pages(built_html)


def test_every_page_showing_a_statement_shows_the_same_value(pages):
    assert agreement.disagreements(pages) == []


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_each_statement_is_on_every_page_that_should_show_it_with_the_model_value(pages, region_id):
    shown = agreement.shown(pages)
    model = statements.of_region(region_id)
    assert set(PAGES) == set(model), "PAGES must name every statement of the model"
    for key, st in model.items():
        expected = list(PAGES[key]) + ([f"book/regions/{region_id}.html"] if key in IN_BRIEF else [])
        by_page = shown.get((region_id, key), {})
        for page in expected:
            assert by_page.get(page) == {(st.value, statement.text(st))}, (region_id, key, page)


def _plant(pages: dict[str, str], page: str, region_id: str, key: str, new_text: str) -> dict[str, str]:
    """A copy of the pages where one page shows a different text for one statement."""
    st = statements.FUNCTIONS[key](region_id)
    old = statement.html(st)
    assert old in pages[page], (page, key)
    changed = dict(pages)
    changed[page] = pages[page].replace(old, old.replace(f">{statement.text(st)}<", f">{new_text}<"), 1)
    return changed


def test_a_planted_disagreement_in_the_text_is_caught(pages):
    changed = _plant(pages, COTE, "mauricie", "leadership", "Leadership partagé")
    problems = agreement.disagreements(changed)
    assert len(problems) == 1 and problems[0].startswith("mauricie: statement leadership")
    assert COTE in problems[0] and GOUV in problems[0]


def test_a_planted_disagreement_in_the_value_is_caught_on_disk(built_html, tmp_path):
    """Edit a copy of one built page the way a stale or hand-written page would differ."""
    copy = tmp_path / "html"
    shutil.copytree(built_html / "book", copy / "book")
    page = copy / APRES
    st = statements.successor("laurentides")
    text = page.read_text(encoding="utf-8")
    marked = f"data-valeur='{st.value}'>"
    assert marked in text
    page.write_text(text.replace(marked, "data-valeur='undocumented'>", 1), encoding="utf-8")
    problems = agreement.disagreements(agreement.read_pages(copy))
    assert any(p.startswith("laurentides: statement successor ") for p in problems)


def test_marks_are_read_whatever_the_quotes_and_inner_markup():
    page = ('<span class="enonce gap" data-enonce="tension" data-region="x" data-valeur="undocumented">'
            'non <em>documenté</em></span>')
    assert agreement.marks(page) == [("tension", "x", "undocumented", "non documenté")]

