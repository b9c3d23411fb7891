"""Drawings of the framework: the evidence map, the codebook's structure, one avenue's block.

Presentation only: every number and label comes from `analysis.study.framework` (which returns data) and the
labels table; nothing here measures or loads.
"""

from __future__ import annotations

import altair as alt
import networkx as nx
import pandas as pd

from analysis.contract import labels, typography
from analysis.present.charts import PALETTE
from analysis.study import framework

# Horizontal position of each layout column in the drawing: the codes' column leaves room for their labels.
COLUMN_X = {0.0: 0.0, 1.0: 1.0, 2.0: 2.7}


def _wrap(text: str, width: int = 26) -> str:
    """Break a long label into lines (Vega-Lite splits text on the `lineBreak` character)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def evidence_chart(graph: nx.Graph) -> alt.LayerChart:
    """The evidence map as a layered network diagram (fixed layout, colour-blind palette)."""
    nodes, edges = framework.evidence_frames(graph)
    nodes = nodes.assign(px=nodes["x"].map(COLUMN_X),
                         étiquette=[_wrap(t) if x == 0 else t for t, x in zip(nodes["libellé"], nodes["x"],
                                                                                  strict=True)])
    if len(edges):
        edges = edges.assign(px=edges["x"].map(COLUMN_X), px2=edges["x2"].map(COLUMN_X))
    n_rows = max(int(nodes["y"].max()) + 1 if len(nodes) else 1, 1)
    y_scale = alt.Scale(domain=[-0.8, n_rows - 0.2], reverse=True)
    x_scale = alt.Scale(domain=[-1.55, 3.55])
    names = {k: labels.label(framework.NODE_KIND, k) for k in framework.NODE_KINDS}
    kinds = [names[k] for k in framework.NODE_KINDS if names[k] in set(nodes["type"])]
    colours = [PALETTE[i] for i, k in enumerate(framework.NODE_KINDS) if names[k] in kinds]
    color = alt.Color("type:N", title="Nœud", scale=alt.Scale(domain=kinds, range=colours),
                      legend=alt.Legend(orient="top", labelLimit=320))
    no_axis = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    x = alt.X("px:Q", scale=x_scale, axis=no_axis)
    y = alt.Y("y:Q", scale=y_scale, axis=no_axis)
    lines = alt.Chart(edges).mark_rule(color="#888888").encode(
        x=x, y=y, x2="px2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("poids:Q", title="Segments codés", scale=alt.Scale(range=[0.6, 4]),
                                    legend=None),
        opacity=alt.value(0.4),
        tooltip=[alt.Tooltip("de:N", title="De"), alt.Tooltip("vers:N", title="Vers"),
                 alt.Tooltip("poids:Q", title="Poids")],
    )
    base = alt.Chart(nodes).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("libellé:N", title="Nœud"), alt.Tooltip("type:N", title="Type"),
                 alt.Tooltip("dimension:N", title="Dimension"), alt.Tooltip("liens:Q", title="Liens")],
    )
    points = base.mark_circle(size=110, opacity=1, stroke="white", strokeWidth=1).encode(color=color)
    layers = [lines, points]
    for keep, align, dx in [(alt.datum.x == 0, "right", -9), (alt.datum.x > 0, "left", 9)]:
        text = base.transform_filter(keep).encode(text="étiquette:N")
        options = {"align": align, "dx": dx, "fontSize": 11, "lineBreak": "\n", "limit": 230}
        layers.append(text.mark_text(stroke="white", strokeWidth=3, strokeOpacity=0.9, **options))  # halo
        layers.append(text.mark_text(**options))
    return alt.layer(*layers).properties(
        title="Carte des preuves : des pistes d'action aux codes et aux régions",
        description=(
            "Diagramme de réseau en trois colonnes. À gauche, les pistes d'action de l'étude ; au centre, les "
            "codes de la grille auxquels chaque piste répond, groupés par dimension ; à droite, les régions dont "
            "des documents publics ont été codés avec ces codes, l'épaisseur du lien indiquant le nombre de "
            "segments codés. Le tableau qui suit le graphique donne les mêmes liens."
        ),
        width="container",
        height=max(18 * n_rows, 200),
    )


def structure_chart(codebook: pd.DataFrame) -> alt.Chart:
    """One square per code, stacked by dimension in reading order, coloured by level."""
    frame = framework.structure_frame(codebook)
    level_order = list(labels.mapping(framework.LEVEL).values())
    origin_order = list(labels.mapping(framework.ORIGIN).values())
    return alt.Chart(frame).mark_point(filled=True, size=150, opacity=1).encode(
        x=alt.X("dimension:N", title=None, sort=list(framework.dimensions().values()),
                axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("rang:O", title="Rang dans la dimension (ordre de lecture)",
                axis=alt.Axis(labels=False, ticks=False)),
        color=alt.Color("niveau:N", title="Niveau", sort=level_order,
                        scale=alt.Scale(domain=level_order,
                                        range=[PALETTE[7], PALETTE[1], PALETTE[0], PALETTE[4]])),
        shape=alt.Shape("origine:N", title="Origine",
                        scale=alt.Scale(domain=origin_order, range=["square", "triangle-up"])),
        tooltip=[alt.Tooltip("libellé:N", title="Code"), alt.Tooltip("code_id:N", title="Identifiant"),
                 alt.Tooltip("niveau:N", title="Niveau"), alt.Tooltip("origine:N", title="Origine")],
    ).properties(
        title="Structure de la grille de codage",
        description=(
            "Chaque carré est une ligne de la grille de codage. Les colonnes sont les dimensions du cadre "
            "d'analyse ; dans chaque colonne, la racine est en haut, suivie de ses codes dans l'ordre de lecture. "
            "La couleur distingue racines, regroupements, codes de l'étude et sous-dimensions ; les triangles "
            "marquent les codes ajoutés par l'édition."
        ),
        width="container",
        height=alt.Step(14),
    )


def dimension_table(codebook: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """A readable MacQueen table for one dimension (roots left out; sub-codes marked with an arrow)."""
    frame = codebook.assign(level=framework.levels(codebook)).set_index("code_id")
    ids = [i for i in framework.depth_first(codebook) if frame.loc[i, "dimension"] == dimension
           and frame.loc[i, "level"] != "racine"]
    part = frame.loc[ids].reset_index()
    prefix = part["level"].map({"sous-code": "↳ ", "groupe": "▸ "}).fillna("")
    origin = part["origin"].map(labels.mapping(framework.ORIGIN))
    text = {c: part[c].map(typography.fr, na_action="ignore")
            for c in ("label_fr", "definition_fr", "include_fr", "exclude_fr", "example_fr")}
    return pd.DataFrame({
        "Code": part["code_id"],
        "Libellé": prefix + text["label_fr"],
        "Définition": text["definition_fr"],
        "Inclure": text["include_fr"],
        "Exclure": text["exclude_fr"],
        "Exemple (générique)": text["example_fr"],
        "Origine": origin,
    })
