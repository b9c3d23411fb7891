"""The study's analytical framework as data: codebook tree, action avenues and the evidence map.

The codebook (`data/codebook.csv`) is a tree: one root per dimension, codes under it, and optional
sub-codes (the axes' sub-dimensions) or non-codable groups (the process families, the elected
officials' advances). Avenues (`data/recommendations.csv`) point to codes and study facts; the
evidence map joins avenues -> codes -> regions through `coded_segments` when that table exists.
"""

from __future__ import annotations

import altair as alt
import networkx as nx
import pandas as pd

from analysis.charts import PALETTE
from analysis.data import split_ids

# Dimension order and French names, as the book presents them.
DIMENSIONS = {
    "axe": "Axes d'intervention",
    "approche": "Approches",
    "dynamique": "Dynamiques",
    "processus": "Processus",
    "enjeu": "Enjeux",
    "condition": "Conditions pour agir",
    "avancee": "Avancées perçues",
    "obstacle": "Obstacles",
    "theme": "Thèmes des projets",
}
LEVELS = {"racine": "racine de dimension", "groupe": "regroupement", "code": "code de l'étude",
          "sous-code": "sous-dimension"}
KIND_LABELS = {"piste": "Piste d'action", "code": "Code de la grille", "region": "Région (codage documentaire)",
               "source": "Source codée"}


# --------------------------------------------------------------------------------------------- tree

def tree(codebook: pd.DataFrame) -> nx.DiGraph:
    """The code tree: an edge parent -> child for every row with a parent; rows keep their file order."""
    graph = nx.DiGraph()
    for order, row in enumerate(codebook.itertuples(index=False)):
        graph.add_node(row.code_id, order=order, dimension=row.dimension, label=row.label_fr,
                       codable=bool(row.is_codable))
    for row in codebook.itertuples(index=False):
        if not pd.isna(row.parent_id) and row.parent_id:
            graph.add_edge(row.parent_id, row.code_id)
    return graph


def tree_problems(codebook: pd.DataFrame) -> list[str]:
    """What makes the codebook not a clean forest of one tree per dimension."""
    problems = []
    ids = list(codebook["code_id"])
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    problems += [f"{i}: code id used more than once" for i in duplicated]
    known = set(ids)
    by_id = codebook.drop_duplicates("code_id").set_index("code_id")
    roots = by_id[by_id["parent_id"].isna()]
    for dim, n in roots["dimension"].value_counts().items():
        if n != 1:
            problems.append(f"dimension {dim}: {n} roots (expected exactly 1)")
    for dim in DIMENSIONS:
        if dim not in set(roots["dimension"]):
            problems.append(f"dimension {dim}: no root row")
    for code_id, row in by_id.iterrows():
        parent = row["parent_id"]
        if pd.isna(parent):
            if bool(row["is_codable"]):
                problems.append(f"{code_id}: a dimension root must not be codable")
            continue
        if parent not in known:
            problems.append(f"{code_id}: parent {parent!r} is not a code")
        elif by_id.loc[parent, "dimension"] != row["dimension"]:
            problems.append(f"{code_id}: dimension {row['dimension']} differs from its parent's")
    graph = tree(codebook)
    if not nx.is_directed_acyclic_graph(graph):
        problems.append("the parent links form a cycle")
    for node in graph.nodes:
        children = list(graph.successors(node))
        if node in known and not bool(by_id.loc[node, "is_codable"]) and not children:
            problems.append(f"{node}: a non-codable code has no children")
    return problems


def levels(codebook: pd.DataFrame) -> pd.Series:
    """Each code's level: dimension root, non-codable group, study code, or sub-code of a code."""
    by_id = codebook.set_index("code_id")
    result = {}
    for code_id, row in by_id.iterrows():
        if pd.isna(row["parent_id"]):
            result[code_id] = "racine"
        elif not bool(row["is_codable"]):
            result[code_id] = "groupe"
        elif _has_codable_ancestor(by_id, code_id):
            result[code_id] = "sous-code"
        else:
            result[code_id] = "code"
    return pd.Series(result, name="level").reindex(codebook["code_id"]).set_axis(codebook.index)


def _has_codable_ancestor(by_id: pd.DataFrame, code_id: str) -> bool:
    parent = by_id.loc[code_id, "parent_id"]
    seen = set()
    while not pd.isna(parent) and parent not in seen:
        seen.add(parent)
        if bool(by_id.loc[parent, "is_codable"]):
            return True
        parent = by_id.loc[parent, "parent_id"]
    return False


