"""Governance networks: one directed, typed graph per region, its measures, diagram and exports.

Conventions (stated in the comparative chapter):
- a tie is `source_actor` doing the verb (`relation`) to `target_actor`; a region's graph holds the
  ties that touch at least one of the region's actors, so national actors tied to it are included;
- density and Freeman centralisations are computed on the *undirected* simple graph (who is tied
  to whom, whatever the verb and however many relations), because the direction of a tie is the
  grammar of its verb (a member points to its table, a funder to the funded), not a flow;
- Gould-Fernandez brokerage uses the *directed* simple graph as recorded, with groups = level;
- the governance mode is this edition's operationalisation of Provan & Kenis (2008), see `mode`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import altair as alt
import networkx as nx
import pandas as pd

from analysis import charts, data

LEVELS = ("national", "regional", "local")
LEVEL_LABELS = {"national": "national", "regional": "régional", "local": "local"}
SECTORS = ("public", "municipal", "parapublic", "communautaire", "economique", "philanthropie", "recherche",
           "citoyens")
SECTOR_LABELS = {"public": "public", "municipal": "municipal", "parapublic": "parapublic",
                 "communautaire": "communautaire", "economique": "économique", "philanthropie": "philanthropie",
                 "recherche": "recherche", "citoyens": "citoyens"}
SECTOR_SHAPES = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "triangle-right",
                 "triangle-left"]
RELATIONS = ("signe-avec", "mandate", "finance", "coordonne", "accompagne", "siege-a", "membre-de", "conteste")
# Eight relations are too many dash patterns to tell apart: edges are styled by family, the exact
# relation is in the tooltip and the table.
RELATION_FAMILY = {
    "signe-avec": "entente et financement", "mandate": "entente et financement",
    "finance": "entente et financement",
    "coordonne": "coordination et accompagnement", "accompagne": "coordination et accompagnement",
    "siege-a": "participation", "membre-de": "participation", "conteste": "contestation",
}
FAMILIES = ("entente et financement", "coordination et accompagnement", "participation", "contestation")
FAMILY_DASH = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3]]
FAMILY_GREY = ["#333333", "#555555", "#777777", "#D55E00"]
LABEL_MARGIN = 0.28  # room on the left for the territory names, in units of the drawing's width
# Legends below the drawing: the book's text column is too narrow for them on the side.
_LEGEND = alt.Legend(orient="bottom", direction="vertical", labelLimit=260)

# Quebec-wide actors referenced by every region. The data package should carry a row for each
# (region_id empty, level national); this table only fills in when a row is missing.
SHARED_ACTORS = {
    "mess": ("Ministère de l'Emploi et de la Solidarité sociale", "MESS", "public"),
    "mamrot": ("Ministère des Affaires municipales, des Régions et de l'Occupation du territoire", "MAMROT",
               "public"),
    "msss": ("Ministère de la Santé et des Services sociaux", "MSSS", "public"),
    "rqds": ("Réseau québécois de développement social", "RQDS", "communautaire"),
}

# Periods a tie can be assigned to, from its `period` cell (YYYY or YYYY-YYYY); inclusive years.
PERIODS = {"avant-2010": (None, 2009), "pagsis": (2010, 2015), "apres-2015": (2016, None)}
PERIOD_LABELS = {None: "ensemble du dossier", "avant-2010": "avant 2010", "pagsis": "2010-2015 (et non daté)",
                 "apres-2015": "après 2015"}
MAIN_PERIOD = "pagsis"

# Governance-mode rule (this edition's operationalisation, not the study's finding).
MIN_ACTORS = 10  # below this many organisations, centralisation says little
MIN_TIES = 10
MIN_CONNECTED_SHARE = 0.5  # a record in scattered pieces cannot show who governs the whole
CENTRALISED = 0.30  # Freeman degree centralisation (undirected) at or above which one actor dominates
MIN_SEATS = 2  # organisations sitting on / members of an actor that make it a body of the network
MANDATE_RELATIONS = {"mandate", "signe-avec"}
SEAT_RELATIONS = {"siege-a", "membre-de"}
UNDETERMINED = "indéterminé"
NEAR_THRESHOLD = 0.05  # centralisation this close to CENTRALISED: a small change in the record flips the mode
MODES = {"partagee": "gouvernance partagée", "pilote": "organisation pilote",
         "oar": "organisation administrative du réseau", "indetermine": UNDETERMINED}

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
ROLE_LABELS = {"coordinator": "coordonnateur", "itinerant": "itinérant (consultant)",
               "gatekeeper": "gardien (gatekeeper)", "representative": "représentant",
               "liaison": "agent de liaison"}


@dataclass(frozen=True)
class Record:
    """The tables a network needs, already checked for missing actors."""

    actors: pd.DataFrame  # indexed by actor_id
    ties: pd.DataFrame
    promoters: frozenset  # actor ids that promote at least one funded project


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=4)
def record(data_dir: Path = data.DATA_DIR) -> Record:
    """Actors, ties and project promoters of a data package; a tie to an undescribed actor is skipped."""
    actors = data.load("actors", data_dir).set_index("actor_id", drop=False)
    ties = data.load("ties", data_dir).sort_values("tie_id", kind="stable")
    actors = _with_shared_actors(actors, ties)
    known = ties["source_actor"].isin(actors.index) & ties["target_actor"].isin(actors.index)
    for tie in ties.loc[~known, "tie_id"]:
        warnings.warn(f"tie {tie}: an actor has no row in actors and is not a shared actor; tie skipped",
                      stacklevel=2)
    projects = data.load_optional("projects", data_dir)
    promoters = frozenset(projects["promoter_actor"].dropna()) if projects is not None else frozenset()
    return Record(actors.sort_index(), ties[known].reset_index(drop=True), promoters)


def _with_shared_actors(actors: pd.DataFrame, ties: pd.DataFrame) -> pd.DataFrame:
    """Add a row for a referenced shared actor the package does not describe (and say so)."""
    referenced = set(ties["source_actor"]) | set(ties["target_actor"])
    missing = sorted(referenced.intersection(SHARED_ACTORS) - set(actors.index))
    if not missing:
        return actors
    warnings.warn(f"shared actors without a row in actors, built-in description used: {missing}", stacklevel=3)
    rows = [{"actor_id": a, "name": SHARED_ACTORS[a][0], "acronym": SHARED_ACTORS[a][1],
             "sector": SHARED_ACTORS[a][2], "level": "national"} for a in missing]
    extra = pd.DataFrame(rows).astype("string").set_index("actor_id", drop=False)
    return pd.concat([actors, extra])


def regions(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """The study regions in the package's order (region_id, name)."""
    return data.load("regions", data_dir)[["region_id", "name"]]


