"""Charts: offline rendering, accessibility metadata, determinism."""

from __future__ import annotations

import json

import altair as alt

from analysis.contract import data
from analysis.present import charts


def test_offline_renderer_emits_no_external_url():
    chart = alt.Chart(data.load("timeline")).mark_point().encode(x="date:N")
    bundle = charts.offline_renderer(chart.to_dict())
    markup = bundle["text/html"]
    assert "vegaEmbed(" in markup and "altair-spec" in markup
    assert "<script src" not in markup and "cdn.jsdelivr" not in markup


def test_offline_renderer_gives_unique_div_ids():
    spec = {"mark": "point"}
    first = charts.offline_renderer(spec)["text/html"]
    second = charts.offline_renderer(spec)["text/html"]
    assert first.split('"')[1] != second.split('"')[1]


def test_timeline_has_title_description_and_every_event():
    events = data.load("timeline")
    spec = charts.timeline(events).to_dict()
    assert spec["title"] and spec["description"]
    values = next(iter(spec["datasets"].values()))
    assert {v["event_id"] for v in values} == set(events["event_id"])


def test_timeline_spec_is_deterministic():
    events = data.load("timeline")
    first = json.dumps(charts.timeline(events).to_dict(), sort_keys=True)
    second = json.dumps(charts.timeline(events).to_dict(), sort_keys=True)
    assert first == second


def test_partial_dates_are_placed_in_their_period():
    assert charts._date_floor("2011") == "2011-01-01"
    assert charts._date_floor("2010-06") == "2010-06-01"
    assert charts._period_end("2015") == "2015-12-31"


def test_table_fallback_is_collapsible_html_table():
    markup = charts.table_fallback(data.load("regions"))
    assert markup.startswith("<details") and "<table" in markup
