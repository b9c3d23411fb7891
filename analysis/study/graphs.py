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
  is kept only where it survives the checks of `robustness`; a mode that changes once the ministry's
  own signature is left out follows from the rule's construction, one that changes once a single
  document's fan-out or membership list is left out rests on that one document (`BASES`);
- the share of ties joining two levels is a composition of the record, not a reading of vertical or
  horizontal governance: the Alliance's own circuit (ministry -> regional body -> local promoter) is
  cross-level by construction, so `measures` also gives how much of that share the circuit makes.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import igraph
import networkx as nx
import pandas as pd

from analysis.contract import data, labels
from analysis.study import statements

LEVELS = ("national", "regional", "local")  # drawing order, top to bottom
SECTORS = tuple(labels.mapping("sector"))  # the order of labels.csv

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
FUNDING = "finance"


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
MIN_LIST = 2  # a document naming at least this many members of one body, or partners of one actor, is a list
MODES = ("partagee", "pilote", "oar", "indetermine")  # codes; French labels in labels.csv, domain governance_mode
UNDETERMINED = "indetermine"

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")

# Robustness variants, in the order they are shown; each is recomputed from the phase graph.
VARIANTS = ("base", "sans-signature-ministere", "sans-eventail-unique", "sans-liste-unique",
            "sans-financement-seul", "sans-liens-tardifs", "centralisation-moins", "centralisation-plus",
            "connexite-moins", "connexite-plus")
# What a mode that a variant overturns rested on, in the order a reason is given: the rule's own
# construction (the ministry's signature makes its partner a mandated body), one document, or fragile
# ties and thresholds. Codes; French wording in analysis.present.diagram.
BASES = {"sans-signature-ministere": "construction", "sans-eventail-unique": "document-unique",
         "sans-liste-unique": "document-unique"}
FRAGILE = "fragile"


@dataclass(frozen=True)
class Record:
    """The tables a network needs, already checked for missing actors; ties carry their phase."""

    actors: pd.DataFrame  # indexed by actor_id
    ties: pd.DataFrame
    promoters: frozenset  # actor ids that promote at least one funded project
    ministry: str  # the national actor that signs every Alliance (statements.ministry)


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
    return Record(actors.sort_index(), ties[known].reset_index(drop=True), promoters,
                  statements.signing_ministry(actors, ties[known]))


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


NODE_ATTRS = ["name", "acronym", "sector", "level", "region_id", "territory_id", "role_fr", "source_ids"]
EDGE_ATTRS = ["relation", "period", "phase", "confidence", "note", "source_ids"]


def graph(rec: Record, region_id: str, phase: str | None = MAIN_PHASE,
          ties: pd.DataFrame | None = None) -> nx.MultiDiGraph:
    """The graph of `ties` (default: the region's ties in the phase)."""
    ties = (region_ties(rec, region_id, phase) if ties is None else ties).sort_values("tie_id")
    g = nx.MultiDiGraph(region_id=region_id, phase=phase or "tout")
    sources, targets = ties["source_actor"].tolist(), ties["target_actor"].tolist()
    nodes = sorted(set(sources) | set(targets))
    g.add_nodes_from(zip(nodes, _attrs(rec.actors.loc[nodes], NODE_ATTRS), strict=True))
    g.add_edges_from((u, v, key, {"tie_id": key, **attrs}) for u, v, key, attrs in zip(
        sources, targets, ties["tie_id"].tolist(), _attrs(ties, EDGE_ATTRS), strict=True))
    return g


def _attrs(frame: pd.DataFrame, names: list[str]) -> list[dict]:
    """Each row's graph attributes as plain strings: GraphML and GEXF refuse missing values. Column by
    column, not row by row: a ×100 record has thousands of ties per graph. The cells are read as Python
    values (the columns are text already): converting each column through pandas took eight times as long."""
    columns = [[v if isinstance(v, str) else "" if pd.isna(v) else str(v) for v in frame[n].tolist()]
               if n in frame else [""] * len(frame) for n in names]
    return [dict(zip(names, cells, strict=True)) for cells in zip(*columns, strict=True)]


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


@dataclass(frozen=True)
class Shape:
    """The structural measures of one graph but betweenness, which is computed only where it is needed."""

    degree_centralisation: float
    central: str | None
    largest_share: float


