"""Readable tables and the regional timeline: French cells, labels, dates; the chart's marks come from the data."""

from __future__ import annotations

import pandas as pd

from analysis.contract import data, labels
from analysis.present import charts, tables
from analysis.study import region


def test_cells_are_french():
    assert tables.cell(2012) == "2012" and tables.cell(2012.0) == "2012"          # a year is never « 2 012 »
    assert tables.cell(4200000.0) == "4\u202f200\u202f000"
    assert tables.cell(0.35) == "0,35"
    assert tables.cell(True) == "oui" and tables.cell(False) == "non"
    assert tables.cell(pd.NA) == tables.MISSING and tables.cell(float("nan")) == tables.MISSING
    assert tables.cell("Enveloppe : 4 M$ ; « x »") == "Enveloppe\u00a0: 4 M$\u202f; «\u00a0x\u00a0»"


def test_render_relabels_coded_fields_and_formats_dates():
    facts = data.load("region_facts")
    row = facts[facts["fact_id"] == "mau-rf-09"]
    markup = tables.render(row, {"date": "Date", "topic": "Thème", "confidence": "Certitude"},
                           table="region_facts", dated={"date": "date_precision"}, row_ids=["row-mau-rf-09"])
    assert "11 décembre 2012" in markup and "nombre de projets" in markup and "élevée" in markup
    assert '<tr id="row-mau-rf-09">' in markup
    assert "nombre-de-projets" not in markup and "elevee" not in markup


def test_chart_fallback_tables_use_the_same_cells():
    frame = pd.DataFrame({"Année": [2012], "Montant ($)": [4200000.0], "Retenu": [True], "Note": [None]})
    markup = charts.table_fallback(frame)
    assert "<td>2012</td>" in markup and "4\u202f200\u202f000" in markup and "<td>oui</td>" in markup
    assert "nan" not in markup and "None" not in markup and "True" not in markup


def test_regional_timeline_draws_dated_facts_period_and_end_of_the_cre_from_the_data():
    p = region.profile("mauricie")
    frame = charts.region_timeline_frame(p.region_facts)
    assert len(frame) == p.region_facts["date"].notna().sum()
    assert "11 décembre 2012" in set(frame["date_fr"])
    events = data.load("timeline")
    spec = charts.region_timeline(frame, events, title="t", description="d").to_dict()
    values = [row for rows in spec["datasets"].values() for row in rows]
    plan = events.set_index("event_id").loc[charts.PLAN_EVENT]
    assert any(row.get("label") == plan["label_fr"] and "end" in row for row in values)     # the shaded period
    for event_id in charts.CRE_END_EVENTS:                                                  # the marked end
        assert any(row.get("label") == events.set_index("event_id").loc[event_id, "label_fr"] for row in values)
    shape = spec["layer"][2]["encoding"]["shape"]
    assert shape["scale"]["domain"] == list(labels.mapping("date_precision").values())
    tooltips = {t["title"] for t in spec["layer"][2]["encoding"]["tooltip"]}
    assert {"Date", "Précision", "Fait", "Sources"} <= tooltips


def test_interview_annex_table_has_only_french_headers_and_hides_small_counts():
    from analysis.present import interview_annex

    table = interview_annex.published_table()
    markup = interview_annex.published_html()
    assert table.columns.name is None and "<th>dimension</th>" not in markup and "region_id" not in markup
    assert list(table["Région"]) == list(data.load("regions")["name"])
    values = [v for column in table.columns[1:] for v in table[column]]
    assert all(v == "x" or int(v) >= 5 for v in values)


def test_count_agrees_in_number_with_its_noun():
    assert tables.count(0, "projet") == "0\u00a0projet"
    assert tables.count(1, "projet financé") == "1\u00a0projet financé"
    assert tables.count(2, "projet financé") == "2\u00a0projets financés"
    assert tables.count(3, "fait de l’étude") == "3\u00a0faits de l’étude"
    assert tables.count(12_000, "lien") == "12\u202f000\u00a0liens"
    assert tables.count(2, "document public", "documents publics") == "2\u00a0documents publics"


def test_a_table_longer_than_twenty_rows_is_folded_under_its_caption():
    short = pd.DataFrame({"a": range(tables.FOLD_AFTER)})
    long = pd.DataFrame({"a": range(tables.FOLD_AFTER + 1)})
    assert not tables.render(short, {"a": "A"}, caption="Court").startswith("<details")
    folded = tables.render(long, {"a": "A"}, caption="Long")
    assert folded.startswith("<details class='folded-table'><summary>Long (21\u00a0lignes, tableau)</summary>")
    assert not tables.render(long, {"a": "A"}, caption="Long", fold=False).startswith("<details")
