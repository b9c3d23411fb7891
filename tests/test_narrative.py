"""The regional narrative and « En bref »: rendering, links to rows, reading French numbers (that a paragraph's
numbers are held by the rows it cites is the validator's `narrative-number` rule, tested in test_validate)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.contract import data, figures
from analysis.present import brief, narrative
from analysis.study import region

REGION_IDS = list(data.load("regions")["region_id"])
FIXTURE = Path(__file__).parent / "fixtures" / "narratives" / "mauricie.csv"
NARRATIVES = data.load("narratives")


def _fixture() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    return frame.assign(position=frame["position"].astype(int))


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_each_region_narrative_has_at_least_300_words(region_id):
    assert not NARRATIVES[NARRATIVES["region_id"] == region_id].empty, f"{region_id}: no narrative rows"
    assert narrative.word_count(region_id) >= narrative.MIN_WORDS


def test_numbers_are_read_the_french_way():
    assert figures.numbers("4 200 000 $ et 4,5 M$ ; 80 % ; 2010-2015") == {4200000.0, 4500000.0, 80.0,
                                                                            2010.0, 2015.0}
    assert figures.numbers("692\u202f303\u00a0$") == {692303.0}


def test_word_count_ignores_brief_points():
    frame = _fixture()
    words = narrative.word_count("mauricie", frame)
    brief_words = len(frame.loc[frame["section"] == "bref-priorites", "text_fr"].iloc[0].split())
    total = sum(len(t.split()) for t in frame["text_fr"])
    assert 0 < words <= total - brief_words + 5


def test_narrative_renders_sections_in_order_with_linked_row_ids():
    p = region.profile("mauricie")
    markup = narrative.html_for(p, _fixture())
    headings = re.findall(r"<h3 id='mauricie-recit-([\w-]+)'>", markup)
    assert headings == narrative.sections(brief=False)
    assert markup.index("fx-mau-02") < markup.index("fx-mau-03")  # position order
    assert '<a href="#row-mau-f-01">mau-f-01</a>' in markup       # a funding row: its line in the chapter
    assert "annexes/sources.html#src-mau-src-02" in markup or "mau-src-02" in markup
    assert "\u00a0:" not in markup.split("fx-mau-01")[0]
    assert "répartie entre six territoires au moment de l'annonce\u202f;" in markup  # typography.fr applied
    assert "Non documenté." in markup  # the sections without rows say so


def test_empty_narrative_is_a_visible_gap():
    p = region.profile("lanaudiere")
    markup = narrative.html_for(p, NARRATIVES.iloc[0:0])
    assert "Récit régional non documenté" in markup and "class='gap" in markup


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_brief_has_every_point_with_its_anchor(region_id):
    p = region.profile(region_id)
    markup = brief.html_for(p)
    for key in brief.ORDER:
        assert f"id='{region_id}-bref-{key}'" in markup
    for point in brief.points(p):
        assert point["text"], point
        if point["text"] != brief.UNDOCUMENTED and point["key"] not in brief.TABLE_SECTION:
            assert point["ids"], f"{region_id}: point {point['key']} cites no row"
    assert not re.search(r"\b(enveloppe-regionale|territoire-autochtone|ville-territoire-equivalent|nan|True)\b",
                         markup)


def test_brief_envelope_lists_the_retained_and_the_disagreeing_figures():
    text, ids = brief.envelope(region.profile("bas-saint-laurent"))
    assert "4\u202f400\u202f000\u00a0$" in text and "4\u202f500\u202f000\u00a0$" in text
    assert "retenu" in text and {"bsl-f-01", "bsl-f-02"} <= set(ids)


def test_brief_territories_use_the_labels_of_their_kinds():
    text, _ = brief.territories(region.profile("mauricie"))
    assert "ville exerçant les compétences d'une MRC (3)" in text and "MRC (3)" in text


def test_brief_points_from_narrative_rows_and_gaps():
    p = region.profile("mauricie")
    points = {pt["key"]: pt for pt in brief.points(p, _fixture())}
    assert points["priorites"]["text"].startswith("Trois priorités\u00a0:")
    assert points["priorites"]["ids"] == ["mau-rf-05"]
    assert points["tension"]["text"] == brief.UNDOCUMENTED
    stated = points["projets"]
    assert "7 projets (11 décembre 2012)" in stated["text"] and "mau-rf-09" in stated["ids"]


def test_every_row_id_a_narrative_cites_is_shown_or_is_a_source():
    """Ids of regional tables must be ones the chapter shows with an anchor (links cannot dangle)."""
    for frame in (NARRATIVES, _fixture()):
        for region_id, rows in frame.groupby("region_id"):
            shown = narrative.shown_ids(region.profile(region_id))
            for cell in rows["row_ids"]:
                links = narrative.ref_links(cell, shown)
                for rid in data.split_ids(cell):
                    assert rid in links


def test_lead_body_is_the_organisation_that_signed_with_the_ministry_or_undocumented():
    text, ids = brief.lead_body(region.profile("cote-nord"))
    assert text.startswith("Conférence régionale des élus de la Côte-Nord") and ids[0] == "cn-tie-01"
    ties = data.load("ties")
    for region_id in REGION_IDS:
        p = region.profile(region_id)
        signed = ties[(ties["source_actor"] == brief.MINISTRY) & (ties["relation"] == brief.SIGNS)
                      & ties["target_actor"].isin(p.actors["actor_id"])]
        assert (brief.lead_body(p)[0] == brief.UNDOCUMENTED) == signed.empty