# --------------------------------------------------------------------------- periods and graphs


def years(period: object) -> tuple[int, int] | None:
    """`2012` -> (2012, 2012); `2011-2015` -> (2011, 2015); empty -> None (undated)."""
    if period is None or pd.isna(period) or not str(period).strip():
        return None
    found = [int(y) for y in re.findall(r"\d{4}", str(period))]
    return (min(found), max(found)) if found else None


def in_period(period_cell: object, period: str | None) -> bool:
    """Whether a tie belongs to a period: its years overlap it. Undated ties count in the PAGSIS
    period (the record was gathered about the Alliances) and in the whole record, nowhere else."""
    if period is None:
        return True
    span = years(period_cell)
    if span is None:
        return period == MAIN_PERIOD
    low, high = PERIODS[period]
    return (low is None or span[1] >= low) and (high is None or span[0] <= high)


def region_ties(rec: Record, region_id: str, period: str | None = MAIN_PERIOD) -> pd.DataFrame:
    """Ties touching at least one of the region's actors, within the period."""
    own = set(rec.actors.index[rec.actors["region_id"] == region_id])
    ties = rec.ties
    touches = ties["source_actor"].isin(own) | ties["target_actor"].isin(own)
    dated = ties["period"].map(lambda p: in_period(p, period)).astype(bool)
    return ties[touches & dated]


def build(region_id: str, period: str | None = MAIN_PERIOD, data_dir: Path = data.DATA_DIR) -> nx.MultiDiGraph:
    """The region's typed directed graph: nodes = organisations tied in the period, one edge per tie."""
    return graph(record(Path(data_dir)), region_id, period)


