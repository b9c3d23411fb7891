"""Governance networks as files: GraphML, GEXF (with the book's layout, for Gephi) and two CSVs."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis.contract import data
from analysis.present import layout
from analysis.present.palette import PALETTE
from analysis.study import graphs


def export(g: nx.MultiDiGraph, outdir: Path, stem: str) -> list[Path]:
    """Write the graph as GraphML, GEXF (with the book's layout and colours, for Gephi) and two CSVs."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = [outdir / f"{stem}.graphml", outdir / f"{stem}.gexf", outdir / f"{stem}-noeuds.csv",
             outdir / f"{stem}-liens.csv"]
    nx.write_graphml(g, paths[0], edge_id_from_attribute="tie_id")
    paths[1].write_text(_gexf(g), encoding="utf-8")
    nodes = pd.DataFrame([{"actor_id": n, **d} for n, d in g.nodes(data=True)])
    nodes.to_csv(paths[2], index=False, lineterminator="\n")
    edges = pd.DataFrame([{"source_actor": u, "target_actor": v, **d} for u, v, d in g.edges(data=True)])
    edges.to_csv(paths[3], index=False, lineterminator="\n")
    return paths


def _gexf(g: nx.MultiDiGraph) -> str:
    """GEXF with viz positions and colours; the writer's date stamp is dropped so exports are reproducible."""
    viz = g.copy()

    pos = layout.layout(g).set_index("actor_id")
    for node, attrs in viz.nodes(data=True):
        colour = PALETTE[graphs.SECTORS.index(attrs["sector"]) % len(PALETTE)]
        r, gr, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        attrs["label"] = attrs["name"]
        attrs["viz"] = {"position": {"x": float(pos.loc[node, "x"]) * 1000, "y": -float(pos.loc[node, "y"]) * 80,
                                     "z": 0.0}, "color": {"r": r, "g": gr, "b": b, "a": 1.0}}
    for _, _, key, attrs in viz.edges(keys=True, data=True):
        attrs["id"] = key
        attrs["label"] = attrs["relation"]
    text = "\n".join(nx.generate_gexf(viz))
    return re.sub(r' lastmodifieddate="[^"]*"', "", text) + "\n"


def export_all(outdir: Path, data_dir: Path = data.DATA_DIR) -> list[Path]:
    """Every region's whole record (every phase; `period` and `phase` are edge attributes to filter on)."""
    rec = graphs.record(Path(data_dir))
    paths = []
    for region_id in graphs.regions(data_dir)["region_id"]:
        paths += export(graphs.graph(rec, region_id, None), Path(outdir), f"reseau-{region_id}")
    return paths
