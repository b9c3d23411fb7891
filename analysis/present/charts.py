"""Charts: one Altair theme, an offline renderer, and the book's figures.

Every figure has a title, an accessible description and a table fallback (`show`).
"""

from __future__ import annotations

import collections
import hashlib
import html
import json
import sys

import altair as alt
import pandas as pd

from analysis.contract import dates, env, labels, typography
from analysis.present import tables
from analysis.present.palette import PALETTE  # the one definition, also read without Altair

SYNTHETIC_LABEL = "données synthétiques"

# Vega-Lite's d3 locale: French decimal comma, no-break thin space between thousands, French months.
LOCALE = {
    "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0$"]},
    "time": {
        "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
    },
}

_rendered: collections.Counter[str] = collections.Counter()  # spec digest -> charts drawn with it so far


def start_page() -> None:
    """Forget the charts drawn so far: a kernel that runs several chapters in turn (analysis.build.kernels)
    numbers each page's charts as a fresh kernel would."""
    _rendered.clear()


def element_id(payload: str) -> str:
    """`altair-<digest of the spec>-<n>`: the same on every build (no path, clock or random part), and
    distinct when a kernel draws the same spec twice (n counts the earlier ones)."""
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
    n = _rendered[digest]
    _rendered[digest] += 1
    return f"altair-{digest}-{n}"


def offline_renderer(spec: dict, **metadata) -> dict:
    """Emit the spec as JSON plus a call to the vegaEmbed global the book ships in _static/."""
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    div = element_id(payload)
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


NOTEBOOK_WIDTH = 640  # pixels; a static image has no container to fill


def notebook_renderer(spec: dict, **metadata) -> dict:
    """Altair's own PNG renderer (vl-convert, no network): draws in Jupyter offline, even untrusted.

    A `width: "container"` chart has no container in a PNG; it gets a fixed width instead.
    """
    from altair.vegalite.v6.display import png_renderer

    if spec.get("width") == "container":
        spec = {**spec, "width": NOTEBOOK_WIDTH}
    return png_renderer(spec, **metadata)


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 15},
            # labelLimit 0: a category is never cut to « Consortium en développement soci… »
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0},
            "view": {"stroke": None},
            "locale": LOCALE,
        }
    }


def setup() -> None:
    """Book builds use the offline renderer; Jupyter gets PNG images drawn locally by vl-convert."""
    alt.theme.register("alliances", enable=True)(theme)
    alt.renderers.register("offline", offline_renderer)
    alt.renderers.register("notebook", notebook_renderer)
    alt.renderers.enable("offline" if env.value(env.BOOK_BUILD) else "notebook")


if sys.modules.get("analysis.present.book") is not None and sys.modules["analysis.present.book"].setup_requested():
    setup()  # the page called book.setup() before it first needed charts


def table_fallback(data: pd.DataFrame, summary: str = "Données du graphique (tableau)") -> str:
    """A collapsible HTML table with the chart's data, for screen readers and copy-paste."""
    shown = (data.rename_axis(columns=None)  # a pivot's column-axis name is not a header a reader needs
             .astype(object).apply(lambda column: column.map(tables.cell)))  # French cells, as in every table
    body = shown.to_html(index=False, border=0, classes="table chart-data", escape=False)
    return f"<details class='chart-fallback'><summary>{html.escape(summary)}</summary>{body}</details>"


def show(chart: alt.TopLevelMixin, data: pd.DataFrame):
    """Display a chart followed by its table fallback; the title and description get French spacing
    (they live in the chart's specification, where the pages' typography pass does not reach)."""
    from IPython.display import HTML, display


    for key in ("title", "description"):
        value = getattr(chart, key, None)
        if isinstance(value, str):
            setattr(chart, key, typography.fr(value))
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
    periode = funding["period_start"].fillna("?") + "–" + funding["period_end"].fillna("?")
    frame = funding.assign(
        label=_unique(funding["scope"] + ", " + periode.str.replace("?–?", "sans date", regex=False)),
        statut=funding["retained"].map({True: "enveloppe retenue", False: "autre montant"}),
        periode=periode,
    )[["funding_id", "label", "scope", "amount", "statut", "periode", "confidence", "source_ids"]]
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X("amount:Q", title="Montant (M$)",
                axis=alt.Axis(labelExpr="format(datum.value / 1000000, ',.1~f')")),
        color=alt.Color("statut:N", title="Statut", scale=alt.Scale(domain=["enveloppe retenue", "autre montant"],
                                                                      range=[PALETTE[1], PALETTE[0]])),
        tooltip=[alt.Tooltip("scope:N", title="Portée"), alt.Tooltip("amount:Q", title="Montant", format=",.0f"),
                 alt.Tooltip("periode:N", title="Période"), alt.Tooltip("confidence:N", title="Certitude"),
                 alt.Tooltip("source_ids:N", title="Sources")],
    ).properties(title=title, description=description, width="container", height=alt.Step(22))