def graph(rec: Record, region_id: str, period: str | None = MAIN_PERIOD) -> nx.MultiDiGraph:
    ties = region_ties(rec, region_id, period).sort_values("tie_id")  # same record, same graph
    g = nx.MultiDiGraph(region_id=region_id, period=period or "tout")
    for actor_id in sorted(set(ties["source_actor"]) | set(ties["target_actor"])):
        g.add_node(actor_id, **_attrs(rec.actors.loc[actor_id], ["name", "acronym", "sector", "level",
                                                                 "region_id", "territory_id", "role_fr",
                                                                 "source_ids"]))
    for tie in ties.itertuples(index=False):
        g.add_edge(tie.source_actor, tie.target_actor, key=tie.tie_id, tie_id=tie.tie_id,
                   **_attrs(tie._asdict(), ["relation", "period", "confidence", "note", "source_ids"]))
    return g


def _attrs(row, names: list[str]) -> dict:
    """Graph attributes as plain strings: GraphML and GEXF refuse missing values."""
    return {n: ("" if pd.isna(row.get(n)) else str(row.get(n))) for n in names}


def undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """Who is tied to whom, whatever the verb: one edge per tied pair, no self-loop."""
    simple = nx.Graph(g)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    return simple


def directed(g: nx.MultiDiGraph) -> nx.DiGraph:
    simple = nx.DiGraph(g)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    return simple


# --------------------------------------------------------------------------- measures


def density(g: nx.MultiDiGraph) -> float:
    """Share of possible pairs that are tied (undirected: pairs / n(n-1)/2)."""
    return nx.density(undirected(g)) if g.number_of_nodes() > 1 else 0.0


def degree_centralisation(g: nx.MultiDiGraph) -> float:
    """Freeman (1979) degree centralisation, undirected: sum(max - d_i) / ((n-1)(n-2)).
    networkx's degree centrality is d_i/(n-1), hence the denominator n-2 below. Star = 1, clique = 0."""
    simple = undirected(g)
    n = simple.number_of_nodes()
    if n < 3:
        return 0.0
    scores = nx.degree_centrality(simple).values()
    return sum(max(scores) - s for s in scores) / (n - 2)


def betweenness_centralisation(g: nx.MultiDiGraph) -> float:
    """Freeman betweenness centralisation, undirected: networkx normalises betweenness by
    (n-1)(n-2)/2, so the star's maximum sum of differences is n-1. Star = 1, clique = 0."""
    simple = undirected(g)
    n = simple.number_of_nodes()
    if n < 3:
        return 0.0
    scores = nx.betweenness_centrality(simple, normalized=True).values()
    return sum(max(scores) - s for s in scores) / (n - 1)


def brokerage(g: nx.MultiDiGraph, group: str = "level") -> pd.DataFrame:
    """Gould & Fernandez (1989) roles per broker b, for every open two-path a -> b -> c (a != c,
    no a -> c tie) of the directed simple graph; networkx has no such function."""
    simple = directed(g)
    counts = {node: dict.fromkeys(ROLES, 0) for node in sorted(simple)}
    for b in simple:
        for a in simple.predecessors(b):
            for c in simple.successors(b):
                if a != c and not simple.has_edge(a, c):
                    role = _role(simple.nodes[a][group], simple.nodes[b][group], simple.nodes[c][group])
                    counts[b][role] += 1
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=list(ROLES))
    return frame.rename_axis("actor_id").astype(int)


def _role(a: str, b: str, c: str) -> str:
    if a == b == c:
        return "coordinator"
    if a == c:
        return "itinerant"  # b mediates between two members of another group
    if a == b:
        return "representative"  # b carries its group's tie out
    if b == c:
        return "gatekeeper"  # b lets an outside tie into its group
    return "liaison"


def cross_level_share(g: nx.MultiDiGraph) -> float:
    """Share of ties (each recorded tie counts) joining two different levels: vertical vs horizontal."""
    if g.number_of_edges() == 0:
        return 0.0
    levels = nx.get_node_attributes(g, "level")
    crossing = sum(levels[u] != levels[v] for u, v in g.edges())
    return crossing / g.number_of_edges()


