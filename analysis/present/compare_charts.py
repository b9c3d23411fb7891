"""Altair figures of the comparative chapters (Part III). Each takes a frame from `analysis.study.compare`
and returns a chart with a title and an accessible description; chapters show it with
`charts.show(chart, fallback_table)`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.contract import labels
from analysis.present import book
from analysis.present.charts import PALETTE
from analysis.present.comparison import counts_text
from analysis.study.compare import reading_marker, verdict_order

# One colour per verdict (Okabe-Ito); an isolated clue is a paler blue than a corroboration; silence is a
# pale neutral with its own word in the cell, so that it reads as « nothing in the record », not as a
# missing cell.
VERDICT_COLOURS = {"corrobore": PALETTE[0], "nuance": PALETTE[1], "indice-isole": PALETTE[4],
                   "contredit": PALETTE[5], "silence": "#E8E8E8"}
DARK_VERDICTS = ("corrobore", "contredit")  # white text on these
SEQUENTIAL = "blues"


def verdict_scale() -> alt.Scale:
    names = labels.mapping("finding_assessment")
    order = verdict_order()
    return alt.Scale(domain=[names[v] for v in order], range=[VERDICT_COLOURS[v] for v in order])


def matrix_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Finding × region: one cell per verdict, the count of passages in the cell, a link to its row."""
    data = frame[["constat", "region", "verdict", "assessment", "n_passages", "n_sources", "note",
                  "cell_id"]].copy()
    data["href"] = "#" + data["cell_id"]
    # In the cell: passages · documents behind a verdict, or the word « silence » (never an empty cell).
    data["etiquette"] = [f"{n} · {m}" if a != "silence" else "silence" for a, n, m
                         in zip(data["assessment"], data["n_passages"], data["n_sources"], strict=True)]
    data["preuve"] = [counts_text(n, m) for n, m in zip(data["n_passages"], data["n_sources"], strict=True)]
    findings = list(dict.fromkeys(data["constat"]))
    regions = list(dict.fromkeys(data["region"]))
    base = alt.Chart(data).encode(
        x=alt.X("region:N", title=None, sort=regions, axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=140)),
        y=alt.Y("constat:N", title=None, sort=findings, axis=alt.Axis(labelLimit=330)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("verdict:N", title=f"Verdict ({reading_marker()})", scale=verdict_scale(),
                        legend=alt.Legend(orient="bottom", columns=3, titleLimit=300, labelLimit=200)),
        href="href:N",
        tooltip=[alt.Tooltip("constat:N", title="Constat"), alt.Tooltip("region:N", title="Région"),
                 alt.Tooltip("verdict:N", title="Verdict (lecture de l’édition)"),
                 alt.Tooltip("preuve:N", title="Passages codés et documents"),
                 alt.Tooltip("note:N", title="Lecture")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="etiquette:N",
        color=alt.condition(alt.FieldOneOfPredicate(field="assessment", oneOf=list(DARK_VERDICTS)),
                            alt.value("white"), alt.value("black")),
        href="href:N",
    )
    return (cells + text).properties(
        title="Les constats de l'étude confrontés à la trace publique de chaque région",
        description=(
            "Matrice : une ligne par constat de l’étude, une colonne par région. La couleur de chaque case donne "
            "le verdict de l’édition sur les documents publics codés de la région : ils corroborent le constat, "
            "le nuancent, n’en offrent qu’un indice isolé, le contredisent, ou n’en disent rien (silence, case "
            "gris pâle marquée du mot « silence »). La case indique, séparés d’un point, le nombre de passages "
            "codés puis le nombre de documents de la période 2010-2015 sur lesquels repose le verdict ; chaque "
            "case mène à sa ligne dans les tableaux qui suivent."
        ),
        width="container",
        height=alt.Step(30),
        padding={"left": 5, "top": 5, "right": 60, "bottom": 5},  # room for the last slanted region name
    )


def _region_grid(frame: pd.DataFrame, total: str, x_title: str, row: str) -> alt.Chart:
    """The grid of a region heatmap: one column per region, labelled with its `total`, one row per `row` value,
    both in the frame's order."""
    data = frame.assign(colonne=[f"{r} ({book.french_number(n)})"
                                 for r, n in zip(frame["region"], frame[total], strict=True)])
    return alt.Chart(data).encode(
        x=alt.X("colonne:N", title=x_title, sort=list(dict.fromkeys(data["colonne"])),
                axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y(f"{row}:N", title=None, sort=list(dict.fromkeys(data[row])), axis=alt.Axis(labelLimit=260)),
    )


def theme_heatmap(frame: pd.DataFrame) -> alt.LayerChart:
    """Named projects per theme (rows) and region (columns); the region label carries its project count."""
    base = _region_grid(frame, "projets_region", "Région (projets nommés dans la trace publique)", "theme_label")
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("projets:Q", title="Projets nommés", scale=alt.Scale(scheme=SEQUENTIAL, domainMin=0)),
        tooltip=[alt.Tooltip("region:N", title="Région"), alt.Tooltip("theme_label:N", title="Thème"),
                 alt.Tooltip("projets:Q", title="Projets nommés"),
                 alt.Tooltip("projets_region:Q", title="Projets nommés dans la région")],
    )
    text = base.mark_text(fontSize=12).encode(
        text="projets:Q",
        color=alt.condition("datum.projets >= 3", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(
        title="Projets nommés par thème et par région",
        description=(
            "Carte de chaleur : une ligne par thème de la grille, une colonne par région ; chaque case donne le "
            "nombre de projets financés que les documents publics nomment pour ce thème dans cette région. Entre "
            "parenthèses sous chaque région, le nombre total de projets nommés : une case vide signifie que la "
            "trace publique ne nomme aucun projet de ce thème, non qu'il n'y en a pas eu."
        ),
        width="container",
        height=alt.Step(28),
    )


def code_share_chart(frame: pd.DataFrame, title: str, dimension_label: str) -> alt.LayerChart:
    """Coded passages per code and region, coloured by their share of the region's coded passages."""
    base = _region_grid(frame.assign(part_pct=(100 * frame["part"]).round(1)), "total_region",
                        "Région (passages codés, toutes dimensions)", "code_label")
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("part_pct:Q", title="Part des passages de la région (%)",
                        scale=alt.Scale(scheme=SEQUENTIAL, domainMin=0)),
        tooltip=[alt.Tooltip("region:N", title="Région"), alt.Tooltip("code_label:N", title=dimension_label),
                 alt.Tooltip("passages:Q", title="Passages codés"),
                 alt.Tooltip("total_region:Q", title="Passages codés de la région"),
                 alt.Tooltip("part_pct:Q", title="Part (%)")],
    )
    text = base.mark_text(fontSize=12).encode(text="passages:Q")
    return (cells + text).properties(
        title=title,
        description=(
            f"Carte de chaleur : une ligne par code de la dimension « {dimension_label} », "
            "une colonne par région. "
            "Le chiffre est le nombre de passages codés ; la couleur, la part qu'ils représentent parmi tous les "
            "passages codés de la région, dont le total figure entre parenthèses sous chaque région."
        ),
        width="container",
        height=alt.Step(28),
    )


SMALL_MULTIPLES = {  # column of compare.side_by_side -> French panel title
    "enveloppe_m": "Enveloppe régionale retenue (M$)",
    "projets_nommes": "Projets nommés",
    "projets_enonces": "Plus grand nombre de projets énoncé",
    "sources": "Documents publics de la région",
    "segments": "Passages codés",
    "lacunes": "Lacunes relevées",
}


def small_multiples_frame(side: pd.DataFrame) -> pd.DataFrame:
    """Long format for the small multiples: one row per region × measure; a missing value stays missing."""
    wide = side.assign(enveloppe_m=pd.to_numeric(side["enveloppe"], errors="coerce") / 1e6)
    long = wide.melt(id_vars=["region"], value_vars=list(SMALL_MULTIPLES), var_name="mesure", value_name="valeur")
    long["valeur"] = pd.to_numeric(long["valeur"], errors="coerce")
    long["panneau"] = long["mesure"].map(SMALL_MULTIPLES)
    long["position"] = long["valeur"].fillna(0)  # where the label sits; a missing value is labelled at 0
    long["etiquette"] = [("non documenté" if pd.isna(v) else
                          book.french_number(v, 2 if m == "enveloppe_m" else 0))
                         for m, v in zip(long["mesure"], long["valeur"], strict=True)]
    return long


def small_multiples(long: pd.DataFrame) -> alt.FacetChart:
    regions = list(dict.fromkeys(long["region"]))
    base = alt.Chart(long).encode(y=alt.Y("region:N", title=None, sort=regions))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X("valeur:Q", title=None),
        tooltip=[alt.Tooltip("region:N", title="Région"), alt.Tooltip("panneau:N", title="Mesure"),
                 alt.Tooltip("etiquette:N", title="Valeur")],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(x=alt.X("position:Q", title=None),
                                                                  text="etiquette:N")
    return (bars + text).properties(width=220, height=alt.Step(18)).facet(
        facet=alt.Facet("panneau:N", title=None, sort=list(SMALL_MULTIPLES.values())), columns=2,
    ).resolve_scale(x="independent").properties(
        title="Les Alliances côte à côte : la trace publique en chiffres",
        description=(
            "Petits multiples : un panneau par mesure (enveloppe régionale retenue en millions de dollars, "
            "projets nommés, plus grand nombre de projets énoncé par une source, documents publics, "
            "passages codés, lacunes relevées), une barre par région. Chaque panneau a sa propre échelle."
            " « non documenté » marque une valeur qu'aucune source publique ne donne."
        ),
    )


def end_of_cycle_chart(ends: pd.DataFrame) -> alt.Chart:
    """Dated end-of-cycle facts by region on a time axis (undated facts are left to the table)."""
    data = ends.dropna(subset=["date"]).copy()
    data["jour"] = pd.to_datetime(data["date"].map(lambda d: "-".join((str(d).split("-") + ["01", "01"])[:3])))
    regions = list(dict.fromkeys(ends["region"]))
    return alt.Chart(data).mark_point(filled=True, size=110, color=PALETTE[5]).encode(
        x=alt.X("jour:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("region:N", title=None, sort=regions),
        tooltip=[alt.Tooltip("region:N", title="Région"), alt.Tooltip("quand:N", title="Date"),
                 alt.Tooltip("texte:N", title="Fait")],
    ).properties(
        title="La fin du cycle région par région, 2014-2016",
        description=(
            "Frise : une ligne par région, un point par fait daté sur la fin du cycle (abolition des CRÉ, "
            "transition, fermeture, organisme successeur). Un point placé au début d'un mois ou d'une année "
            "marque une date connue seulement au mois ou à l'année ; le tableau qui suit donne chaque date à la "
            "précision de sa source."
        ),
        width="container",
        height=alt.Step(30),
    )
