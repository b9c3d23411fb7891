"""Where each organisation of a network diagram sits: deterministic rows by level and territory.

Apart from the drawing (analysis.present.diagram) so that the network export (`export-networks`), which
writes these positions into its GEXF, does not import the charting library."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis.contract import data, labels
from analysis.study.graphs import LEVELS, SECTORS, undirected


def level_label(level: str) -> str:
    return labels.label("level", level)


def sector_label(sector: str) -> str:
    return labels.label("sector", sector)


ROW_CAP = 8  # at most this many organisations per row: beyond it, horizontal labels no longer fit
HEADER = 0.8  # room above a band's first row for the band's name, in rows
SWEEPS = 8  # barycentric passes (alternately downwards and upwards); a fixed number keeps builds identical
NO_TERRITORY = "sans territoire"


@lru_cache(maxsize=4)
def territory_names(data_dir: Path = data.DATA_DIR) -> dict[str, str]:
    """territory_id -> name, for the local band's row labels (an unknown id is shown as is)."""
    table = data.load_optional("territories", Path(data_dir))
    return {} if table is None else dict(zip(table["territory_id"], table["name"], strict=True))


def _groups(g: nx.MultiDiGraph, names: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    """(level, row label, nodes) in drawing order. The local band has one group per territory, in the
    territories' alphabetical order, then the organisations without one: thirty local organisations
    on one line cannot be read, a line per MRC can, and it shows where each one acts."""
    groups = []
    for level in LEVELS:
        nodes = sorted(n for n, lv in g.nodes(data="level") if lv == level)
        if level != "local":
            groups.append((level, "", nodes))
            continue
        by_territory: dict[str, list[str]] = {}
        for node in nodes:
            tid = g.nodes[node]["territory_id"]
            by_territory.setdefault(names.get(tid, tid) if tid else "", []).append(node)
        for label in sorted(by_territory, key=lambda t: (t == "", t.casefold(), t)):
            groups.append((level, label or NO_TERRITORY, by_territory[label]))
    return [group for group in groups if group[2]]


def _chunks(nodes: list[str]) -> list[list[str]]:
    """A group split into balanced rows of at most ROW_CAP: 9 -> 5 + 4 rather than 8 + 1."""
    count = -(-len(nodes) // ROW_CAP)
    size = -(-len(nodes) // count)
    return [nodes[i : i + size] for i in range(0, len(nodes), size)]


def _x_positions(groups: list[tuple[str, str, list[str]]]) -> dict[str, float]:
    """Each row spreads its organisations evenly over [0, 1]."""
    xs = {}
    for _, _, nodes in groups:
        for row in _chunks(nodes):
            xs.update({node: (i + 0.5) / len(row) for i, node in enumerate(row)})
    return xs


def _sector_rank(g: nx.MultiDiGraph, node: str) -> int:
    sector = g.nodes[node]["sector"]
    return SECTORS.index(sector) if sector in SECTORS else len(SECTORS)


def _centre(partners: dict[str, list[str]], xs: dict[str, float], node: str) -> float:
    """Mean x of a node's partners outside its group (its own x when it has none), rounded so that the
    order of float additions, hence of the ties in the record, cannot change a layout."""
    others = partners[node]
    return round(sum(xs[m] for m in others) / len(others), 9) if others else round(xs[node], 9)


def _partners(g: nx.MultiDiGraph, groups: list[tuple[str, str, list[str]]]) -> dict[str, list[str]]:
    """Each node's tied organisations in other groups (ties inside a row cannot guide its order)."""
    simple = undirected(g)
    group_of = {n: k for k, (_, _, nodes) in enumerate(groups) for n in nodes}
    return {n: sorted(m for m in simple[n] if group_of[m] != group_of[n]) for n in group_of}


def _barycentric(g: nx.MultiDiGraph, groups: list[tuple[str, str, list[str]]]) -> list[tuple[str, str, list]]:
    """Order each group by the mean x of its partners in other groups (Sugiyama's barycentre heuristic),
    sweeping down then up a fixed number of times: fewer crossings, and tied organisations end up
    facing each other. Ties and unconnected nodes fall back to sector, then id."""
    partners = _partners(g, groups)
    groups = [(lv, label, sorted(nodes, key=lambda n: (_sector_rank(g, n), n))) for lv, label, nodes in groups]
    for sweep in range(SWEEPS):
        for k in range(len(groups)) if sweep % 2 == 0 else range(len(groups) - 1, -1, -1):
            xs = _x_positions(groups)
            level, label, nodes = groups[k]
            groups[k] = (level, label, sorted(nodes, key=lambda n: (_centre(partners, xs, n),
                                                                  _sector_rank(g, n), n)))
    return groups


def layout(g: nx.MultiDiGraph, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Deterministic positions: national band on top, regional in the middle, local at the bottom with
    one row per territory; at most ROW_CAP per row, ordered by the barycentric sweep and spread evenly.
    x lies in [0, 1]; y counts rows from the top (band headers included); `slot` is the width a node's
    centred label may take, in x units. No randomness anywhere: the same graph gives the same layout."""
    names = territory_names() if names is None else names
    groups = _barycentric(g, _groups(g, names))
    rows, y, previous = [], 0.0, None
    for level, label, nodes in groups:
        if level != previous:  # a new band: a gap between bands, then room for the band's name
            y += HEADER + (0.4 if previous else 0.0)
            previous = level
        for row_index, row in enumerate(_chunks(nodes)):
            for i, node in enumerate(row):
                attrs = g.nodes[node]
                rows.append({"actor_id": node, "x": round((i + 0.5) / len(row), 6), "y": y,
                             "slot": round(1 / len(row), 6), "level_id": level,
                             "row_label": label if row_index == 0 else "",
                             "label": attrs["acronym"] or attrs["name"], "name": attrs["name"],
                             "sector": sector_label(attrs["sector"]),
                             "level": level_label(level), "territory": label or "—",
                             "role_fr": attrs["role_fr"] or "—",
                             "source_ids": attrs["source_ids"].replace(";", ", ") or "—"})
            y += 1.0
    return pd.DataFrame(rows, columns=["actor_id", "x", "y", "slot", "level_id", "row_label", "label", "name",
                                       "sector", "level", "territory", "role_fr", "source_ids"])