def _simple_key(g: nx.MultiDiGraph) -> tuple[tuple, tuple]:
    """`g` as its undirected simple graph (see `undirected`): sorted nodes, sorted distinct pairs."""
    pairs = {(u, v) if u < v else (v, u) for u, v in g.edges() if u != v}
    return tuple(sorted(g)), tuple(sorted(pairs))


def _simple(nodes: tuple, pairs: tuple) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(pairs)
    return simple


def shape(g: nx.MultiDiGraph) -> Shape:
    """The structure of `g` (undirected, simple), computed once for every graph with the same nodes and
    pairs: the robustness variants that only move a threshold reuse the base graph's."""
    return _shape(*_simple_key(g))


@lru_cache(maxsize=1024)
def _shape(nodes: tuple, pairs: tuple) -> Shape:
    simple = _simple(nodes, pairs)
    n = len(nodes)
    if n == 0:
        return Shape(0.0, None, 0.0)
    degree = nx.degree_centrality(simple) if n > 1 else {nodes[0]: 0.0}
    # Freeman (1979): sum(max - c_i) over the star's maximum; with networkx's normalisation the star's
    # maximum is n-2 for degree (d_i/(n-1)).
    most = max(simple.degree(v) for v in simple)
    tied = [v for v in simple if simple.degree(v) == most]
    # betweenness breaks a tie of degree only: it is not computed for a graph with one most-tied actor
    between = _betweenness(nodes, pairs) if len(tied) > 1 else {}
    top = max(degree.values())  # once, not once per actor
    return Shape(
        degree_centralisation=sum(top - d for d in degree.values()) / (n - 2) if n >= 3 else 0.0,
        central=min(tied, key=lambda v: (-round(between.get(v, 0.0), 12), v)),
        largest_share=len(max(nx.connected_components(simple), key=len)) / n)


@lru_cache(maxsize=1024)
def _betweenness(nodes: tuple, pairs: tuple) -> dict:
    """Exact betweenness, normalised as networkx's `betweenness_centrality(normalized=True)` (undirected: over
    (n-1)(n-2)/2 pairs). igraph runs Brandes' algorithm in C: networkx's pure Python is O(nodes x ties)
    interpreted, minutes on a graph of a few thousand organisations."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    raw = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v in pairs]).betweenness(directed=False)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return {v: b * scale for v, b in zip(nodes, raw, strict=True)}


def density(g: nx.MultiDiGraph) -> float:
    """Share of possible pairs that are tied (undirected: pairs / n(n-1)/2)."""
    return nx.density(undirected(g)) if g.number_of_nodes() > 1 else 0.0


def degree_centralisation(g: nx.MultiDiGraph) -> float:
    """Freeman (1979) degree centralisation, undirected: sum(max - d_i) / ((n-1)(n-2)). Star = 1, clique = 0."""
    return shape(g).degree_centralisation


def betweenness_centralisation(g: nx.MultiDiGraph) -> float:
    """Freeman betweenness centralisation, undirected. Star = 1, clique = 0. The star's maximum is n-1
    with networkx's normalisation (over (n-1)(n-2)/2)."""
    nodes, pairs = _simple_key(g)
    if len(nodes) < 3:
        return 0.0
    between = _betweenness(nodes, pairs)
    top = max(between.values())
    return sum(top - b for b in between.values()) / (len(nodes) - 1)


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


def _crossing(g: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """(source, target, relation) of every recorded tie joining two different levels."""
    levels = nx.get_node_attributes(g, "level")
    return [(u, v, rel) for u, v, rel in g.edges(data="relation") if levels[u] != levels[v]]


def cross_level_share(g: nx.MultiDiGraph) -> float:
    """Share of ties (each recorded tie counts) joining two different levels. A composition of the
    record, not a reading of vertical governance: see `circuit_share`."""
    return len(_crossing(g)) / g.number_of_edges() if g.number_of_edges() else 0.0


def circuit_share(g: nx.MultiDiGraph) -> float:
    """Share of the cross-level ties that are signatures, mandates or funding: the Alliance's circuit
    (the ministry signs with and funds a regional body, which funds local promoters) crosses levels by
    construction, whoever governs."""
    crossing = _crossing(g)
    circuit = MANDATE_RELATIONS | {FUNDING}
    return sum(rel in circuit for _, _, rel in crossing) / len(crossing) if crossing else 0.0


def central_actor(g: nx.MultiDiGraph) -> str | None:
    """Most tied-to actor (undirected degree); ties broken by betweenness, then id, so it is stable."""
    return shape(g).central


def largest_share(g: nx.MultiDiGraph) -> float:
    """Share of the organisations in the largest weakly connected piece (0 for an empty graph)."""
    return shape(g).largest_share


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
        "part_circuit_entre_niveaux": round(circuit_share(g), 3),
        **{f"courtage_{role}": int(roles[role]) for role in ROLES},
        "acteur_central": central or "",
        "acteur_central_nom": g.nodes[central]["name"] if central else "",
        "mode": mode(g, promoters),
    }


