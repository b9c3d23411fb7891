"""What a regional chapter and the sources annex show from the re-read data: territories and First Nations
communities, the steps after 2015, the signature date, re-readings and co-produced documents."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from analysis.contract import data, dates, labels, typography
from analysis.present import annexes, chapter, narrative
from analysis.study import region, statements

REGION_IDS = list(data.load("regions")["region_id"])


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_territory_counts_split_the_rows_without_overlap(region_id):
    rows = data.load("territories").query("region_id == @region_id")
    counts = statements.territory_counts(region_id)
    assert sorted(counts.municipal + counts.first_nations) == sorted(rows["territory_id"])
    assert not set(counts.municipal) & set(counts.first_nations)
    assert counts.alliance == list(rows.loc[rows["alliance_territory"], "territory_id"])
    nations = rows.loc[rows["kind"] == statements.FIRST_NATIONS_KIND, "territory_id"]
    assert counts.first_nations == list(nations)


def test_cote_nord_counts_six_alliance_territories_and_nine_communities():
    counts = statements.territory_counts("cote-nord")
    assert (len(counts.alliance), len(counts.first_nations)) == (6, 9)
    assert not set(counts.alliance) & set(counts.first_nations)


def test_mauricie_lists_the_three_atikamekw_communities():
    counts = statements.territory_counts("mauricie")
    assert set(counts.first_nations) == {"mau-t-wemotaci", "mau-t-opitciwan", "mau-t-coucoucache"}
    markup = chapter.territories(region.profile("mauricie")).data
    for territory_id in counts.first_nations:
        row = _row(markup, territory_id)
        assert "communauté des Premières Nations" in row and "non documentée" in row


def test_territory_sentence_says_what_it_counts_with_agreement():
    cote_nord = chapter.territory_sentence(statements.territory_counts("cote-nord")).replace("\u00a0", " ")
    assert cote_nord.startswith("6 territoires de l’Alliance (MRC et territoires équivalents")
    assert "9 communautés des Premières Nations situées dans la région" in cote_nord
    one = statements.TerritoryCounts(municipal=["a", "b"], alliance=["a"], first_nations=["c"])
    text = chapter.territory_sentence(one).replace("\u00a0", " ")
    assert text.startswith("1 territoire de l’Alliance")
    assert "1 communauté des Premières Nations située dans la région, listée sans être comptée comme " \
           "territoire de l’Alliance" in text
    assert "1 autre MRC ou territoire équivalent de la région est listé sans être compté" in text
    none = statements.TerritoryCounts(municipal=["a"], alliance=["a"], first_nations=[])
    assert "aucune communauté des Premières Nations située" in chapter.territory_sentence(none)
    counted = statements.TerritoryCounts(municipal=["a"], alliance=["a", "c"], first_nations=["c", "d"])
    assert "dont 1 comptée comme territoire de l’Alliance" in chapter.territory_sentence(counted)


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_territories_table_shows_no_raw_boolean(region_id):
    markup = chapter.territories(region.profile(region_id)).data
    assert not re.search(r">\s*(True|False|true|false|territoire-autochtone)\s*<", markup)
    assert "Place dans l’Alliance 2010-2015" in markup


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_cycles_come_in_cycle_order_with_the_mandataire_named(region_id):
    rows = region.cycles(region_id)
    order = list(labels.mapping("cycle"))
    assert list(rows["cycle"]) == sorted(rows["cycle"], key=order.index)
    names = data.load("actors").set_index("actor_id")["name"]
    for actor, name in zip(rows["mandataire_actor"], rows["mandataire_name"], strict=True):
        assert (pd.isna(actor) and pd.isna(name)) or names[actor] == name


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_cycles_table_has_a_row_per_step_and_names_each_gap(region_id):
    rows = region.cycles(region_id)
    markup = chapter.cycles_table(region.profile(region_id))
    assert markup.count("<tr id=") == len(rows) == 3  # every step up to 2024-2029, or its gap
    for row in rows.itertuples():
        cells = _row(markup, row.cycle_id)
        assert labels.label("cycle", row.cycle) in cells
        assert (chapter.CYCLE_GAP in cells) == any(pd.isna(v) for v in (
            row.mandataire_actor, row.body_kind, row.envelope, row.first_projects_fr, row.date))
        if not pd.isna(row.envelope):
            assert chapter._envelope(row.envelope, row.envelope_period) in cells
        for sid in data.split_ids(row.source_ids):
            assert f">{sid}</a>" in cells
    assert not re.search(r"\b(transition-2015-2016|alliance-20\d\d-20\d\d|elus|nan|<NA>)\b",
                         re.sub(r'(id|href|title)="[^"]*"', "", markup))


def test_envelope_is_french_with_its_period():
    assert chapter._envelope(5735682, "2018-2023") == "5\u202f735\u202f682\u00a0$ (pour 2018-2023)"
    assert "période non précisée" in chapter._envelope(5200000, pd.NA)
    assert chapter._envelope(pd.NA, pd.NA) is None


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_cycles_table_follows_the_after_2015_paragraphs(region_id):
    p = region.profile(region_id)
    markup = narrative.html_for(p, after={chapter.AFTER_2015: chapter.cycles_table(p)})
    heading = markup.index(f"id='{region_id}-recit-{chapter.AFTER_2015}'")
    table = markup.index("<caption>Après 2015")
    paragraphs = narrative.rows(region_id).query("section == @chapter.AFTER_2015")["paragraph_id"]
    assert all(heading < markup.index(narrative.row_anchor(pid)) < table for pid in paragraphs)
    # the narrative's references to a step link to its line of the table
    cited = {rid for ids in paragraphs.map(narrative.rows(region_id).set_index("paragraph_id")["row_ids"])
             for rid in data.split_ids(ids)} & set(region.cycles(region_id)["cycle_id"])
    for rid in cited:
        assert f'href="#{narrative.row_anchor(rid)}"' in markup


def test_signature_is_known_only_to_the_day_or_the_month():
    def facts(date, precision):
        return pd.DataFrame({"topic": ["signature"], "date": [date], "date_precision": [precision]})

    assert region.signature_known(facts("2011-05-12", "jour"))
    assert region.signature_known(facts("2011-05", "mois"))
    assert not region.signature_known(facts("2012", "annee"))
    assert not region.signature_known(facts("2011", "annee-deduite"))
    assert not region.signature_known(facts(pd.NA, pd.NA))


def test_a_year_from_one_article_no_longer_counts_as_a_known_signature():
    facts = data.load("region_facts")
    signed = facts[(facts["region_id"] == "cote-nord") & (facts["topic"] == "signature")]
    assert signed["date"].notna().any()  # the data gives a year...
    table = region.completeness().set_index("region_id")
    assert not table.loc["cote-nord", "signature_documentee"]  # ...which is not a known date
    assert table["communautes"].sum() == (data.load("territories")["kind"] == statements.FIRST_NATIONS_KIND).sum()


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_rereading_note_gives_the_date_and_what_changed(region_id):
    rereadings = data.load("rereadings").query("region_id == @region_id")
    assert len(rereadings)
    markup = annexes.rereading_note(region_id)
    latest = rereadings.sort_values("date").iloc[-1]
    assert f"Dernière relecture des lignes de la région contre leurs sources\u00a0: " \
           f"{dates.french(latest['date'], 'jour')}" in markup
    for text in rereadings["changes_fr"]:
        assert html.escape(typography.fr(text), quote=False) in markup


def test_a_region_without_rereading_says_so():
    empty = data.load("rereadings").iloc[0:0]
    assert "aucune n’est enregistrée" in annexes.rereading_note("mauricie", empty)


def _row(markup: str, row_id: str, prefix: str = narrative.ANCHOR_PREFIX) -> str:
    match = re.search(rf'<tr id="{re.escape(prefix + row_id)}">(.*?)</tr>', markup, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)