def central_actor(g: nx.MultiDiGraph) -> str | None:
    """Most tied-to actor (undirected degree); ties broken by betweenness, then id, so it is stable."""
    simple = undirected(g)
    if not simple:
        return None
    between = nx.betweenness_centrality(simple)
    return min(simple, key=lambda n: (-simple.degree(n), -round(between[n], 12), n))


def is_network_body(g: nx.MultiDiGraph, actor: str, promoters: frozenset) -> bool:
    """A body that governs rather than takes part: it is mandated (receives `mandate`/`signe-avec`) or
    others sit on it (>= MIN_SEATS `siege-a`/`membre-de`), and it promotes no funded project."""
    incoming = [rel for _, _, rel in g.in_edges(actor, data="relation")]
    mandated = any(rel in MANDATE_RELATIONS for rel in incoming)
    seats = sum(rel in SEAT_RELATIONS for rel in incoming)
    return (mandated or seats >= MIN_SEATS) and actor not in promoters


def thin_record(g: nx.MultiDiGraph) -> bool:
    if g.number_of_nodes() < MIN_ACTORS or g.number_of_edges() < MIN_TIES:
        return True
    largest = max(nx.weakly_connected_components(g), key=len)
    return len(largest) / g.number_of_nodes() < MIN_CONNECTED_SHARE


def mode(g: nx.MultiDiGraph, promoters: frozenset = frozenset()) -> str:
    """Provan & Kenis mode, by this edition's rule: thin record -> indéterminé; degree centralisation
    below CENTRALISED -> shared governance; otherwise the central actor decides: a network body ->
    NAO, a participant -> lead organisation."""
    if thin_record(g):
        return MODES["indetermine"]
    if degree_centralisation(g) < CENTRALISED:
        return MODES["partagee"]
    return MODES["oar"] if is_network_body(g, central_actor(g), promoters) else MODES["pilote"]


def measures(g: nx.MultiDiGraph, promoters: frozenset = frozenset()) -> dict:
    """Every network-level measure of one graph, rounded for display and stable comparison."""
    roles = brokerage(g).sum() if g.number_of_nodes() else pd.Series(0, index=list(ROLES))
    central = central_actor(g)
    return {
        "acteurs": g.number_of_nodes(),
        "liens": g.number_of_edges(),
        "densite": round(density(g), 3),
        "centralisation_degre": round(degree_centralisation(g), 3),
        "centralisation_intermediarite": round(betweenness_centralisation(g), 3),
        "part_liens_entre_niveaux": round(cross_level_share(g), 3),
        **{f"courtage_{role}": int(roles[role]) for role in ROLES},
        "acteur_central": central or "",
        "acteur_central_nom": g.nodes[central]["name"] if central else "",
        "mode": mode(g, promoters),
    }