# --------------------------------------------------------------------------- robustness


def _single_source(ties: pd.DataFrame) -> pd.DataFrame:
    """The ties that rest on one document, with that document in `source`."""
    sources = ties["source_ids"].map(data.split_ids)
    return ties[sources.map(len) == 1].assign(source=sources.map(lambda s: s[0] if s else ""))


def single_list_ties(ties: pd.DataFrame) -> set[str]:
    """Membership or seat ties (`membre-de`, `siege-a`) whose only source is one membership list: a
    single document that names at least MIN_LIST members or seats of the same body (a fan-in)."""
    single = _single_source(ties[ties["relation"].isin(SEAT_RELATIONS)])
    listed = single.groupby(["source", "target_actor"])["target_actor"].transform("size") >= MIN_LIST
    return set(single.loc[listed, "tie_id"])


def single_fanout_ties(ties: pd.DataFrame) -> set[str]:
    """Ties from one actor whose only source is one document naming at least MIN_LIST of that actor's
    partners (a fan-out): an announcement listing the organisations a body funds or accompanies says
    who was named that day, not a network observed over time."""
    single = _single_source(ties)
    partners = single.groupby(["source", "source_actor"])["target_actor"].transform("nunique")
    return set(single.loc[partners >= MIN_LIST, "tie_id"])


def funding_only_ties(ties: pd.DataFrame) -> set[str]:
    """`finance` ties between two organisations tied by nothing else: without them, the graph shows who
    works with whom rather than where the money went."""
    pair = pd.Series([frozenset(p) for p in zip(ties["source_actor"], ties["target_actor"], strict=True)],
                     index=ties.index, dtype=object)
    other = set(pair[ties["relation"] != FUNDING])
    return set(ties.loc[(ties["relation"] == FUNDING) & ~pair.isin(other), "tie_id"])


def funder_signature_ties(ties: pd.DataFrame, ministry: str) -> set[str]:
    """The ministry's own signature or mandate ties: the rule's body test reads them as a mandate, so the
    body the ministry signed with passes that test by construction."""
    own = (ties["source_actor"] == ministry) & ties["relation"].isin(MANDATE_RELATIONS)
    return set(ties.loc[own, "tie_id"])


# Variant -> the ties it drops, given the region's ties and the record.
DROPPED = {"sans-signature-ministere": lambda ties, rec: funder_signature_ties(ties, rec.ministry),
           "sans-eventail-unique": lambda ties, rec: single_fanout_ties(ties),
           "sans-liste-unique": lambda ties, rec: single_list_ties(ties),
           "sans-financement-seul": lambda ties, rec: funding_only_ties(ties)}


def _variant(rec: Record, ties: pd.DataFrame, variant: str) -> tuple[pd.DataFrame, Rule]:
    """The region's ties and the rule under one variant (`ties` itself when the variant keeps them all)."""
    rule = RULE
    if variant in DROPPED:
        ties = ties[~ties["tie_id"].isin(DROPPED[variant](ties, rec))]
    elif variant == "sans-liens-tardifs":
        ties = ties[~ties["period"].map(late).astype(bool)]
    elif variant.startswith(("centralisation", "connexite")):
        field = "centralised" if variant.startswith("centralisation") else "min_connected_share"
        step = SHIFT if variant.endswith("plus") else -SHIFT
        rule = replace(RULE, **{field: round(getattr(RULE, field) + step, 6)})
    elif variant != "base":
        raise ValueError(f"unknown robustness variant {variant!r} (known: {', '.join(VARIANTS)})")
    return ties, rule


