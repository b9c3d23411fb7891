"""Governance networks, the domain: graphs per region and phase, their measures, modes and robustness.

Nothing here draws or formats for readers (see `analysis.present.diagram`); every function returns
data. Conventions (stated in the governance chapter):
- a tie is `source_actor` doing the verb (`relation`) to `target_actor`; a region's graph holds the
  ties that touch at least one of the region's actors, so Quebec-wide actors tied to it are included;
- a tie belongs to one phase (`data/tie_phases.csv`, read from its period, note and source): the
  Alliance's implementation (`pagsis`) and the transition that followed the abolition of the CRÉ
  (`transition`) are separate; a tie whose phase cannot be told is in no phase's graph and is listed;
- density and Freeman centralisations are computed on the *undirected* simple graph (who is tied
  to whom, whatever the verb), because the direction of a tie is the grammar of its verb, not a flow;
- Gould-Fernandez brokerage uses the *directed* simple graph as recorded, with groups = level;
- the governance mode is this edition's operationalisation of Provan & Kenis (2008), see `mode`, and
  is kept only where it survives the checks of `robustness`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis.contract import data
from analysis.study import statements

LEVELS = ("national", "regional", "local")  # drawing order, top to bottom
SECTORS = ("public", "municipal", "parapublic", "communautaire", "economique", "philanthropie", "recherche",
           "citoyens")
RELATIONS = ("signe-avec", "mandate", "finance", "coordonne", "accompagne", "siege-a", "membre-de", "conteste")

# Quebec-wide actors referenced by every region. The data package should carry a row for each
# (region_id empty, level national); this table only fills in when a row is missing.
SHARED_ACTORS = {
    "mess": ("Ministère de l'Emploi et de la Solidarité sociale", "MESS", "public"),
    "mamrot": ("Ministère des Affaires municipales, des Régions et de l'Occupation du territoire", "MAMROT",
               "public"),
    "msss": ("Ministère de la Santé et des Services sociaux", "MSSS", "public"),
    "rqds": ("Réseau québécois de développement social", "RQDS", "communautaire"),
}

# The phase rule: each tie's phase is a row of `tie_phases` (domain `tie_phase` of labels.csv).
PHASE_TABLE = "tie_phases"
PHASES = ("avant-2010", "pagsis", "transition", "cycle-suivant")  # in time order
MAIN_PHASE = "pagsis"  # the Alliance's implementation, 2010-2015: the graph every chapter draws
UNDETERMINED_PHASE = "indeterminee"  # in no phase's graph; listed beside each diagram
TRANSITION_YEAR = 2014  # the abolition of the CRÉ was announced in November 2014

MANDATE_RELATIONS = {"mandate", "signe-avec"}
SEAT_RELATIONS = {"siege-a", "membre-de"}


@dataclass(frozen=True)
class Rule:
    """This edition's governance-mode rule (an operationalisation, not the study's finding)."""

    min_actors: int = 10  # below this many organisations, centralisation says little
    min_ties: int = 10
    min_connected_share: float = 0.5  # a record in scattered pieces cannot show who governs the whole
    centralised: float = 0.30  # Freeman degree centralisation at or above which one actor dominates
    min_seats: int = 2  # organisations sitting on / members of an actor that make it a body of the network


RULE = Rule()
SHIFT = 0.05  # robustness: every fractional threshold of RULE is moved by this much, up and down
MIN_LIST = 2  # a document naming at least this many members or seats of one body is a membership list
MODES = ("partagee", "pilote", "oar", "indetermine")  # codes; French labels in labels.csv, domain governance_mode
UNDETERMINED = "indetermine"

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")

# Robustness variants, in the order they are shown; each is recomputed from the phase graph.
VARIANTS = ("base", "sans-liste-unique", "sans-liens-tardifs", "centralisation-moins",
            "centralisation-plus", "connexite-moins", "connexite-plus")


@dataclass(frozen=True)
class Record:
    """The tables a network needs, already checked for missing actors; ties carry their phase."""

    actors: pd.DataFrame  # indexed by actor_id
    ties: pd.DataFrame
    promoters: frozenset  # actor ids that promote at least one funded project


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=4)
def record(data_dir: Path = data.DATA_DIR) -> Record:
    """Actors, ties (with their phase) and project promoters; a tie to an undescribed actor is skipped."""
    actors = data.load("actors", data_dir).set_index("actor_id", drop=False)
    ties = data.load("ties", data_dir).sort_values("tie_id", kind="stable")
    ties = _with_phases(ties, data.load_optional(PHASE_TABLE, data_dir))
    actors = _with_shared_actors(actors, ties)
    known = ties["source_actor"].isin(actors.index) & ties["target_actor"].isin(actors.index)
    for tie in ties.loc[~known, "tie_id"]:
        warnings.warn(f"tie {tie}: an actor has no row in actors and is not a shared actor; tie skipped",
                      stacklevel=2)
    projects = data.load_optional("projects", data_dir)
    promoters = frozenset(projects["promoter_actor"].dropna()) if projects is not None else frozenset()
    return Record(actors.sort_index(), ties[known].reset_index(drop=True), promoters)


def _with_phases(ties: pd.DataFrame, phases: pd.DataFrame | None) -> pd.DataFrame:
    """Each tie's phase; a tie without a row in tie_phases is undetermined (and said so)."""
    table = (phases if phases is not None else pd.DataFrame(columns=["tie_id", "phase", "basis_fr"])
             ).astype("string").set_index("tie_id")
    out = ties.assign(phase=ties["tie_id"].map(table["phase"]).astype("string"),
                      phase_basis=ties["tie_id"].map(table["basis_fr"]).astype("string"))
    missing = out.loc[out["phase"].isna(), "tie_id"].tolist()
    if missing:
        warnings.warn(f"ties without a row in {PHASE_TABLE}.csv, counted as undetermined: {missing}", stacklevel=3)
        out["phase"] = out["phase"].fillna(UNDETERMINED_PHASE)
    return out


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