def _unique(labels: pd.Series) -> pd.Series:
    """Bar labels a reader can tell apart without row ids: a repeated label gets « (2) », « (3) »…"""
    seen: collections.Counter[str] = collections.Counter()
    out = []
    for label in labels:
        seen[label] += 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return pd.Series(out, index=labels.index)


# --- regional timeline ------------------------------------------------------------------------------

PLAN_EVENT = "pagsis-2010"                           # timeline row of the plan whose period is shaded
CRE_END_EVENTS = ("pacte-2014", "loi-28-2015")      # timeline rows marking the end of the CRÉ
# How sure a date is, drawn: exact dates solid, deduced years faint (labels from the date_precision domain).
PRECISION_STYLE = {"jour": ("circle", 1.0), "mois": ("square", 0.85), "annee": ("triangle-up", 0.65),
                   "annee-deduite": ("diamond", 0.4)}


def region_timeline_frame(facts: pd.DataFrame) -> pd.DataFrame:
    """Dated regional facts ready to draw: start of their period, French date, labels, in date order."""
    dated = facts[facts["date"].notna()].sort_values(["date", "fact_id"])
    precision = dated["date_precision"].fillna(dated["date"].map(dates.precision_of))
    topic_labels = labels.mapping("fact_topic")
    precision_labels = labels.mapping("date_precision")
    return pd.DataFrame({
        "fact_id": dated["fact_id"],
        "start": dated["date"].map(_date_floor),
        "date_fr": [dates.french(v, p) for v, p in zip(dated["date"], precision, strict=True)],
        "precision": precision.map(precision_labels),
        "topic": dated["topic"].map(topic_labels),
        "statement": dated["statement_fr"].map(typography.fr),
        "sources": dated["source_ids"].fillna("").str.replace(";", ", "),
    }).reset_index(drop=True)


def region_timeline(frame: pd.DataFrame, events: pd.DataFrame, title: str, description: str) -> alt.LayerChart:
    """Regional facts on a time axis, one row per topic; the plan's period shaded, the CRÉ's end marked."""
    plan = events.set_index("event_id").loc[PLAN_EVENT]
    band = pd.DataFrame({"start": [_date_floor(plan["date"])], "end": [_period_end(plan["end_date"])],
                         "label": [plan["label_fr"]]})
    ends = events[events["event_id"].isin(CRE_END_EVENTS)]
    marks = pd.DataFrame({"start": ends["date"].map(_date_floor), "label": ends["label_fr"],
                          "date_fr": [_french(v, p) for v, p in zip(ends["date"], ends["date_precision"],
                                                                     strict=True)]})
    precision_labels = labels.mapping("date_precision")
    shapes = [PRECISION_STYLE[k][0] for k in precision_labels]
    opacities = [PRECISION_STYLE[k][1] for k in precision_labels]
    domain = list(precision_labels.values())
    x = alt.X("start:T", title="Date", axis=alt.Axis(format="%Y", labelAngle=0))
    shaded = alt.Chart(band).mark_rect(color="#999999", opacity=0.18).encode(
        x=x, x2="end:T", tooltip=[alt.Tooltip("label:N", title="Période")])
    rules = alt.Chart(marks).mark_rule(color=PALETTE[5], strokeDash=[6, 3], strokeWidth=2).encode(
        x="start:T", tooltip=[alt.Tooltip("label:N", title="Événement"), alt.Tooltip("date_fr:N", title="Date")])
    topics = list(dict.fromkeys(frame["topic"]))
    points = alt.Chart(frame).mark_point(filled=True, size=110, color=PALETTE[0]).encode(
        x=x,
        y=alt.Y("topic:N", title=None, sort=topics),
        # same field and title on both channels: Vega-Lite draws one legend showing shape and opacity
        shape=alt.Shape("precision:N", title="Précision de la date", scale=alt.Scale(domain=domain, range=shapes),
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=320)),
        opacity=alt.Opacity("precision:N", title="Précision de la date",
                            scale=alt.Scale(domain=domain, range=opacities)),
        tooltip=[alt.Tooltip("date_fr:N", title="Date"), alt.Tooltip("precision:N", title="Précision"),
                 alt.Tooltip("topic:N", title="Thème"), alt.Tooltip("statement:N", title="Fait"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    return (shaded + rules + points).properties(
        title=title, description=description, width="container", height=max(120, 32 * len(topics)))


def _french(value: object, precision: object) -> str:
    return dates.french(value, precision)