def robustness(region_id: str, phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """The mode recomputed under every variant (see VARIANTS and DROPPED)."""
    return robustness_of(record(Path(data_dir)), region_id, phase)


def robustness_of(rec: Record, region_id: str, phase: str = MAIN_PHASE) -> pd.DataFrame:
    """`robustness` on a record already loaded: one row per variant, `change` where the mode differs."""
    ties = region_ties(rec, region_id, phase)
    base = graph(rec, region_id, phase, ties)
    rows = []
    for variant in VARIANTS:
        kept, rule = _variant(rec, ties, variant)
        g = base if kept is ties else graph(rec, region_id, phase, kept)  # a threshold moved: same graph
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


def mode_basis(changed: list[str]) -> str:
    """What an overturned mode rested on: the rule's construction before one document, before fragile
    ties or thresholds; empty when no variant changed the mode."""
    if not changed:
        return ""
    found = {BASES.get(v, FRAGILE) for v in changed}
    return next(b for b in ("construction", "document-unique", FRAGILE) if b in found)


# --------------------------------------------------------------------------- tables over regions


def compare(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row of measures per region, in the package's region order, with the robust mode."""
    rec, tables = record(Path(data_dir)), _robustness_tables(phase, Path(data_dir))
    rows = []
    for r in regions(data_dir).itertuples():
        row = {"region_id": r.region_id, "region": r.name,
               **measures(graph(rec, r.region_id, phase), rec.promoters)}
        shown, changed = robust_mode(tables[r.region_id])
        single = one_document_ties(region_ties(rec, r.region_id, phase), row["acteur_central"])
        rows.append(row | {"mode_retenu": shown, "variantes_divergentes": ";".join(changed),
                           # only a mode the rule gives can rest on something
                           "fondement": mode_basis(changed) if row["mode"] != UNDETERMINED else "",
                           "liens_document_unique": len(single),
                           "documents_uniques": ";".join(sorted(set(single["source_ids"])))})
    return pd.DataFrame(rows)


def one_document_ties(ties: pd.DataFrame, actor: str) -> pd.DataFrame:
    """The ties of `actor` that a single document's fan-out or membership list alone attests."""
    single = single_fanout_ties(ties) | single_list_ties(ties)
    touches = ties["source_actor"].eq(actor) | ties["target_actor"].eq(actor)
    return ties[ties["tie_id"].isin(single) & touches]


def robustness_all(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Every region's robustness table, stacked (region_id, region, then the variant rows)."""
    tables = _robustness_tables(phase, Path(data_dir))
    frames = [tables[r.region_id].assign(region_id=r.region_id, region=r.name)
              for r in regions(data_dir).itertuples()]
    return pd.concat(frames, ignore_index=True)


@lru_cache(maxsize=4)
def _robustness_tables(phase: str, data_dir: Path) -> dict[str, pd.DataFrame]:
    """Each region's robustness table, computed once per record like `record` itself: `compare` and
    `robustness_all`, on the same page, both need all six (a tenth of that page's time each). Only read."""
    rec = record(data_dir)
    return {r.region_id: robustness_of(rec, r.region_id, phase) for r in regions(data_dir).itertuples()}


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


def lead_ties(phase: str = MAIN_PHASE, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region, the lead body (`lead_bodies`) and its ties in the phase to organisations other than
    the ministry: none (`isole`) means the record does not tie the body to the network it is said to
    govern, only to the ministry that signed with or funded it."""
    rec = record(Path(data_dir))
    leads = lead_bodies(data_dir)
    ministry = statements.ministry(Path(data_dir))
    counts = []
    for r in leads.itertuples():
        ties = region_ties(rec, r.region_id, phase)
        lead = set(data.split_ids(r.actor_ids))
        touching_lead = ties["source_actor"].isin(lead) | ties["target_actor"].isin(lead)
        with_funder = ties["source_actor"].eq(ministry) | ties["target_actor"].eq(ministry)
        counts.append(int((touching_lead & ~with_funder).sum()))
    isolated = [bool(ids) and n == 0 for ids, n in zip(leads["actor_ids"], counts, strict=True)]
    return leads.assign(liens_au_reseau=counts, isole=isolated)
