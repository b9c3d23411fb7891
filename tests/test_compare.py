"""The comparative study as data (analysis.study.compare) and its pages in the built book."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from analysis.contract import data, evidence
from analysis.present import compare_charts, comparison, statement
from analysis.study import compare, statements
from tests.conftest import HTML, ROOT, book_pages

SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)


# ------------------------------------------------------------------------------------------ data

def test_findings_are_located_study_facts_with_known_codes():
    found = compare.findings()
    codebook = data.load("codebook").set_index("code_id")
    assert len(found) >= 10
    assert found["seed_locator"].notna().all() and (found["source_ids"] == "etude-frq").all()
    assert found["value_text"].notna().all()  # the short title the matrix shows
    for codes in found["codes"]:
        assert codes and set(codes) <= set(codebook.index)


def test_every_finding_is_assessed_once_in_every_region():
    table = data.load("finding_assessments")
    assert len(table) == len(compare.findings()) * len(compare.region_names())
    assert not table.duplicated(["finding_id", "region_id"]).any()


def test_cell_evidence_counts_only_period_passages_not_about_the_abolition():
    table = data.load("finding_assessments")
    cells = compare.cell_evidence(table).set_index(["finding_id", "region_id"])
    # Centre-du-Québec × « logiques »: the abolition passage cdq-seg-07 is left out of the count.
    row = table[(table["finding_id"] == "constat-logiques") & (table["region_id"] == "centre-du-quebec")].copy()
    row["segment_ids"] = "cdq-seg-01;cdq-seg-07"
    counted = compare.cell_evidence(row).iloc[0]
    assert (counted["n_passages"], counted["n_sources"], counted["meets_standard"]) == (1, 1, False)
    # Two passages of one article are one source.
    assert tuple(cells.loc[("constat-mrc", "centre-du-quebec"), ["n_passages", "n_sources"]]) == (3, 1)


def test_every_stored_verdict_meets_the_standard_the_pages_show():
    frame = compare.matrix()
    graded = frame[~frame["assessment"].isin([evidence.SILENCE, evidence.ISOLATED])]
    assert graded["meets_standard"].all()
    clues = frame[frame["assessment"] == evidence.ISOLATED]
    assert len(clues) and not clues["meets_standard"].any() and (clues["n_passages"] >= 1).all()
    silent = frame[frame["assessment"] == evidence.SILENCE]
    assert (silent["n_passages"] == 0).all()


def test_every_dimension_is_covered_in_the_order_of_the_codebook():
    cov = compare.coverage()
    assert list(cov.index) == compare.dimension_order(data.load("codebook"))
    assert list(cov.columns) == list(compare.region_names())


def test_no_segment_rests_on_a_table_of_contents_or_a_cover_page():
    segments = data.load("coded_segments")
    bad = segments["locator"].str.contains("table des matières|page couverture", case=False)
    assert segments.loc[bad, "segment_id"].tolist() == []


def test_matrix_is_ordered_and_labelled():
    frame = compare.matrix()
    assert list(dict.fromkeys(frame["finding_id"])) == list(compare.findings()["fact_id"])
    assert list(dict.fromkeys(frame["region_id"])) == list(compare.region_names())
    assert set(frame["verdict"]) <= {"corrobore", "nuance", "indice isolé", "contredit", "silence de la trace"}
    assert frame["cell_id"].is_unique
    counts = compare.verdict_counts(frame)
    assert list(counts.columns) == list(data.load("labels").query("domain == 'finding_assessment'")["value"])
    assert (counts.sum(axis=1) == len(compare.region_names())).all()


def test_code_counts_share_is_over_the_regions_record():
    axes = compare.code_counts("axe")
    segments = data.load("coded_segments")
    totals = segments.groupby("region_id").size()
    assert (axes["total_region"] == axes["region_id"].map(totals)).all()
    assert axes["passages"].sum() == segments["code_id"].str.startswith("axe-").sum()
    assert axes["part"].between(0, 1).all()


def test_theme_counts_cover_every_theme_and_region():
    themes = compare.theme_counts()
    codebook = data.load("codebook")
    n_themes = ((codebook["dimension"] == "theme") & codebook["parent_id"].notna()).sum()
    assert len(themes) == n_themes * len(compare.region_names())
    assert themes["projets"].sum() == data.load("projects")["theme"].notna().sum()


def test_side_by_side_covers_every_region_and_holds_the_model_statements():
    side = compare.side_by_side()
    assert list(side["region_id"]) == list(data.load("regions")["region_id"])
    for key in statements.keys():
        for region_id, st in zip(side["region_id"], side[f"st_{key}"], strict=True):
            assert st == statements.FUNCTIONS[key](region_id), (region_id, key)
    assert (side["enveloppe"].isna() == ~compare.documented(side, "envelope")).all()
    grid = statement.grid(side, ["lead-body", "envelope"], caption="Essai", row_prefix="essai")
    assert "non documenté dans les sources publiques" in grid and ".0" not in grid.split("<tbody>")[1]


def test_period_overlap():
    assert compare._period_overlaps("2012-2015", 2014, 2016)
    assert compare._period_overlaps("2018", 2018, 2023)
    assert not compare._period_overlaps("2010-2013", 2014, 2016)
    assert not compare._period_overlaps(pd.NA, 2014, 2016)


def test_finding_block_and_avenue_html_refuse_unknown_ids():
    with pytest.raises(KeyError, match="no finding"):
        comparison.finding_block("constat-inexistant")
    html = comparison.avenue_html("piste-participation-transparence")
    assert "Appui dans l'étude" in html and "regions/mauricie.html" in html


def test_charts_have_title_and_description():
    frame = compare.matrix()
    side = compare.side_by_side()
    for chart in (compare_charts.matrix_chart(frame), compare_charts.theme_heatmap(compare.theme_counts()),
                  compare_charts.code_share_chart(compare.code_counts("axe"), "Titre", "Axes"),
                  compare_charts.small_multiples(compare_charts.small_multiples_frame(side)),
                  compare_charts.end_of_cycle_chart(compare.end_facts())):
        spec = chart.to_dict()
        assert spec["title"] and spec["description"]


# ----------------------------------------------------------------------------------- built book

def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f + ".html" for f in files]


def test_every_page_of_the_toc_is_built_and_so_visited_by_the_browser_tests(built_html):
    assert set(_toc_pages()) <= set(book_pages())


def _specs(page: str) -> list[dict]:
    text = (HTML / page).read_text(encoding="utf-8")
    return [json.loads(s.replace("<\\/", "</")) for s in SPEC.findall(text)]


@pytest.mark.parametrize(("page", "title"), [
    ("book/comparaison/approches-axes-themes.html", "Projets nommés par thème et par région"),
    ("book/comparaison/dynamiques-enjeux.html",
     "Les constats de l’étude confrontés à la trace publique de chaque région"),
])
def test_comparative_charts_are_on_their_pages(built_html, page, title):
    assert title in [s.get("title") for s in _specs(page)]


def test_matrix_cells_link_to_rows_on_the_page(built_html):
    text = (HTML / "book/comparaison/dynamiques-enjeux.html").read_text(encoding="utf-8")
    for cell_id in compare.matrix()["cell_id"]:
        assert f'id="{cell_id}"' in text