def study_codes(codebook: pd.DataFrame, dimension: str | None = None) -> pd.DataFrame:
    """The codes the study lists (level `code`), optionally for one dimension, in file order."""
    frame = codebook.assign(level=levels(codebook))
    frame = frame[frame["level"] == "code"]
    return frame if dimension is None else frame[frame["dimension"] == dimension]


def dimension_counts(codebook: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: the study's codes, their sub-codes, non-codable groups, and codes added by the edition."""
    frame = codebook.assign(level=levels(codebook))
    rows = []
    for dim, label in DIMENSIONS.items():
        part = frame[frame["dimension"] == dim]
        rows.append({
            "dimension": dim,
            "libellé": label,
            "codes": int((part["level"] == "code").sum()),
            "sous_codes": int((part["level"] == "sous-code").sum()),
            "regroupements": int((part["level"] == "groupe").sum()),
            "ajouts_edition": int((part["origin"] == "edition").sum()),
        })
    return pd.DataFrame(rows)


def depth_first(codebook: pd.DataFrame) -> list[str]:
    """Code ids in reading order: each dimension root, then its subtree, children in file order."""
    graph = tree(codebook)
    order = nx.get_node_attributes(graph, "order")
    roots = sorted((n for n in graph if graph.in_degree(n) == 0 and n in order),
                   key=lambda n: (list(DIMENSIONS).index(graph.nodes[n]["dimension"]), order[n]))
    result = []

    def visit(node):
        result.append(node)
        for child in sorted(graph.successors(node), key=order.get):
            visit(child)

    for root in roots:
        visit(root)
    return result


def dimension_table(codebook: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """A readable MacQueen table for one dimension (roots left out; sub-codes marked with an arrow)."""
    frame = codebook.assign(level=levels(codebook)).set_index("code_id")
    ids = [i for i in depth_first(codebook) if frame.loc[i, "dimension"] == dimension
           and frame.loc[i, "level"] != "racine"]
    part = frame.loc[ids].reset_index()
    prefix = part["level"].map({"sous-code": "↳ ", "groupe": "▸ "}).fillna("")
    origin = part["origin"].map({"etude": "étude", "edition": "ajout de l'édition"})
    return pd.DataFrame({
        "Code": part["code_id"],
        "Libellé": prefix + part["label_fr"],
        "Définition": part["definition_fr"],
        "Inclure": part["include_fr"],
        "Exclure": part["exclude_fr"],
        "Exemple (générique)": part["example_fr"],
        "Origine": origin,
    })


# ----------------------------------------------------------------------------------- avenues, links

def recommendation_edges(recommendations: pd.DataFrame, column: str = "code_ids") -> pd.DataFrame:
    """One row per (avenue, linked id), in the avenues' rank order then the cell's order."""
    key = "code_id" if column == "code_ids" else "fact_id"
    rows = [
        {"recommendation_id": rec.recommendation_id, key: item}
        for rec in recommendations.sort_values("rank").itertuples(index=False)
        for item in split_ids(getattr(rec, column))
    ]
    return pd.DataFrame(rows, columns=["recommendation_id", key])


def link_problems(recommendations: pd.DataFrame, codebook: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """The list columns a Table Schema foreign key cannot check: every id must exist (and be codable)."""
    problems = []
    codable = set(codebook.loc[codebook["is_codable"].astype(bool), "code_id"])
    known_codes = set(codebook["code_id"])
    known_facts = set(facts["fact_id"])
    for edge in recommendation_edges(recommendations).itertuples(index=False):
        if edge.code_id not in known_codes:
            problems.append(f"{edge.recommendation_id}: code_ids: {edge.code_id!r} is not in codebook")
        elif edge.code_id not in codable:
            problems.append(f"{edge.recommendation_id}: code_ids: {edge.code_id!r} is a non-codable group")
    for edge in recommendation_edges(recommendations, "fact_ids").itertuples(index=False):
        if edge.fact_id not in known_facts:
            problems.append(f"{edge.recommendation_id}: fact_ids: {edge.fact_id!r} is not in study_facts")
    return problems


def avenue_evidence(rec_id: str, recommendations: pd.DataFrame, codebook: pd.DataFrame,
                    segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """For one avenue: each linked code, its dimension, and how many documentary segments support it."""
    rec = recommendations.set_index("recommendation_id").loc[rec_id]
    by_id = codebook.set_index("code_id")
    rows = []
    for code_id in split_ids(rec["code_ids"]):
        code = by_id.loc[code_id]
        row = {"Code": code_id, "Dimension": DIMENSIONS[code["dimension"]], "Libellé": code["label_fr"],
               "Origine": "étude" if code["origin"] == "etude" else "ajout de l'édition"}
        if segments is not None:
            hits = segments[segments["code_id"] == code_id]
            row["Segments documentaires"] = len(hits)
            row["Régions"] = hits["region_id"].nunique()
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------ evidence map

def evidence_graph(codebook: pd.DataFrame, recommendations: pd.DataFrame,
                   segments: pd.DataFrame | None = None, level: str = "region",
                   target_labels: dict[str, str] | None = None) -> nx.Graph:
    """Avenues -> the codes they answer -> the regions (or sources) whose documents were coded with them.

    Nodes are named `piste:<id>`, `code:<id>`, `region:<id>` / `source:<id>`, with a `kind` and a `label`.
    Code-region edges carry `weight` = number of coded segments. Without `segments` the map stops at codes.
    `target_labels` names the region or source nodes (e.g. region_id -> region name).
    """
    target_labels = target_labels or {}
    if level not in {"region", "source"}:
        raise ValueError("level must be 'region' or 'source'")
    by_id = codebook.set_index("code_id")
    graph = nx.Graph()
    for rec in recommendations.sort_values("rank").itertuples(index=False):
        graph.add_node(f"piste:{rec.recommendation_id}", kind="piste", label=rec.title_fr, rank=int(rec.rank))
    for edge in recommendation_edges(recommendations).itertuples(index=False):
        code = by_id.loc[edge.code_id]
        node = f"code:{edge.code_id}"
        if node not in graph:
            graph.add_node(node, kind="code", label=code["label_fr"], dimension=code["dimension"])
        graph.add_edge(f"piste:{edge.recommendation_id}", node, kind="piste-code", weight=1)
    if segments is not None and len(segments):
        column = "region_id" if level == "region" else "source_id"
        linked = segments[segments["code_id"].map(lambda c: f"code:{c}" in graph)]
        counts = linked.groupby(["code_id", column]).size().reset_index(name="n")
        for row in counts.sort_values(["code_id", column]).itertuples(index=False):
            target = f"{level}:{getattr(row, column)}"
            if target not in graph:
                key = getattr(row, column)
                graph.add_node(target, kind=level, label=target_labels.get(key, key))
            graph.add_edge(f"code:{row.code_id}", target, kind=f"code-{level}", weight=int(row.n))
    return graph


def evidence_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Deterministic layered layout: avenues (x=0), codes by dimension (x=1), regions/sources (x=2).

    Each column is spread over the same vertical range, so the drawing does not depend on any random seed.
    """
    dims = list(DIMENSIONS)
    columns = {
        0: sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "piste"),
                  key=lambda n: graph.nodes[n]["rank"]),
        1: sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "code"),
                  key=lambda n: (dims.index(graph.nodes[n]["dimension"]), graph.nodes[n]["label"])),
        2: sorted((n for n, d in graph.nodes(data=True) if d["kind"] in {"region", "source"}),
                  key=lambda n: graph.nodes[n]["label"]),
    }
    height = max(len(nodes) for nodes in columns.values()) or 1
    layout = {}
    for x, nodes in columns.items():
        step = (height - 1) / (len(nodes) - 1) if len(nodes) > 1 else 0
        offset = 0 if len(nodes) > 1 else (height - 1) / 2
        for i, node in enumerate(nodes):
            layout[node] = (float(x), round(offset + i * step, 6))
    return layout


def evidence_frames(graph: nx.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables of the evidence map with layout coordinates (for the chart and its fallback)."""
    layout = evidence_layout(graph)
    nodes = pd.DataFrame([
        {"node": n, "type": KIND_LABELS[d["kind"]], "libellé": d["label"],
         "dimension": DIMENSIONS.get(d.get("dimension", ""), ""), "x": layout[n][0], "y": layout[n][1],
         "liens": graph.degree(n)}
        for n, d in graph.nodes(data=True)
    ]).sort_values(["x", "y"]).reset_index(drop=True)
    edges = pd.DataFrame([
        {"de": u if layout[u][0] < layout[v][0] else v, "vers": v if layout[u][0] < layout[v][0] else u,
         "lien": d["kind"], "poids": d["weight"]}
        for u, v, d in graph.edges(data=True)
    ], columns=["de", "vers", "lien", "poids"])
    if len(edges):
        edges = edges.assign(
            x=edges["de"].map(lambda n: layout[n][0]), y=edges["de"].map(lambda n: layout[n][1]),
            x2=edges["vers"].map(lambda n: layout[n][0]), y2=edges["vers"].map(lambda n: layout[n][1]),
        ).sort_values(["x", "y", "y2"]).reset_index(drop=True)
    return nodes, edges


# Horizontal position of each layout column in the drawing: the codes' column leaves room for their labels.
COLUMN_X = {0.0: 0.0, 1.0: 1.0, 2.0: 2.7}


def _wrap(text: str, width: int = 26) -> str:
    """Break a long label into lines (Vega-Lite splits text on the `lineBreak` character)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def evidence_chart(graph: nx.Graph) -> alt.LayerChart:
    """The evidence map as a layered network diagram (fixed layout, colour-blind palette)."""
    nodes, edges = evidence_frames(graph)
    nodes = nodes.assign(px=nodes["x"].map(COLUMN_X),
                         étiquette=[_wrap(t) if x == 0 else t for t, x in zip(nodes["libellé"], nodes["x"],
                                                                                  strict=True)])
    if len(edges):
        edges = edges.assign(px=edges["x"].map(COLUMN_X), px2=edges["x2"].map(COLUMN_X))
    n_rows = max(int(nodes["y"].max()) + 1 if len(nodes) else 1, 1)
    y_scale = alt.Scale(domain=[-0.8, n_rows - 0.2], reverse=True)
    x_scale = alt.Scale(domain=[-1.55, 3.55])
    kinds = [KIND_LABELS[k] for k in ("piste", "code", "region", "source") if KIND_LABELS[k] in set(nodes["type"])]
    colours = [PALETTE[i] for i, k in enumerate(("piste", "code", "region", "source")) if KIND_LABELS[k] in kinds]
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


# ------------------------------------------------------------------------------ codebook structure

def structure_frame(codebook: pd.DataFrame) -> pd.DataFrame:
    """Every codebook row with its dimension, level and its rank inside the dimension (reading order)."""
    frame = codebook.assign(level=levels(codebook)).set_index("code_id")
    order = depth_first(codebook)
    part = frame.loc[order].reset_index()
    part["rang"] = part.groupby("dimension").cumcount() + 1
    return pd.DataFrame({
        "code_id": part["code_id"],
        "dimension": part["dimension"].map(DIMENSIONS),
        "niveau": part["level"].map(LEVELS),
        "libellé": part["label_fr"],
        "origine": part["origin"].map({"etude": "étude", "edition": "ajout de l'édition"}),
        "rang": part["rang"],
    })


def structure_chart(codebook: pd.DataFrame) -> alt.Chart:
    """One square per code, stacked by dimension in reading order, coloured by level."""
    frame = structure_frame(codebook)
    level_order = list(LEVELS.values())
    return alt.Chart(frame).mark_point(filled=True, size=150, opacity=1).encode(
        x=alt.X("dimension:N", title=None, sort=list(DIMENSIONS.values()),
                axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("rang:O", title="Rang dans la dimension (ordre de lecture)",
                axis=alt.Axis(labels=False, ticks=False)),
        color=alt.Color("niveau:N", title="Niveau", sort=level_order,
                        scale=alt.Scale(domain=level_order,
                                        range=[PALETTE[7], PALETTE[1], PALETTE[0], PALETTE[4]])),
        shape=alt.Shape("origine:N", title="Origine", scale=alt.Scale(domain=["étude", "ajout de l'édition"],
                                                                     range=["square", "triangle-up"])),
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


def avenue_block(rec_id: str, recommendations: pd.DataFrame, codebook: pd.DataFrame, facts: pd.DataFrame,
                 segments: pd.DataFrame | None = None) -> str:
    """HTML for one avenue: its summary (own words), the codes it answers and the study facts behind it."""
    import html

    from analysis import tables

    rec = recommendations.set_index("recommendation_id").loc[rec_id]
    evidence = avenue_evidence(rec_id, recommendations, codebook, segments)
    columns = {c: c for c in evidence.columns}
    linked_facts = facts.set_index("fact_id").loc[split_ids(rec["fact_ids"])].reset_index()
    parts = [
        f"<p class='piste-resume'><strong>{html.escape(rec['title_fr'])}.</strong> "
        f"{html.escape(rec['summary_fr'])}</p>",
        f"<p class='piste-locator'>Dans le résumé de l'étude : {html.escape(rec['seed_locator'])}.</p>",
        tables.render(evidence, columns,
                      caption=f"Codes de la grille auxquels répond la piste « {rec['title_fr']} »"),
    ]
    if len(linked_facts):
        parts.append(tables.render(linked_facts, {"fact_id": "Fait", "statement_fr": "Ce que dit l'étude",
                                                  "seed_locator": "Où dans le résumé"},
                                   caption="Faits de l'étude sur lesquels la piste s'appuie"))
    return "\n".join(parts)
