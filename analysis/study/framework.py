"""The study's analytical framework as data: codebook tree, action avenues and the evidence map.

The codebook (`data/codebook.csv`) is a tree: one root per dimension, codes under it, and optional
sub-codes (the axes' sub-dimensions) or non-codable groups (the process families, the elected
officials' advances). Avenues (`data/recommendations.csv`) point to codes and study facts; the
evidence map joins avenues -> codes -> regions through `coded_segments` when that table exists.

This module only returns data (frames, graphs, coordinates); `analysis.present.framework_charts` draws them.
The integrity of the tree and of the avenues' links is a rule of the validator
(`analysis.contract.validate.rule_codebook_tree`, `rule_avenue_links`, `rule_codable_codes`), run by `make book`.
French labels come from the labels table (`analysis.contract.labels`), dimension names included.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from analysis.contract import labels
from analysis.contract.data import split_ids

# Label domains of data/labels.csv this module reads (the codebook's own fields declare theirs).
DIMENSION = "dimension"
ORIGIN = "code_origin"
LEVEL = "code_level"          # computed level of a code in the tree
NODE_KIND = "evidence_node"   # kind of node in the evidence map
NODE_KINDS = ("piste", "code", "region", "source")


def dimensions() -> dict[str, str]:
    """Dimension code -> French name, in the book's order (the labels table's order)."""
    return labels.mapping(DIMENSION)


def dimension_label(dimension: str) -> str:
    return labels.label(DIMENSION, dimension)


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
    for dim, label in dimensions().items():
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
                   key=lambda n: (list(dimensions()).index(graph.nodes[n]["dimension"]), order[n]))
    result = []

    def visit(node):
        result.append(node)
        for child in sorted(graph.successors(node), key=order.get):
            visit(child)

    for root in roots:
        visit(root)
    return result


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
    dims = list(dimensions())
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
        {"node": n, "type": labels.label(NODE_KIND, d["kind"]), "libellé": d["label"],
         "dimension": dimensions().get(d.get("dimension", ""), ""), "x": layout[n][0], "y": layout[n][1],
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



# ------------------------------------------------------------------------------ codebook structure

def structure_frame(codebook: pd.DataFrame) -> pd.DataFrame:
    """Every codebook row with its dimension, level and its rank inside the dimension (reading order)."""
    frame = codebook.assign(level=levels(codebook)).set_index("code_id")
    order = depth_first(codebook)
    part = frame.loc[order].reset_index()
    part["rang"] = part.groupby("dimension").cumcount() + 1
    return pd.DataFrame({
        "code_id": part["code_id"],
        "dimension": part["dimension"].map(dimensions()),
        "niveau": part["level"].map(labels.mapping(LEVEL)),
        "libellé": part["label_fr"],
        "origine": part["origin"].map(labels.mapping(ORIGIN)),
        "rang": part["rang"],
    })