# --------------------------------------------------------------------------- phases and graphs


def years(period: object) -> tuple[int, int] | None:
    """`2012` -> (2012, 2012); `2011-2015` -> (2011, 2015); empty -> None (undated)."""
    if period is None or pd.isna(period) or not str(period).strip():
        return None
    found = [int(y) for y in re.findall(r"\d{4}", str(period))]
    return (min(found), max(found)) if found else None


def late(period: object) -> bool:
    """Whether a tie is attested only from TRANSITION_YEAR on: its period starts that year or later, so
    it may have been recorded in the months the transition began."""
    span = years(period)
    return span is not None and span[0] >= TRANSITION_YEAR


def touching(rec: Record, region_id: str) -> pd.DataFrame:
    """Every tie touching at least one of the region's actors, whatever its phase."""
    own = set(rec.actors.index[rec.actors["region_id"] == region_id])
    ties = rec.ties
    return ties[ties["source_actor"].isin(own) | ties["target_actor"].isin(own)]


def region_ties(rec: Record, region_id: str, phase: str | None = MAIN_PHASE) -> pd.DataFrame:
    """Ties touching the region, in one phase (None: the whole record, every phase)."""
    ties = touching(rec, region_id)
    return ties if phase is None else ties[ties["phase"] == phase]


def build(region_id: str, phase: str | None = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> nx.MultiDiGraph:
    """The region's typed directed graph: nodes = organisations tied in the phase, one edge per tie."""
    return graph(record(Path(data_dir)), region_id, phase)


def graph(rec: Record, region_id: str, phase: str | None = MAIN_PHASE,
          ties: pd.DataFrame | None = None) -> nx.MultiDiGraph:
    """The graph of `ties` (default: the region's ties in the phase)."""
    ties = (region_ties(rec, region_id, phase) if ties is None else ties).sort_values("tie_id")
    g = nx.MultiDiGraph(region_id=region_id, phase=phase or "tout")
    for actor_id in sorted(set(ties["source_actor"]) | set(ties["target_actor"])):
        g.add_node(actor_id, **_attrs(rec.actors.loc[actor_id], ["name", "acronym", "sector", "level",
                                                                 "region_id", "territory_id", "role_fr",
                                                                 "source_ids"]))
    for tie in ties.itertuples(index=False):
        g.add_edge(tie.source_actor, tie.target_actor, key=tie.tie_id, tie_id=tie.tie_id,
                   **_attrs(tie._asdict(), ["relation", "period", "phase", "confidence", "note", "source_ids"]))
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


# --------------------------------------------------------------------------- the drawn object


@dataclass(frozen=True)
class Summary:
    """What a regional diagram draws, and what it leaves out: the numbers printed beside it."""

    region_id: str
    phase: str
    organisations: int
    liens: int
    by_level: dict  # level -> organisations drawn
    undetermined: tuple  # tie ids touching the region whose phase cannot be told (not drawn)
    other_phases: dict  # phase -> ties touching the region in that phase (not drawn)


@dataclass(frozen=True)
class Drawn:
    graph: nx.MultiDiGraph
    summary: Summary


def drawn(region_id: str, phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> Drawn:
    """The one graph a regional diagram draws, with its summary: diagram and prose both use it."""
    rec = record(Path(data_dir))
    g = graph(rec, region_id, phase)
    everything = touching(rec, region_id)
    levels = dict(g.nodes(data="level"))
    summary = Summary(
        region_id=region_id, phase=phase, organisations=g.number_of_nodes(), liens=g.number_of_edges(),
        by_level={lv: sum(v == lv for v in levels.values()) for lv in LEVELS},
        undetermined=tuple(sorted(everything.loc[everything["phase"] == UNDETERMINED_PHASE, "tie_id"])),
        other_phases={p: int((everything["phase"] == p).sum()) for p in PHASES if p != phase},
    )
    return Drawn(g, summary)


def summary(region_id: str, phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> Summary:
    return drawn(region_id, phase, data_dir).summary


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


def largest_share(g: nx.MultiDiGraph) -> float:
    """Share of the organisations in the largest weakly connected piece (0 for an empty graph)."""
    if g.number_of_nodes() == 0:
        return 0.0
    return len(max(nx.weakly_connected_components(g), key=len)) / g.number_of_nodes()


def is_network_body(g: nx.MultiDiGraph, actor: str, promoters: frozenset, rule: Rule = RULE) -> bool:
    """A body that governs rather than takes part: it is mandated (receives `mandate`/`signe-avec`) or
    others sit on it (>= min_seats `siege-a`/`membre-de`), and it promotes no funded project."""
    incoming = [rel for _, _, rel in g.in_edges(actor, data="relation")]
    mandated = any(rel in MANDATE_RELATIONS for rel in incoming)
    seats = sum(rel in SEAT_RELATIONS for rel in incoming)
    return (mandated or seats >= rule.min_seats) and actor not in promoters


def thin_record(g: nx.MultiDiGraph, rule: Rule = RULE) -> bool:
    if g.number_of_nodes() < rule.min_actors or g.number_of_edges() < rule.min_ties:
        return True
    return largest_share(g) < rule.min_connected_share


def mode(g: nx.MultiDiGraph, promoters: frozenset = frozenset(), rule: Rule = RULE) -> str:
    """Provan & Kenis mode code, by this edition's rule: thin record -> undetermined; degree
    centralisation below the cut-off -> shared governance; otherwise the central actor decides: a
    network body -> NAO, a participant -> lead organisation."""
    if thin_record(g, rule):
        return UNDETERMINED
    if degree_centralisation(g) < rule.centralised:
        return "partagee"
    return "oar" if is_network_body(g, central_actor(g), promoters, rule) else "pilote"


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
        "part_plus_grand_ensemble": round(largest_share(g), 3),
        "part_liens_entre_niveaux": round(cross_level_share(g), 3),
        **{f"courtage_{role}": int(roles[role]) for role in ROLES},
        "acteur_central": central or "",
        "acteur_central_nom": g.nodes[central]["name"] if central else "",
        "mode": mode(g, promoters),
    }


# --------------------------------------------------------------------------- robustness


def single_list_ties(ties: pd.DataFrame) -> set[str]:
    """Membership or seat ties (`membre-de`, `siege-a`) whose only source is one membership list: a
    single document that names at least MIN_LIST members or seats of the same body."""
    seats = ties[ties["relation"].isin(SEAT_RELATIONS)]
    sources = seats["source_ids"].map(data.split_ids)
    single = seats[sources.map(len) == 1].assign(source=sources.map(lambda s: s[0] if s else ""))
    listed = single.groupby(["source", "target_actor"])["tie_id"].transform("size") >= MIN_LIST
    return set(single.loc[listed, "tie_id"])


def _variant(rec: Record, region_id: str, phase: str, variant: str) -> tuple[nx.MultiDiGraph, Rule]:
    ties = region_ties(rec, region_id, phase)
    rule = RULE
    if variant == "sans-liste-unique":
        ties = ties[~ties["tie_id"].isin(single_list_ties(ties))]
    elif variant == "sans-liens-tardifs":
        ties = ties[~ties["period"].map(late).astype(bool)]
    elif variant.startswith(("centralisation", "connexite")):
        field = "centralised" if variant.startswith("centralisation") else "min_connected_share"
        step = SHIFT if variant.endswith("plus") else -SHIFT
        rule = replace(RULE, **{field: round(getattr(RULE, field) + step, 6)})
    elif variant != "base":
        raise ValueError(f"unknown robustness variant {variant!r} (known: {', '.join(VARIANTS)})")
    return graph(rec, region_id, phase, ties), rule


def robustness(region_id: str, phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """The mode recomputed under every variant: without single-list membership ties, without ties
    attested only from the year the transition began, and with each fractional threshold moved by ± SHIFT."""
    return robustness_of(record(Path(data_dir)), region_id, phase)


def robustness_of(rec: Record, region_id: str, phase: str = MAIN_PHASE) -> pd.DataFrame:
    """`robustness` on a record already loaded: one row per variant, `change` where the mode differs."""
    rows = []
    for variant in VARIANTS:
        g, rule = _variant(rec, region_id, phase, variant)
        rows.append({"variante": variant, "acteurs": g.number_of_nodes(), "liens": g.number_of_edges(),
                     "centralisation_degre": round(degree_centralisation(g), 3),
                     "part_plus_grand_ensemble": round(largest_share(g), 3),
                     "seuil_centralisation": rule.centralised, "seuil_connexite": rule.min_connected_share,
                     "mode": mode(g, rec.promoters, rule)})
    table = pd.DataFrame(rows)
    return table.assign(change=table["mode"] != table.loc[0, "mode"])


def robust_mode(table: pd.DataFrame) -> tuple[str, list[str]]:
    """The mode shown: the base mode if no variant changes it, otherwise undetermined, with the
    variants that changed it (the reason)."""
    changed = table.loc[table["change"], "variante"].tolist()
    return (UNDETERMINED if changed else str(table.loc[0, "mode"])), changed


# --------------------------------------------------------------------------- tables over regions


def compare(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row of measures per region, in the package's region order, with the robust mode."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        row = {"region_id": r.region_id, "region": r.name,
               **measures(graph(rec, r.region_id, phase), rec.promoters)}
        shown, changed = robust_mode(robustness(r.region_id, phase, data_dir))
        rows.append(row | {"mode_retenu": shown, "variantes_divergentes": ";".join(changed)})
    return pd.DataFrame(rows)


def robustness_all(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Every region's robustness table, stacked (region_id, region, then the variant rows)."""
    frames = [robustness(r.region_id, phase, data_dir).assign(region_id=r.region_id, region=r.name)
              for r in regions(data_dir).itertuples()]
    return pd.concat(frames, ignore_index=True)


def by_phase(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Ties, centralisation and mode per region and phase: how far the record allows a dynamic view."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        for phase in PHASES:
            g = graph(rec, r.region_id, phase)
            rows.append({"region": r.name, "phase": phase, "acteurs": g.number_of_nodes(),
                         "liens": g.number_of_edges(), "centralisation_degre": round(degree_centralisation(g), 3),
                         "mode": mode(g, rec.promoters)})
    return pd.DataFrame(rows)


def completeness(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """How much record each region's network rests on: organisations, ties by phase, sources."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        ties = touching(rec, r.region_id)
        own = rec.actors[rec.actors["region_id"] == r.region_id]
        tied = set(ties["source_actor"]) | set(ties["target_actor"])
        cited = {s for cell in ties["source_ids"] for s in data.split_ids(cell)}
        rows.append({"region": r.name, "acteurs_documentes": len(own),
                     "acteurs_sans_lien": len(set(own.index) - tied), "liens": len(ties),
                     "liens_pagsis": int((ties["phase"] == MAIN_PHASE).sum()),
                     "liens_transition": int((ties["phase"] == "transition").sum()),
                     "liens_phase_indeterminee": int((ties["phase"] == UNDETERMINED_PHASE).sum()),
                     "liens_non_dates": int(ties["period"].isna().sum()),
                     "liens_confiance_faible": int((ties["confidence"] == "faible").sum()),
                     "sources_des_liens": len(cited)})
    return pd.DataFrame(rows)


def undetermined_ties(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """The ties left out of every phase's graph, with why (the basis of their phase row)."""
    rec = record(Path(data_dir))
    ties = rec.ties[rec.ties["phase"] == UNDETERMINED_PHASE]
    return ties[["tie_id", "source_actor", "relation", "target_actor", "period", "phase_basis", "source_ids"]]


def main_brokers(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region, the actor on most open two-paths that cross levels (every role but coordinator):
    who the record shows passing ties from one level to another."""
    rec = record(Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        g = graph(rec, r.region_id, phase)
        roles = brokerage(g)
        vertical = roles.drop(columns="coordinator").sum(axis=1)
        top = min(vertical.index, key=lambda n: (-vertical[n], n)) if vertical.any() else None
        rows.append({"region": r.name, "actor_id": top or "", "name": g.nodes[top]["name"] if top else "",
                     "level": g.nodes[top]["level"] if top else pd.NA,
                     "chemins_entre_niveaux": int(vertical[top]) if top else 0,
                     **{role: int(roles.loc[top, role]) if top else 0 for role in ROLES if role != "coordinator"}})
    return pd.DataFrame(rows)


def lead_bodies(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region, the lead body of the study model (`statements.lead_body`), with the ties it rests
    on; empty where the record documents neither a signature nor funding by the ministry."""
    tie_ids = set(record(Path(data_dir)).ties["tie_id"])
    rows = []
    for r in regions(data_dir).itertuples():
        st = statements.lead_body(r.region_id, Path(data_dir))
        rows.append({"region_id": r.region_id, "region": r.name, "status": st.status,
                     "actor_ids": ";".join(st.value_ids),
                     "tie_ids": ";".join(i for i in st.row_ids if i in tie_ids)})
    return pd.DataFrame(rows)
