"""Charts: one Altair theme, an offline renderer, and the book's figures.

Every figure has a title, an accessible description and a table fallback (`show`).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import sys

import altair as alt
import pandas as pd

BOOK_BUILD_ENV = "ALLIANCES_BOOK_BUILD"  # set by _ext/vega_bundle.py during `jb build`
SYNTHETIC_LABEL = "données synthétiques"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

_counter = itertools.count()


def offline_renderer(spec: dict, **metadata) -> dict:
    """Emit the spec as JSON plus a call to the vegaEmbed global the book ships in _static/."""
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    seed = hashlib.sha256((payload + os.getcwd()).encode()).hexdigest()[:12]
    div = f"altair-{seed}-{next(_counter)}"  # unique even when chapters share one page
    options = json.dumps({"mode": "vega-lite", "actions": False, **metadata.get("embed_options", {})})
    script = (
        "(function () {\n"
        f"  var spec = JSON.parse(document.getElementById('{div}-spec').textContent);\n"
        f"  function draw() {{ vegaEmbed('#{div}', spec, {options}).catch(console.error); }}\n"
        "  if (window.vegaEmbed) { draw(); } else { window.addEventListener('DOMContentLoaded', draw); }\n"
        "})();"
    )
    markup = (
        f'<div id="{div}" class="altair-chart" style="width: 100%"></div>\n'
        f'<script type="application/json" id="{div}-spec" class="altair-spec">{payload}</script>\n'
        f'<script type="text/javascript">\n{script}\n</script>'
    )
    return {"text/html": markup, "text/plain": "<graphique Altair>"}


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 15},
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "view": {"stroke": None},
        }
    }


def setup() -> None:
    """Book builds use the offline renderer; Jupyter keeps Altair's own (it bundles Vega)."""
    alt.theme.register("alliances", enable=True)(theme)
    alt.renderers.register("offline", offline_renderer)
    if os.environ.get(BOOK_BUILD_ENV):
        alt.renderers.enable("offline")


if sys.modules.get("analysis.book") is not None and sys.modules["analysis.book"].setup_requested():
    setup()  # the page called book.setup() before it first needed charts


def table_fallback(data: pd.DataFrame, summary: str = "Données du graphique (tableau)") -> str:
    """A collapsible HTML table with the chart's data, for screen readers and copy-paste."""
    body = data.to_html(index=False, border=0, classes="table chart-data", na_rep="—")
    return f"<details class='chart-fallback'><summary>{html.escape(summary)}</summary>{body}</details>"


def show(chart: alt.TopLevelMixin, data: pd.DataFrame):
    """Display a chart followed by its table fallback."""
    from IPython.display import HTML, display

    display(chart)
    display(HTML(table_fallback(data)))


def timeline(events: pd.DataFrame) -> alt.LayerChart:
    """Policy timeline: periods as bars, dated events as points, one row per category."""
    frame = events.copy()
    frame["start"] = pd.to_datetime(frame["date"].map(_date_floor))
    frame["end"] = pd.to_datetime(frame["end_date"].map(_period_end, na_action="ignore"))
    frame["sources"] = frame["source_ids"].str.replace(";", ", ")
    frame = frame[["event_id", "label_fr", "category", "date", "start", "end", "sources"]]
    y = alt.Y("category:N", title=None, sort=sorted(frame["category"].unique()))
    tooltip = [
        alt.Tooltip("label_fr:N", title="Événement"),
        alt.Tooltip("date:N", title="Date"),
        alt.Tooltip("sources:N", title="Sources"),
    ]
    color = alt.Color("category:N", title="Catégorie", legend=None)
    base = alt.Chart(frame).encode(y=y, color=color, tooltip=tooltip)
    periods = base.transform_filter("isValid(datum.end)").mark_bar(height=10, opacity=0.6).encode(
        x=alt.X("start:T", title="Année", axis=alt.Axis(format="%Y")), x2="end:T"
    )
    points = base.mark_point(filled=True, size=90).encode(x="start:T")
    return (periods + points).properties(
        title="Chronologie : de la loi de 2002 aux Alliances et à leurs suites",
        description=(
            "Frise chronologique des lois, plans d'action et changements institutionnels liés "
            "aux Alliances pour la solidarité ; chaque point est un événement daté, chaque barre "
            "une période de plan d'action."
        ),
        width="container",
        height=220,
    )


def _date_floor(value: str) -> str:
    """Partial dates (YYYY, YYYY-MM) are placed at the start of their period."""
    parts = str(value).split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _period_end(value: str) -> str:
    """A period ending in year YYYY is drawn to the end of that year."""
    return f"{value}-12-31" if len(str(value)) == 4 else _date_floor(value)


def counts(frame: pd.DataFrame, category: str, title: str, description: str,
           category_title: str) -> alt.Chart:
    """Horizontal bars: how many rows fall in each category (pre-counted in a `n` column)."""
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=category_title, sort="-x"),
        x=alt.X("n:Q", title="Nombre", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title), alt.Tooltip("n:Q", title="Nombre")],
    ).properties(title=title, description=description, width="container", height=alt.Step(22))


def amounts(funding: pd.DataFrame, title: str, description: str) -> alt.Chart:
    """Every published amount of a region, one bar each; the retained envelope stands out."""
    frame = funding.assign(
        label=funding["scope"] + " (" + funding["funding_id"] + ")",
        statut=funding["retained"].map({True: "enveloppe retenue", False: "autre montant"}),
        periode=funding["period_start"].fillna("?") + "–" + funding["period_end"].fillna("?"),
    )[["funding_id", "label", "scope", "amount", "statut", "periode", "confidence", "source_ids"]]
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=None),
        x=alt.X("amount:Q", title="Montant ($)", axis=alt.Axis(format="~s")),
        color=alt.Color("statut:N", title="Statut", scale=alt.Scale(domain=["enveloppe retenue", "autre montant"],
                                                                      range=[PALETTE[1], PALETTE[0]])),
        tooltip=[alt.Tooltip("scope:N", title="Portée"), alt.Tooltip("amount:Q", title="Montant", format=",.0f"),
                 alt.Tooltip("periode:N", title="Période"), alt.Tooltip("confidence:N", title="Certitude"),
                 alt.Tooltip("source_ids:N", title="Sources")],
    ).properties(title=title, description=description, width="container", height=alt.Step(22))