def compare(period: str | None = MAIN_PERIOD, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row of measures per region, in the package's region order."""
    rec = record(Path(data_dir))
    rows = [{"region_id": r.region_id, "region": r.name,
             **measures(graph(rec, r.region_id, period), rec.promoters)} for r in regions(data_dir).itertuples()]
    return pd.DataFrame(rows)


def by_period(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Ties, centralisation and mode per region and period: how far the record allows a dynamic view."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        for period in PERIODS:
            g = graph(rec, r.region_id, period)
            rows.append({"region": r.name, "periode": PERIOD_LABELS[period], "acteurs": g.number_of_nodes(),
                         "liens": g.number_of_edges(),
                         "centralisation_degre": round(degree_centralisation(g), 3),
                         "mode": mode(g, rec.promoters)})
    return pd.DataFrame(rows)


def completeness(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """How much record each region's network rests on: organisations, ties, undated ties, sources."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        ties = region_ties(rec, r.region_id, None)
        own = rec.actors[rec.actors["region_id"] == r.region_id]
        tied = set(ties["source_actor"]) | set(ties["target_actor"])
        cited = {s for cell in ties["source_ids"] for s in data.split_ids(cell)}
        rows.append({"region": r.name, "acteurs_documentes": len(own),
                     "acteurs_sans_lien": len(set(own.index) - tied), "liens": len(ties),
                     "liens_non_dates": int(ties["period"].isna().sum()),
                     "liens_confiance_faible": int((ties["confidence"] == "faible").sum()),
                     "sources_des_liens": len(cited)})
    return pd.DataFrame(rows)


def main_brokers(period: str | None = MAIN_PERIOD, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region, the actor on most open two-paths that cross levels (every role but coordinator):
    who the record shows passing ties from one level to another."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        g = graph(rec, r.region_id, period)
        roles = brokerage(g)
        vertical = roles.drop(columns="coordinator").sum(axis=1)
        top = min(vertical.index, key=lambda n: (-vertical[n], n)) if vertical.any() else None
        rows.append({"region": r.name, "actor_id": top or "", "name": g.nodes[top]["name"] if top else "",
                     "niveau": LEVEL_LABELS[g.nodes[top]["level"]] if top else "",
                     "chemins_entre_niveaux": int(vertical[top]) if top else 0,
                     **{role: int(roles.loc[top, role]) if top else 0 for role in ROLES if role != "coordinator"}})
    return pd.DataFrame(rows)


def near_threshold(table: pd.DataFrame) -> pd.DataFrame:
    """Regions whose classification rests on a centralisation within NEAR_THRESHOLD of the cut-off."""
    close = (table["centralisation_degre"] - CENTRALISED).abs() < NEAR_THRESHOLD
    return table[close & (table["mode"] != UNDETERMINED)]


def french_list(names: list[str], empty: str = "aucune") -> str:
    """`A`, `A et B`, `A, B et C`: region names for a sentence."""
    names = list(names)
    if not names:
        return empty
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


# --------------------------------------------------------------------------- diagram

ROW_CAP = 8  # at most this many organisations per row: beyond it, horizontal labels no longer fit
ROW_PX = 34  # pixel height of one row (node plus its label underneath)
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
                             "sector": SECTOR_LABELS.get(attrs["sector"], attrs["sector"]),
                             "level": LEVEL_LABELS[level], "territory": label or "—",
                             "role_fr": attrs["role_fr"] or "—",
                             "source_ids": attrs["source_ids"].replace(";", ", ") or "—"})
            y += 1.0
    return pd.DataFrame(rows, columns=["actor_id", "x", "y", "slot", "level_id", "row_label", "label", "name",
                                       "sector", "level", "territory", "role_fr", "source_ids"])


def _bands(pos: pd.DataFrame) -> pd.DataFrame:
    """One shaded rectangle per level, its name in the header above its first row."""
    spans = pos.groupby("level_id", sort=False)["y"].agg(["min", "max"])
    return pd.DataFrame([{"niveau": LEVEL_LABELS[lv].capitalize() + (" (par territoire)" if lv == "local" else ""),
                          "top": low - HEADER - 0.15, "bottom": high + 0.5, "header": low - HEADER + 0.05,
                          "left": -LABEL_MARGIN, "right": 1.0}
                         for lv, (low, high) in spans.iterrows()],
                        columns=["niveau", "top", "bottom", "header", "left", "right"])


def edge_table(g: nx.MultiDiGraph) -> pd.DataFrame:
    """The edge list readers get as the diagram's table fallback (and in the CSV export)."""
    rows = [{"tie_id": d["tie_id"], "source": u, "relation": d["relation"], "cible": v, "periode": d["period"],
             "confiance": d["confidence"], "sources": d["source_ids"].replace(";", ", ")}
            for u, v, d in g.edges(data=True)]
    return pd.DataFrame(rows, columns=["tie_id", "source", "relation", "cible", "periode", "confiance", "sources"]
                        ).sort_values("tie_id", ignore_index=True)


def _runs_through(pos: pd.DataFrame, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """Whether the straight segment passes (within a node's half-width) over a node of a row in between."""
    (x1, y1), (x2, y2) = start, end
    between = pos[(pos["y"] - min(y1, y2) > 0.5) & (max(y1, y2) - pos["y"] > 0.5)]
    on_line = x1 + (x2 - x1) * (between["y"] - y1) / (y2 - y1)
    return bool(((between["x"] - on_line).abs() < 0.03).any())


def _edge_paths(g: nx.MultiDiGraph, pos: pd.DataFrame) -> pd.DataFrame:
    """Three points per tie. A tie within one row bows gently upwards, into the gap above the row; a tie
    that would run through an organisation of a row in between bows sideways, more the more rows it
    spans, so that the ties to a column of one-organisation territories do not run on top of each other."""
    xy = pos.set_index("actor_id")[["x", "y"]]
    rows = []
    for u, v, d in sorted(g.edges(data=True), key=lambda e: e[2]["tie_id"]):
        (x1, y1), (x2, y2) = xy.loc[u], xy.loc[v]
        mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
        if y1 == y2:
            mid_y -= min(0.2 + 0.5 * abs(x2 - x1), 0.55)
        elif _runs_through(pos, (x1, y1), (x2, y2)):
            mid_x += (1 if mid_x <= 0.5 else -1) * min(0.035 * abs(y2 - y1), 0.25)
        mid = (mid_x, mid_y)
        common = {"tie_id": d["tie_id"], "relation": d["relation"], "famille": RELATION_FAMILY[d["relation"]],
                  "de": g.nodes[u]["name"], "vers": g.nodes[v]["name"], "periode": d["period"] or "non daté",
                  "sources": d["source_ids"].replace(";", ", ")}
        for order, (x, y) in enumerate([(x1, y1), mid, (x2, y2)]):
            rows.append({**common, "order": order, "x": round(float(x), 6), "y": round(float(y), 6)})
    return pd.DataFrame(rows)


def draw(g: nx.MultiDiGraph, title: str, names: dict[str, str] | None = None) -> alt.LayerChart:
    """Levels as three shaded bands (local split by territory), sector as colour and shape, relation
    family as dash; the height grows with the number of rows. Same graph, same spec."""
    pos = layout(g, names)
    bands = _bands(pos)
    top, bottom = (float(bands["top"].min()), float(bands["bottom"].max())) if len(bands) else (0.0, 1.0)
    x_scale = alt.Scale(domain=[-LABEL_MARGIN, 1.0], nice=False, zero=False)
    x = alt.X("x:Q", axis=None, scale=x_scale)
    left = alt.X("left:Q", axis=None, scale=x_scale)  # the margin where band and territory names go
    y_scale = alt.Scale(domain=[top, bottom], nice=False, zero=False, reverse=True)  # national on top
    y = alt.Y("y:Q", axis=None, scale=y_scale)
    # Pixel width of one x unit, so that labels are cut (with an ellipsis) where the next one begins.
    unit = f"(width / {1 + LABEL_MARGIN})"
    shading = alt.Chart(bands).mark_rect(fill="#F2F2F2", cornerRadius=3).encode(
        x=left, x2="right:Q", y=alt.Y("top:Q", scale=y_scale, axis=None), y2="bottom:Q")
    headers = alt.Chart(bands).mark_text(align="left", baseline="top", fontWeight="bold", fontSize=11,
                                         color="#333333", dx=4).encode(
        x=left, y=alt.Y("header:Q", scale=y_scale, axis=None), text="niveau:N")
    names_data = pos.loc[pos["row_label"] != "", ["y", "row_label"]].drop_duplicates().assign(left=-LABEL_MARGIN)
    row_labels = alt.Chart(names_data).mark_text(
        align="left", baseline="middle", fontSize=10, color="#444444", dx=4,
        limit=alt.expr(f"{LABEL_MARGIN} * {unit} - 8")).encode(
        x=left, y=y, text="row_label:N")
    edges = alt.Chart(_edge_paths(g, pos)).mark_line(interpolate="basis", strokeWidth=1.2, opacity=0.5).encode(
        x=x, y=y, detail="tie_id:N", order="order:Q",
        strokeDash=alt.StrokeDash("famille:N", title="Type de lien", legend=_LEGEND,
                                  scale=alt.Scale(domain=list(FAMILIES), range=FAMILY_DASH)),
        color=alt.Color("famille:N", title="Type de lien", legend=_LEGEND,
                        scale=alt.Scale(domain=list(FAMILIES), range=FAMILY_GREY)),
        tooltip=[alt.Tooltip("de:N", title="De"), alt.Tooltip("relation:N", title="Relation"),
                 alt.Tooltip("vers:N", title="Vers"), alt.Tooltip("periode:N", title="Période"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    sectors = [SECTOR_LABELS[s] for s in SECTORS]
    nodes = alt.Chart(pos).mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=0.8).encode(
        x=x, y=y,
        fill=alt.Fill("sector:N", title="Secteur", legend=_LEGEND,
                      scale=alt.Scale(domain=sectors, range=charts.PALETTE)),
        shape=alt.Shape("sector:N", title="Secteur", legend=_LEGEND,
                        scale=alt.Scale(domain=sectors, range=SECTOR_SHAPES)),
        tooltip=[alt.Tooltip("name:N", title="Organisation"), alt.Tooltip("level:N", title="Niveau"),
                 alt.Tooltip("territory:N", title="Territoire"), alt.Tooltip("sector:N", title="Secteur"),
                 alt.Tooltip("role_fr:N", title="Rôle"), alt.Tooltip("source_ids:N", title="Sources")],
    )
    # Horizontal labels under the nodes, cut to their slot: the full name is in the tooltip and the table.
    labels = alt.Chart(pos).mark_text(fontSize=9, baseline="top", dy=7, color="#222222",
                                      limit=alt.expr(f"datum.slot * {unit} - 4")).encode(
        x=x, y=y, text="label:N", tooltip=alt.Tooltip("name:N", title="Organisation"))
    height = round((bottom - top) * ROW_PX)
    return alt.layer(shading, headers, row_labels, edges, nodes, labels).properties(
        title=title, description=_description(g), width="container", height=height)


def _description(g: nx.MultiDiGraph) -> str:
    levels = pd.Series(dict(g.nodes(data="level"))).value_counts()
    parts = ", ".join(f"{levels.get(lv, 0)} au niveau {LEVEL_LABELS[lv]}" for lv in LEVELS)
    return (f"Diagramme de réseau : {g.number_of_nodes()} organisations ({parts}), placées sur trois bandes "
            f"horizontales (national en haut, régional au milieu, local en bas, une ligne par territoire), "
            f"reliées par {g.number_of_edges()} liens documentés dont le tracé indique le type. La liste des "
            f"liens suit le graphique sous forme de tableau.")


# --------------------------------------------------------------------------- exports

DOWNLOAD_DIR = "telechargements/reseaux"  # inside the built HTML; written by _ext/downloads.py
EXPORT_FORMATS = {".graphml": "GraphML", ".gexf": "GEXF (Gephi)", "-noeuds.csv": "CSV des organisations",
                  "-liens.csv": "CSV des liens"}


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
    pos = layout(g).set_index("actor_id")
    for node, attrs in viz.nodes(data=True):
        colour = charts.PALETTE[SECTORS.index(attrs["sector"]) % len(charts.PALETTE)]
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
    """Every region's whole record (all periods; `period` is an edge attribute to filter on)."""
    rec = record(Path(data_dir))
    paths = []
    for region_id in regions(data_dir)["region_id"]:
        paths += export(graph(rec, region_id, None), Path(outdir), f"reseau-{region_id}")
    return paths


def download_links(root: str, data_dir: Path = data.DATA_DIR) -> str:
    """An HTML table linking each region's exported files; `root` leads from the page to the HTML root."""
    rows = []
    for r in regions(data_dir).itertuples():
        stem = f"{root}{DOWNLOAD_DIR}/reseau-{r.region_id}"
        cells = "".join(f'<td><a href="{stem}{suffix}" download aria-label="{label}, {r.name}">{label}</a></td>'
                        for suffix, label in EXPORT_FORMATS.items())
        rows.append(f"<tr><th scope='row'>{r.name}</th>{cells}</tr>")
    head = "".join(f"<th scope='col'>{label}</th>" for label in EXPORT_FORMATS.values())
    return (f"<table class='table network-downloads'><caption>Réseaux à télécharger, par région</caption>"
            f"<thead><tr><th scope='col'>Région</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
