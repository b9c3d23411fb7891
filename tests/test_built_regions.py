"""The built regional pages and sources annex show the re-read record: corrected facts, First Nations
communities, the steps after 2015 and each region's re-reading (rows read from the data, never typed)."""

from __future__ import annotations

import html
import re
from functools import cache

import pandas as pd
import pytest

from analysis.contract import data, dates, labels, typography
from analysis.present import chapter
from analysis.study import region, statements
from tests.conftest import HTML

REGION_IDS = list(data.load("regions")["region_id"])
REOPENING_SOURCE = "cn-src-24"  # the press report of the Haute-Côte-Nord service point's reopening (issue 23)


@cache
def _text(page: str) -> str:
    """The page as plain text: tags dropped, entities decoded, apostrophes and spaces made plain."""
    raw = (HTML / page).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return _plain(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def _plain(text: str) -> str:
    """Text as the reader sees it (French typography applied), compared with plain spaces and apostrophes."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", typography.fr(str(text)).replace("’", "'")).strip()


@cache
def _markup(page: str) -> str:
    return (HTML / page).read_text(encoding="utf-8")


def _row(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', _markup(page), re.S)
    assert match, f"{page}: no table row {row_id}"
    return _plain(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))))


def _page(region_id: str) -> str:
    return f"book/regions/{region_id}.html"


def test_cote_nord_shows_the_reopening_of_the_haute_cote_nord_service_point(built_html):
    facts = data.load("region_facts")
    reopening = facts[(facts["region_id"] == "cote-nord")
                      & facts["source_ids"].map(lambda ids: REOPENING_SOURCE in data.split_ids(ids))]
    assert len(reopening), f"no Côte-Nord fact rests on {REOPENING_SOURCE}"
    for row in reopening.itertuples():
        assert _plain(row.statement_fr) in _row(_page("cote-nord"), f"row-{row.fact_id}")


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_every_first_nations_community_is_listed_and_marked(built_html, region_id):
    counts = statements.territory_counts(region_id)
    names = data.load("territories").set_index("territory_id")["name"]
    for territory_id in counts.first_nations:
        row = _row(_page(region_id), f"row-{territory_id}")
        assert _plain(names[territory_id]) in row and "communauté des Premières Nations" in row
    assert _plain(chapter.territory_sentence(counts)) in _text(_page(region_id))


def test_mauricie_page_lists_its_three_communities(built_html):
    counts = statements.territory_counts("mauricie")
    assert len(counts.first_nations) == 3
    for territory_id in counts.first_nations:
        assert f'id="row-{territory_id}"' in _markup(_page("mauricie"))


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_the_after_2015_section_shows_every_step(built_html, region_id):
    text = _text(_page(region_id))
    name = region.profile(region_id).name
    assert _plain(f"Après 2015 : relève de la CRÉ et Alliances suivantes, {name}") in text
    for row in region.cycles(region_id).itertuples():
        cells = _row(_page(region_id), f"row-{row.cycle_id}")
        assert labels.label("cycle", row.cycle) in cells
        if pd.isna(row.mandataire_actor):
            assert _plain(chapter.CYCLE_GAP) in cells
        else:
            assert _plain(row.mandataire_name) in cells


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_sources_annex_shows_each_regions_rereading(built_html, region_id):
    text = _text("book/annexes/sources.html")
    for row in data.load("rereadings").query("region_id == @region_id").itertuples():
        assert _plain(row.changes_fr) in text
    latest = data.load("rereadings").query("region_id == @region_id")["date"].max()
    when = dates.french(latest, "jour")
    assert f"Dernière relecture des lignes de la région contre leurs sources : {when}" in text
