"""Regional profiles, completeness and the per-chapter citation."""

from __future__ import annotations

import pytest

from analysis.contract import data
from analysis.present import citation, tables
from analysis.study import region

REGION_IDS = list(data.load("regions")["region_id"])


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_profile_keeps_only_the_region_rows(region_id):
    p = region.profile(region_id)
    for name in region.REGIONAL_TABLES:
        frame = getattr(p, name)
        assert set(frame["region_id"]) <= {region_id}
    actor_ids = set(p.actors["actor_id"])
    ends = zip(p.ties["source_actor"], p.ties["target_actor"], strict=True)
    assert all(s in actor_ids or t in actor_ids for s, t in ends)


def test_unknown_region_is_refused_with_the_known_list():
    with pytest.raises(KeyError, match="known: .*mauricie"):
        region.profile("gaspesie")


def test_completeness_reads_the_envelope_and_the_stated_count_from_the_study_model():
    table = region.completeness().set_index("region_id")
    funding = data.load("funding")
    for region_id in REGION_IDS:
        retained = funding[(funding["region_id"] == region_id) & funding["retained"].fillna(False)]
        assert table.loc[region_id, "enveloppe_retenue"] == (not retained.empty)
    assert table.loc["lanaudiere", "projets_annonces"] == 48  # 50 organisations are not 50 projects


def test_completeness_counts_match_the_tables():
    table = region.completeness().set_index("region_id")
    projects = data.load("projects")
    assert list(table.index) == REGION_IDS
    for region_id in REGION_IDS:
        assert table.loc[region_id, "projets_nommes"] == (projects["region_id"] == region_id).sum()
    assert table["lacunes"].gt(0).all()  # every region's record has documented gaps


def test_citation_formats_share_title_version_and_url():
    ref = citation.reference("Mauricie", "book/regions/mauricie")
    assert ref.url.endswith("/book/regions/mauricie.html")
    for text in (citation.apa(ref), citation.bibtex(ref), citation.ris(ref)):
        assert "Mauricie" in text and ref.url in text
    assert citation.bibtex(ref).startswith("@incollection{alliances")
    assert citation.ris(ref).splitlines()[0] == "TY  - CHAP"


def test_rendered_table_links_sources_and_marks_gaps():
    frame = data.load("funding").head(3)
    markup = tables.render(frame, {"amount": "Montant", "territory_id": "Territoire", "source_ids": "Sources"})
    assert "<a href=" in markup and tables.MISSING in markup
    assert "4\u202f400\u202f000" in markup or "\u202f" in markup
