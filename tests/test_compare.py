"""The comparative study as data (analysis.study.compare) and its pages in the built book."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from analysis.contract import data
from analysis.present import compare_charts, statement
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
    problems = compare.assessment_problems(table, data.load("study_facts"), data.load("coded_segments"),
                                           list(compare.region_names()))
    assert problems == []
    assert len(table) == len(compare.findings()) * len(compare.region_names())


def test_assessment_rules_catch_bad_rows():
    table = data.load("finding_assessments").copy()
    segments = data.load("coded_segments")
    facts = data.load("study_facts")
    regions = list(compare.region_names())
    silence = table.index[table["assessment"] == "silence"][0]
    verdict = table.index[table["assessment"] == "corrobore"][0]
    table.loc[silence, "segment_ids"] = "bsl-seg-02"
    table.loc[verdict, "segment_ids"] = pd.NA
    foreign = table.index[(table["assessment"] != "silence") & (table["region_id"] != "bas-saint-laurent")][1]
    table.loc[foreign, "segment_ids"] = "bsl-seg-02"
    problems = compare.assessment_problems(table.drop(index=table.index[-1]), facts, segments, regions)
    text = "\n".join(problems)
    assert "a silence names passages" in text
    assert "names no passage" in text
    assert "belongs to bas-saint-laurent" in text
    assert "no row for" in text
    assert all(p.startswith("finding_assessments.csv") for p in problems)


def test_every_dimension_has_passages_in_three_regions_or_a_stated_silence():
    assert compare.coverage_problems() == []
    cov = compare.coverage()
    assert list(cov.index) == compare.dimension_order(data.load("codebook"))
    assert list(cov.columns) == list(compare.region_names())


def test_coverage_problems_report_an_unstated_silence():
    segments = data.load("coded_segments")
    codebook = data.load("codebook")
    axes = set(codebook.loc[codebook["dimension"] == "axe", "code_id"])
    thin = segments[~segments["code_id"].isin(axes) | (segments["region_id"] == "lanaudiere")]
    problems = compare.coverage_problems(segments=thin)
    assert len(problems) == 1 and problems[0].startswith("dimension axe: coded in 1 regions")


def test_no_segment_rests_on_a_table_of_contents_or_a_cover_page():
    segments = data.load("coded_segments")
    bad = segments["locator"].str.contains("table des matières|page couverture", case=False)
    assert segments.loc[bad, "segment_id"].tolist() == []


def test_matrix_is_ordered_and_labelled():
    frame = compare.matrix()
    assert list(dict.fromkeys(frame["finding_id"])) == list(compare.findings()["fact_id"])
    assert list(dict.fromkeys(frame["region_id"])) == list(compare.region_names())
    assert set(frame["verdict"]) <= {"corrobore", "nuance", "contredit", "silence de la trace"}
    assert frame["cell_id"].is_unique
    counts = compare.verdict_counts(frame)
    assert list(counts.columns) == compare.ASSESSMENTS
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
        compare.finding_block("constat-inexistant")
    html = compare.avenue_html("piste-participation-transparence")
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
