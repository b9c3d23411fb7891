"""Governance networks: measures checked against values computed by hand, then the real record."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from analysis.build import export
from analysis.build.cli import main
from analysis.contract import data, labels, paths
from analysis.present import charts, diagram, layout, tables
from analysis.study import governance, graphs, statements
from tests.conftest import HTML

ACTOR_COLUMNS = ["actor_id", "name", "acronym", "sector", "level", "region_id", "territory_id", "role_fr",
                 "source_ids"]
TIE_COLUMNS = ["tie_id", "source_actor", "target_actor", "relation", "period", "confidence", "note", "source_ids"]
RECORD_TIE_COLUMNS = [*TIE_COLUMNS, "phase", "phase_basis"]


def actor(actor_id: str, level: str = "regional", sector: str = "communautaire", region: str = "r") -> dict:
    return {"actor_id": actor_id, "name": f"Organisme {actor_id}", "acronym": None, "sector": sector,
            "level": level, "region_id": None if level == "national" else region, "territory_id": None,
            "role_fr": "rôle", "source_ids": "s-1"}


def tie(source: str, target: str, relation: str = "accompagne", period: str | None = None,
        phase: str = "pagsis", sources: str = "s-1") -> dict:
    return {"tie_id": f"t-{source}-{target}-{relation}", "source_actor": source, "target_actor": target,
            "relation": relation, "period": period, "confidence": "elevee", "note": None, "source_ids": sources,
            "phase": phase, "phase_basis": "essai"}


MINISTRY = "mess"  # the national actor that signs the Alliances in these fixtures


def make_record(actors: list[dict], ties: list[dict], promoters: tuple = ()) -> graphs.Record:
    frame = pd.DataFrame(actors, columns=ACTOR_COLUMNS).astype("string").set_index("actor_id", drop=False)
    return graphs.Record(frame.sort_index(), pd.DataFrame(ties, columns=RECORD_TIE_COLUMNS).astype("string"),
                         frozenset(promoters), MINISTRY)


def make_graph(levels: dict[str, str], edges: list[tuple], promoters: tuple = ()) -> nx.MultiDiGraph:
    """A region graph from {actor: level} and (source, target[, relation]) edges."""
    rec = make_record([actor(a, lv) for a, lv in levels.items()], [tie(*e) for e in edges], promoters)
    return graphs.graph(rec, "r", None)


def star(leaves: int, relation: str = "accompagne") -> nx.MultiDiGraph:
    levels = {"c": "regional"} | {f"l{i}": "local" for i in range(1, leaves + 1)}
    return make_graph(levels, [("c", f"l{i}", relation) for i in range(1, leaves + 1)])


LINE = make_graph(dict.fromkeys("abcd", "regional"), [("a", "b"), ("b", "c"), ("c", "d")])
COMPLETE = make_graph(dict.fromkeys("abcd", "regional"), [(u, v) for u in "abcd" for v in "abcd" if u != v])
# Three levels: n national; r1, r2, r3 regional; l1, l2 local.
THREE_LEVELS = make_graph(
    {"n": "national", "r1": "regional", "r2": "regional", "r3": "regional", "l1": "local", "l2": "local"},
    [("n", "r1"), ("r2", "r1"), ("r1", "r3"), ("r1", "l1"), ("r3", "l2"), ("l2", "r2")],
)


# --------------------------------------------------------------------------- density, centralisation


def test_density_is_undirected_share_of_tied_pairs():
    # star, 5 nodes: 4 tied pairs of 5*4/2 = 10 -> 0.4; line a-b-c-d: 3 of 6 -> 0.5; complete: 6 of 6
    assert graphs.density(star(4)) == pytest.approx(0.4)
    assert graphs.density(LINE) == pytest.approx(0.5)
    assert graphs.density(COMPLETE) == pytest.approx(1.0)


def test_freeman_degree_centralisation_by_hand():
    # star 5: degrees 4,1,1,1,1 -> sum(4 - d) = 12, max possible (n-1)(n-2) = 12 -> 1
    assert graphs.degree_centralisation(star(4)) == pytest.approx(1.0)
    # line: degrees 1,2,2,1 -> sum(2 - d) = 2; (n-1)(n-2) = 6 -> 1/3
    assert graphs.degree_centralisation(LINE) == pytest.approx(1 / 3)
    # complete graph: every degree equal -> 0
    assert graphs.degree_centralisation(COMPLETE) == pytest.approx(0.0)
    # three-level example, undirected degrees n1 r1 4 r2 2 r3 2 l1 1 l2 2: sum(4 - d) = 12; 5*4 = 20 -> 0.6
    assert graphs.degree_centralisation(THREE_LEVELS) == pytest.approx(0.6)


def test_freeman_betweenness_centralisation_by_hand():
    # star 5: centre on all C(4,2) = 6 leaf pairs, leaves on none: sum = 4*6 = 24 = (n-1)^2(n-2)/2 -> 1
    assert graphs.betweenness_centralisation(star(4)) == pytest.approx(1.0)
    # line a-b-c-d: b on (a,c),(a,d); c on (b,d),(a,d): 2,2 -> sum(2 - b) = 4; (n-1)^2(n-2)/2 = 9 -> 4/9
    assert graphs.betweenness_centralisation(LINE) == pytest.approx(4 / 9)
    assert graphs.betweenness_centralisation(COMPLETE) == pytest.approx(0.0)
    # three levels: r1 lies on n-l1, n-r2, n-r3, n-l2, l1-r2, l1-r3, l1-l2 and half of r2-r3 = 7.5;
    # r2 and r3 on half of n-l2, l1-l2, r1-l2 = 1.5 each; l2 on half of r2-r3 = 0.5.
    # sum(7.5 - b) = 7.5 + 7.5 + 6 + 6 + 7 = 34; max (n-1)^2(n-2)/2 = 50 -> 0.68
    assert graphs.betweenness_centralisation(THREE_LEVELS) == pytest.approx(0.68)


def test_parallel_ties_and_tiny_graphs_do_not_break_measures():
    doubled = make_graph({"a": "regional", "b": "local"}, [("a", "b", "finance"), ("a", "b", "signe-avec")])
    assert doubled.number_of_edges() == 2
    assert graphs.density(doubled) == pytest.approx(1.0)
    assert graphs.degree_centralisation(doubled) == 0.0
    assert graphs.betweenness_centralisation(nx.MultiDiGraph()) == 0.0


# --------------------------------------------------------------------------- brokerage and levels


def test_gould_fernandez_roles_on_three_levels():
    # open two-paths a -> b -> c with no a -> c tie:
    #   n -> r1 -> r3  gatekeeper (r1, r3 regional; n outside)   n -> r1 -> l1   liaison (three levels)
    #   r2 -> r1 -> r3 coordinator (all regional)                 r2 -> r1 -> l1  representative
    #   l2 -> r2 -> r1 gatekeeper for r2                          r1 -> r3 -> l2  representative for r3
    #   r3 -> l2 -> r2 itinerant for l2 (a regional broker-free pair joined by a local node)
    roles = graphs.brokerage(THREE_LEVELS)
    assert roles.loc["r1"].to_dict() == {"coordinator": 1, "itinerant": 0, "gatekeeper": 1, "representative": 1,
                                         "liaison": 1}
    assert roles.loc["r2"].to_dict() == {"coordinator": 0, "itinerant": 0, "gatekeeper": 1, "representative": 0,
                                         "liaison": 0}
    assert roles.loc["r3", "representative"] == 1 and roles.loc["r3"].sum() == 1
    assert roles.loc["l2", "itinerant"] == 1 and roles.loc["l2"].sum() == 1
    assert roles.loc[["n", "l1"]].to_numpy().sum() == 0
    assert roles.sum().to_dict() == {"coordinator": 1, "itinerant": 1, "gatekeeper": 2, "representative": 2,
                                     "liaison": 1}


def test_brokerage_skips_closed_two_paths_and_follows_direction():
    # line a -> b -> c -> d: b and c each coordinate one open path; adding a -> c closes b's path
    assert graphs.brokerage(LINE)["coordinator"].to_dict() == {"a": 0, "b": 1, "c": 1, "d": 0}
    closed = make_graph(dict.fromkeys("abc", "regional"), [("a", "b"), ("b", "c"), ("a", "c")])
    assert graphs.brokerage(closed).to_numpy().sum() == 0
    # an out-star has no two-path at all; the complete graph has only closed ones
    assert graphs.brokerage(star(4)).to_numpy().sum() == 0
    assert graphs.brokerage(COMPLETE).to_numpy().sum() == 0


def test_cross_level_share_counts_every_tie():
    # three levels: n-r1, r1-l1, r3-l2, l2-r2 cross; r2-r1, r1-r3 stay regional -> 4/6
    assert graphs.cross_level_share(THREE_LEVELS) == pytest.approx(4 / 6)
    assert graphs.cross_level_share(star(4)) == pytest.approx(1.0)
    assert graphs.cross_level_share(LINE) == 0.0


def test_circuit_share_is_the_part_of_cross_level_ties_that_signatures_and_funding_make():
    # n signs with r (cross), r funds l1 (cross), r accompanies l2 (cross), r funds r2 (same level):
    # 2 of the 3 cross-level ties are the circuit
    g = make_graph({"n": "national", "r": "regional", "r2": "regional", "l1": "local", "l2": "local"},
                   [("n", "r", "signe-avec"), ("r", "l1", "finance"), ("r", "l2", "accompagne"),
                    ("r", "r2", "finance")])
    assert graphs.cross_level_share(g) == pytest.approx(3 / 4)
    assert graphs.circuit_share(g) == pytest.approx(2 / 3)
    assert graphs.circuit_share(LINE) == 0.0


# --------------------------------------------------------------------------- governance mode


def test_thin_record_is_undetermined():
    assert graphs.mode(star(4)) == graphs.UNDETERMINED  # 5 actors < MIN_ACTORS
    # 12 actors and 12 ties in four separate triangles: the largest piece holds 3/12 < 1/2
    triangles = [(f"{k}a", f"{k}b") for k in range(4)] + [(f"{k}b", f"{k}c") for k in range(4)] + [
        (f"{k}c", f"{k}a") for k in range(4)]
    pieces = make_graph({f"{k}{x}": "local" for k in range(4) for x in "abc"}, triangles)
    assert graphs.thin_record(pieces)
    assert graphs.mode(pieces) == graphs.UNDETERMINED


def test_decentralised_ring_is_shared_governance():
    # a ring of 12: every degree is 2 -> centralisation 0 < CENTRALISED
    nodes = [f"a{i:02}" for i in range(12)]
    ring = make_graph(dict.fromkeys(nodes, "local"), [(nodes[i], nodes[(i + 1) % 12]) for i in range(12)])
    assert graphs.degree_centralisation(ring) == 0.0
    assert graphs.mode(ring) == "partagee"


def test_centralised_network_mode_depends_on_what_the_centre_is():
    leaves = {f"l{i:02}": "local" for i in range(11)}
    # centre accompanies 11 participants and is not mandated nor sat on -> a participant leads
    plain = make_graph({"c": "regional"} | leaves, [("c", leaf) for leaf in leaves])
    assert graphs.degree_centralisation(plain) == pytest.approx(1.0)
    assert graphs.central_actor(plain) == "c"
    assert graphs.mode(plain) == "pilote"
    # the same centre with members sitting on it -> a network body (NAO) ...
    seated = make_graph({"c": "regional"} | leaves, [(leaf, "c", "siege-a") for leaf in leaves])
    assert graphs.mode(seated) == "oar"
    # ... unless it also promotes a funded project: then it is a participant leading the network
    assert graphs.mode(seated, frozenset({"c"})) == "pilote"
    # a mandate from a ministry also makes it a network body
    mandated = make_graph({"c": "regional", "m": "national"} | leaves,
                          [("m", "c", "signe-avec")] + [("c", leaf) for leaf in leaves])
    assert graphs.mode(mandated) == "oar"


def test_central_actor_tie_break_is_stable():
    # a-b-c-d: b and c have degree 2 and the same betweenness -> the smaller id
    assert graphs.central_actor(LINE) == "b"


# --------------------------------------------------------------------------- periods and region graphs


def test_period_parsing_and_late_ties():
    assert graphs.years("2012") == (2012, 2012)
    assert graphs.years("2011-2015") == (2011, 2015)
    assert graphs.years(None) is None and graphs.years("") is None
    # attested only from the year the abolition was announced: starts in 2014 or later
    assert graphs.late("2014") and graphs.late("2014-2015") and graphs.late("2015")
    assert not graphs.late("2013-2015") and not graphs.late("2010-2015") and not graphs.late(None)


def test_region_graph_is_one_phase_and_takes_national_actors_tied_to_it_only():
    rec = make_record(
        [actor("mess", "national", "public"), actor("a-cre", region="a"), actor("a-cdc", "local", region="a"),
         actor("a-comite", region="a"), actor("a-page", "local", region="a"), actor("b-cre", region="b")],
        [tie("mess", "a-cre", "signe-avec", "2011"), tie("a-cre", "a-cdc", "finance", "2019", "cycle-suivant"),
         tie("a-cdc", "a-comite", "siege-a", "2015", "transition"),
         tie("a-page", "a-cre", "membre-de", None, "indeterminee"), tie("mess", "b-cre", "signe-avec", "2012")],
    )
    g = graphs.graph(rec, "a", "pagsis")
    # the later-cycle and transition ties are other phases, the undated page is in none, b's tie elsewhere
    assert sorted(g) == ["a-cre", "mess"]
    assert sorted(graphs.graph(rec, "a", "transition")) == ["a-cdc", "a-comite"]
    assert sorted(graphs.graph(rec, "a", None)) == ["a-cdc", "a-comite", "a-cre", "a-page", "mess"]
    assert sorted(graphs.graph(rec, "b", None)) == ["b-cre", "mess"]
    assert g.nodes["mess"]["level"] == "national"
    assert all(phase == "pagsis" for _, _, phase in g.edges(data="phase"))


def test_single_list_ties_are_seats_from_one_list_document():
    ties = pd.DataFrame([
        tie("a", "table", "membre-de", sources="liste"), tie("b", "table", "membre-de", sources="liste"),
        tie("c", "table", "membre-de", sources="liste;article"),  # a second source: not resting on the list
        tie("d", "comite", "siege-a", sources="liste"),  # the only seat this document gives on that body
        tie("e", "table", "finance", sources="liste"),  # not a membership or seat tie
    ], columns=RECORD_TIE_COLUMNS)
    assert graphs.single_list_ties(ties) == {"t-a-table-membre-de", "t-b-table-membre-de"}


def _halves() -> graphs.Record:
    """Two pieces of 7 organisations: a star of 6 leaves around c (7 ties), and a ring of 7 (7 ties).
    The largest piece holds exactly 50 %, like the Mauricie record before the phase rule."""
    leaves = [f"l{i}" for i in range(6)]
    ring = [f"r{i}" for i in range(7)]
    actors = [actor("c")] + [actor(a, "local") for a in leaves + ring]
    # one document per tie, so no fan-out variant applies
    ties = ([tie("c", leaf, sources=f"s-{leaf}") for leaf in leaves]
            + [tie(ring[i], ring[(i + 1) % 7], sources=f"s-{ring[i]}") for i in range(7)])
    return make_record(actors, ties)


def test_a_mode_resting_on_exactly_half_the_record_is_undetermined_with_its_reason():
    rec = _halves()
    table = graphs.robustness_of(rec, "r")
    assert list(table["variante"]) == list(graphs.VARIANTS)
    base = table.set_index("variante")
    assert base.loc["base", "part_plus_grand_ensemble"] == 0.5
    assert base.loc["base", "mode"] != graphs.UNDETERMINED  # the rule as such classifies it ...
    assert base.loc["connexite-plus", "mode"] == graphs.UNDETERMINED  # ... a 0.05 stricter share does not
    shown, changed = graphs.robust_mode(table)
    assert shown == graphs.UNDETERMINED and changed == ["connexite-plus"]


def test_a_mode_that_survives_every_variant_is_kept():
    leaves = {f"l{i:02}": "local" for i in range(11)}
    plain = make_record([actor("c")] + [actor(a, lv) for a, lv in leaves.items()],
                        [tie("c", leaf, "accompagne", "2012", sources=f"s-{leaf}") for leaf in leaves])
    shown, changed = graphs.robust_mode(graphs.robustness_of(plain, "r"))
    assert (shown, changed) == ("pilote", [])


def test_membership_list_and_late_ties_variants_remove_what_they_say():
    members = {f"m{i}": "local" for i in range(10)}
    rec = make_record([actor("t")] + [actor(a, lv) for a, lv in members.items()] + [actor("x", "local")],
                      [tie(m, "t", "membre-de", sources="liste") for m in members]
                      + [tie("x", "t", "accompagne", "2014")])
    table = graphs.robustness_of(rec, "r").set_index("variante")
    assert table.loc["base", "liens"] == 11
    assert table.loc["sans-liste-unique", "liens"] == 1 and table.loc["sans-liens-tardifs", "liens"] == 10
    assert table.loc["sans-liste-unique", "mode"] == graphs.UNDETERMINED


def test_fanout_variant_drops_one_actor_s_partners_named_by_one_document_only():
    # c -> a, b from document d (a fan-out of 2); c -> e from d and d2 (a second document backs it);
    # x -> y alone from d (one partner: no fan-out); m -> c twice from d3 (two ties, one partner)
    rec = make_record([actor(a) for a in "cabexym"],
                      [tie("c", "a", sources="d"), tie("c", "b", sources="d"), tie("c", "e", sources="d;d2"),
                       tie("x", "y", sources="d"), tie("m", "c", "signe-avec", sources="d3"),
                       tie("m", "c", "finance", sources="d3")])
    assert graphs.single_fanout_ties(rec.ties) == {"t-c-a-accompagne", "t-c-b-accompagne"}


def test_funding_only_variant_keeps_a_funded_pair_tied_otherwise():
    # m signs with and funds c (pair tied otherwise: kept); c funds a only (dropped); b funds c and c
    # accompanies b (kept, whatever the direction)
    rec = make_record([actor(a) for a in "mcab"],
                      [tie("m", "c", "signe-avec"), tie("m", "c", "finance"), tie("c", "a", "finance"),
                       tie("b", "c", "finance"), tie("c", "b", "accompagne")])
    assert graphs.funding_only_ties(rec.ties) == {"t-c-a-finance"}


def _signed_star(leaves: int, relation: str) -> graphs.Record:
    """The ministry signs with hub h, which has `leaves` partners, each tie from its own document."""
    names = [f"l{i:02}" for i in range(leaves)]
    actors = [actor(MINISTRY, "national", "public"), actor("h")] + [actor(n, "local") for n in names]
    ties = [tie(MINISTRY, "h", "signe-avec", sources="entente")]
    ties += [tie("h", n, relation, "2012", sources=f"s-{n}") for n in names]
    return make_record(actors, ties)


def test_a_nao_that_holds_only_by_the_ministry_s_signature_follows_from_the_rule():
    rec = _signed_star(11, "accompagne")
    table = graphs.robustness_of(rec, "r").set_index("variante")
    # the hub is central and mandated by the signature alone: NAO; without the signature, a lead organisation
    assert table.loc["base", "mode"] == "oar" and table.loc["sans-signature-ministere", "mode"] == "pilote"
    shown, changed = graphs.robust_mode(table.reset_index())
    assert shown == graphs.UNDETERMINED and changed == ["sans-signature-ministere"]
    assert graphs.mode_basis(changed) == "construction"


def test_a_mode_resting_on_one_announcement_is_said_to_rest_on_one_document():
    names = [f"l{i:02}" for i in range(11)]
    rec = make_record([actor("h")] + [actor(n, "local") for n in names],
                      [tie("h", n, "accompagne", "2011", sources="annonce") for n in names])
    table = graphs.robustness_of(rec, "r").set_index("variante")
    assert table.loc["base", "mode"] == "pilote"
    assert table.loc["sans-eventail-unique", "liens"] == 0
    changed = graphs.robust_mode(table.reset_index())[1]
    assert changed == ["sans-eventail-unique"] and graphs.mode_basis(changed) == "document-unique"
    # the construction outranks the other reasons when both apply; a threshold alone is fragile
    assert graphs.mode_basis(["sans-liste-unique", "sans-signature-ministere"]) == "construction"
    assert graphs.mode_basis(["connexite-plus"]) == graphs.FRAGILE and graphs.mode_basis([]) == ""


def test_a_mode_resting_on_funding_ties_alone_is_overturned():
    rec = _signed_star(11, "finance")
    table = graphs.robustness_of(rec, "r").set_index("variante")
    assert table.loc["sans-financement-seul", "liens"] == 1  # only the signature is left
    assert table.loc["sans-financement-seul", "mode"] == graphs.UNDETERMINED


def test_betweenness_is_computed_once_per_graph(monkeypatch):
    calls = []
    original = graphs.igraph.Graph.betweenness
    monkeypatch.setattr(graphs.igraph.Graph, "betweenness", lambda *a, **k: calls.append(1) or original(*a, **k))
    g = make_graph({"c": "regional", "a": "local", "b": "local", "d": "local"},
                   [("c", "a"), ("c", "b"), ("c", "d"), ("a", "b", "coordonne")])
    graphs._betweenness.cache_clear()
    graphs.measures(g)
    graphs.mode(g)
    assert len(calls) == 1


def test_a_lead_body_with_no_tie_but_the_ministry_is_flagged(tmp_path):
    actors = [actor(MINISTRY, "national", "public"), actor("a-cre", region="a"),
              actor("a-org", "local", region="a"), actor("b-cre", region="b"), actor("b-org", "local", region="b")]
    ties = [tie(MINISTRY, "a-cre", "signe-avec"), tie(MINISTRY, "a-cre", "finance"),
            tie("a-org", "a-org", "accompagne"), tie(MINISTRY, "b-cre", "signe-avec"),
            tie("b-cre", "b-org", "finance")]
    pkg = _package(tmp_path, actors, [{k: v for k, v in t.items() if k in TIE_COLUMNS} for t in ties])
    pd.DataFrame({"tie_id": [t["tie_id"] for t in ties], "phase": graphs.MAIN_PHASE, "basis_fr": "essai"}).to_csv(
        pkg / f"{graphs.PHASE_TABLE}.csv", index=False)
    pd.DataFrame({"region_id": ["a", "b"], "name": ["A", "B"]}).to_csv(pkg / "regions.csv", index=False)
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    extra = [(graphs.PHASE_TABLE, ["tie_id", "phase", "basis_fr"]), ("regions", ["region_id", "name"])]
    for name, columns in extra:
        fields = [{"name": c, "type": "string"} for c in columns]
        descriptor["resources"].append({"name": name, "path": f"{name}.csv", "schema": {"fields": fields}})
    (pkg / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    leads = graphs.lead_ties(data_dir=pkg).set_index("region_id")
    assert leads.loc["a", "liens_au_reseau"] == 0 and leads.loc["a", "isole"]
    assert leads.loc["b", "liens_au_reseau"] == 1 and not leads.loc["b", "isole"]


def _package(tmp_path: Path, actors: list[dict], ties: list[dict]) -> Path:
    """A minimal data package with actors and ties, every field a string."""
    resources = []
    for name, rows, columns in [("actors", actors, ACTOR_COLUMNS), ("ties", ties, TIE_COLUMNS)]:
        pd.DataFrame(rows, columns=columns).to_csv(tmp_path / f"{name}.csv", index=False)
        resources.append({"name": name, "path": f"{name}.csv",
                          "schema": {"fields": [{"name": c, "type": "string"} for c in columns]}})
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")
    return tmp_path


def test_missing_shared_actor_is_described_and_unknown_actor_skipped(tmp_path):
    pkg = _package(tmp_path, [actor("a-cre", region="a")],
                   [tie("mess", "a-cre", "signe-avec"), tie("ghost", "a-cre", "finance")])
    with pytest.warns(UserWarning) as caught:
        rec = graphs.record(pkg)
    messages = " ".join(str(w.message) for w in caught)
    assert "['mess']" in messages and "t-ghost-a-cre-finance" in messages
    assert rec.actors.loc["mess", "level"] == "national"
    assert list(rec.ties["source_actor"]) == ["mess"]


# --------------------------------------------------------------------------- diagram and exports


def territorial_graph(territories: dict[str, str | None], edges: list[tuple], regional: tuple = ("r1", "r2"),
                      sector: dict | None = None) -> nx.MultiDiGraph:
    """A region graph with a national n, regional actors and local actors {actor: territory_id or None}."""
    actors = [actor("n", "national", "public")] + [actor(a) for a in regional]
    for a, territory in territories.items():
        actors.append(actor(a, "local", (sector or {}).get(a, "communautaire")) | {"territory_id": territory})
    return graphs.graph(make_record(actors, [tie(*e) for e in edges]), "r", None)


NAMES = {"t-b": "Bécancour", "t-a": "Arthabaska"}
# Three local actors in Arthabaska (t-a), two in Bécancour (t-b), one without territory.
TERRITORIAL = territorial_graph(
    {"la1": "t-a", "la2": "t-a", "la3": "t-a", "lb1": "t-b", "lb2": "t-b", "lx": None},
    [("n", "r1", "signe-avec"), ("r1", "la1", "finance"), ("r2", "la3"), ("r2", "lb1"), ("lb2", "r1", "siege-a"),
     ("lx", "r2", "membre-de"), ("la1", "la2"), ("la2", "la3", "conteste")],
)


def crossings(g: nx.MultiDiGraph, pos: pd.DataFrame) -> int:
    """Pairs of straight ties between different rows that cross (ties sharing an end do not count)."""
    xy = pos.set_index("actor_id")[["x", "y"]]
    segments = [(u, v, *xy.loc[u], *xy.loc[v]) for u, v in graphs.undirected(g).edges()
                if xy.loc[u, "y"] != xy.loc[v, "y"]]
    count = 0
    for i, (a, b, ax1, ay1, ax2, ay2) in enumerate(segments):
        for c, d, bx1, by1, bx2, by2 in segments[i + 1:]:
            if {a, b} & {c, d}:
                continue
            low, high = max(min(ay1, ay2), min(by1, by2)), min(max(ay1, ay2), max(by1, by2))
            if low >= high:
                continue

            def at(y, x1, y1, x2, y2):
                return x1 + (x2 - x1) * (y - y1) / (y2 - y1)

            before = at(low, ax1, ay1, ax2, ay2) - at(low, bx1, by1, bx2, by2)
            after = at(high, ax1, ay1, ax2, ay2) - at(high, bx1, by1, bx2, by2)
            count += before * after < 0
    return count


def check_layout(g: nx.MultiDiGraph, pos: pd.DataFrame) -> None:
    """What every diagram must satisfy: every node placed once, bands in level order, distinct positions."""
    assert sorted(pos["actor_id"]) == sorted(g)
    assert (pos["level_id"] == pos["actor_id"].map(dict(g.nodes(data="level")))).all()
    span = pos.groupby("level_id")["y"].agg(["min", "max"])
    present = [lv for lv in graphs.LEVELS if lv in span.index]
    for upper, lower in zip(present, present[1:], strict=False):
        assert span.loc[upper, "max"] < span.loc[lower, "min"]  # national above regional above local
    assert not pos.duplicated(["x", "y"]).any()
    assert pos["x"].between(0, 1, inclusive="neither").all()
    assert (pos.groupby("y").size() <= layout.ROW_CAP).all()


def test_layout_puts_levels_in_bands_and_local_rows_by_territory():
    pos = layout.layout(TERRITORIAL, NAMES).set_index("actor_id")
    check_layout(TERRITORIAL, pos.reset_index())
    # one row each for national and regional, then Arthabaska, Bécancour (alphabetical), then no territory
    assert pos.loc["n", "y"] < pos.loc["r1", "y"] == pos.loc["r2", "y"] < pos.loc["la1", "y"]
    assert pos.loc["la1", "y"] == pos.loc["la2", "y"] == pos.loc["la3", "y"] < pos.loc["lb1", "y"]
    assert pos.loc["lb1", "y"] == pos.loc["lb2", "y"] < pos.loc["lx", "y"]
    assert pos.loc["la1", "row_label"] == "Arthabaska" and pos.loc["lx", "territory"] == layout.NO_TERRITORY
    # a territory missing from the names table is shown by its id rather than dropped
    assert set(layout.layout(TERRITORIAL, {})["row_label"]) == {"", "t-a", "t-b", layout.NO_TERRITORY}


def test_a_crowded_territory_wraps_into_balanced_rows():
    crowded = territorial_graph({f"l{i}": "t-a" for i in range(9)}, [("r1", f"l{i}") for i in range(9)])
    pos = layout.layout(crowded, NAMES)
    check_layout(crowded, pos)
    local = pos[pos["level_id"] == "local"]
    assert sorted(local.groupby("y").size()) == [4, 5]  # 9 -> 5 + 4 rather than 8 + 1
    assert (local["row_label"] != "").sum() == 5  # the territory is named once, on its first row


def test_barycentric_order_removes_an_avoidable_crossing():
    # by id the rows would read r1, r2 over a, b while a is tied to r2 and b to r1: one crossing
    g = territorial_graph({"a": "t-a", "b": "t-a"}, [("r1", "b"), ("r2", "a")])
    pos = layout.layout(g, NAMES).set_index("actor_id")
    assert crossings(g, pos.reset_index()) == 0
    assert (pos.loc["r1", "x"] < pos.loc["r2", "x"]) == (pos.loc["b", "x"] < pos.loc["a", "x"])
    by_id = pos.sort_index()
    by_id["x"] = (by_id.groupby("y").cumcount() + 0.5) / by_id.groupby("y")["y"].transform("size")
    assert crossings(g, by_id.reset_index()) == 1


def test_layout_ignores_record_order():
    levels = {"n": "national", "r1": "regional", "r2": "regional", "r3": "regional", "l1": "local", "l2": "local"}
    edges = [("n", "r1"), ("r2", "r1"), ("r1", "r3"), ("r1", "l1"), ("r3", "l2"), ("l2", "r2")]
    first = layout.layout(make_graph(levels, edges), {})
    second = layout.layout(make_graph(dict(reversed(levels.items())), edges[::-1]), {})
    assert first.equals(second)


def test_diagram_spec_is_identical_whatever_the_tie_order():
    levels = {"n": "national", "r1": "regional", "r2": "regional", "r3": "regional", "l1": "local", "l2": "local"}
    edges = [("n", "r1"), ("r2", "r1"), ("r1", "r3"), ("r1", "l1"), ("r3", "l2"), ("l2", "r2")]
    first = diagram.draw(make_graph(levels, edges), "Essai", {}).to_dict()
    second = diagram.draw(make_graph(dict(reversed(levels.items())), edges[::-1]), "Essai", {}).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["title"] == "Essai" and "trois bandes" in first["description"]


def test_diagram_grows_with_its_rows_and_keeps_tooltips_and_legends():
    small = diagram.draw(THREE_LEVELS, "Essai", {}).to_dict()
    tall = diagram.draw(TERRITORIAL, "Essai", NAMES).to_dict()
    assert tall["height"] > small["height"]  # three local rows instead of one
    node_layer = next(layer for layer in tall["layer"] if layer["mark"]["type"] == "point")
    assert [t["field"] for t in node_layer["encoding"]["tooltip"]] == ["name", "level", "territory", "sector",
                                                                        "role_fr", "source_ids"]
    assert node_layer["encoding"]["fill"]["scale"]["range"] == charts.PALETTE
    assert "legend" in node_layer["encoding"]["shape"]
    edge_layer = next(layer for layer in tall["layer"] if layer["mark"]["type"] == "line")
    assert "sources" in [t["field"] for t in edge_layer["encoding"]["tooltip"]]
    assert not any(layer["mark"].get("angle") for layer in tall["layer"])  # no rotated labels
    assert diagram.draw(nx.MultiDiGraph(), "Vide", {}).to_dict()["height"] > 0  # an empty record still draws


def test_edge_table_lists_every_tie():
    table = diagram.edge_table(THREE_LEVELS)
    assert len(table) == 6 and list(table["Lien"]) == sorted(table["Lien"])
    # French headers and labels, never a raw code: relation and certainty come from the labels table
    assert list(table.columns) == ["Lien", "De", "Relation", "Vers", "Période", "Phase", "Certitude", "Sources"]
    assert set(table["Relation"]) == {labels.label("relation", "accompagne")}
    assert set(table["Certitude"]) == {labels.label("confidence", "elevee")}


def test_exports_read_back_and_are_reproducible(tmp_path):
    paths = export.export(THREE_LEVELS, tmp_path / "one", "essai")
    again = export.export(THREE_LEVELS, tmp_path / "two", "essai")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    graphml = nx.read_graphml(paths[0])
    gexf = nx.read_gexf(paths[1])
    assert graphml.number_of_nodes() == gexf.number_of_nodes() == 6
    assert graphml.number_of_edges() == gexf.number_of_edges() == 6
    assert len(pd.read_csv(paths[2])) == 6 and len(pd.read_csv(paths[3])) == 6


# --------------------------------------------------------------------------- the real record

# NETWORKS_DATA lets a developer run these against a package assembled elsewhere.
REAL = Path(os.environ.get("NETWORKS_DATA", data.DATA_DIR))


def test_every_region_builds_and_is_measured():
    table = graphs.compare(data_dir=REAL)
    assert len(table) == len(graphs.regions(REAL))
    assert (table["acteurs"] > 0).all() and (table["liens"] > 0).all()
    assert set(table["mode"]) <= set(graphs.MODES)
    assert table["densite"].between(0, 1).all() and table["centralisation_degre"].between(0, 1).all()


def test_every_real_diagram_is_laid_out_in_level_bands():
    """Every region's real network, laid out. That measures and diagrams do not follow the order of sets of
    strings is the determinism check's: make test runs every chapter again under another hash seed
    (analysis/build/determinism.py), and the chapters draw every diagram and print every measure."""
    names = layout.territory_names(REAL)
    for region_id in graphs.regions(REAL)["region_id"]:
        g = graphs.build(region_id, data_dir=REAL)
        check_layout(g, layout.layout(g, names))


def test_cli_exports_every_region(tmp_path):
    args = ["export-networks", str(tmp_path)] + (["--data-dir", str(REAL)] if REAL != data.DATA_DIR else [])
    assert main(args) == 0
    regions = graphs.regions(REAL)["region_id"]
    for region_id in regions:
        for suffix in [".graphml", ".gexf", "-noeuds.csv", "-liens.csv"]:
            assert (tmp_path / f"reseau-{region_id}{suffix}").stat().st_size > 0


def test_main_brokers_name_one_actor_per_region():
    brokers = graphs.main_brokers(data_dir=REAL)
    assert len(brokers) == len(graphs.regions(REAL))
    assert (brokers["chemins_entre_niveaux"] >= 0).all()


def spec_counts(spec: dict) -> tuple[int, int]:
    """Organisations and ties a network diagram's spec draws: rows of the point layer's dataset,
    distinct ties of the line layer's dataset."""
    layers = {layer["mark"]["type"]: layer for layer in spec["layer"]}
    nodes = spec["datasets"][layers["point"]["data"]["name"]]
    edges = spec["datasets"][layers["line"]["data"]["name"]]
    return len(nodes), len({row["tie_id"] for row in edges})


def test_every_summary_counts_what_its_diagram_draws():
    for region_id in graphs.regions(REAL)["region_id"]:
        drawn = graphs.drawn(region_id, data_dir=REAL)
        spec = diagram.draw(drawn.graph, region_id, diagram.territory_names(REAL)).to_dict()
        assert spec_counts(spec) == (drawn.summary.organisations, drawn.summary.liens), region_id
        assert sum(drawn.summary.by_level.values()) == drawn.summary.organisations
        sentence = diagram.sentence(drawn.summary)
        assert f"il relie {tables.count(drawn.summary.organisations, 'organisation')}" in sentence
        assert f"par {tables.count(drawn.summary.liens, 'lien')}" in sentence


def test_every_tie_has_a_phase_and_each_phase_graph_holds_only_its_ties():
    import warnings

    graphs.record.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a tie without a phase row would warn
        rec = graphs.record(REAL)
    assert rec.ties["phase"].isin([*graphs.PHASES, graphs.UNDETERMINED_PHASE]).all()
    assert rec.ties["phase_basis"].notna().all()
    for region_id in graphs.regions(REAL)["region_id"]:
        for phase in graphs.PHASES:
            g = graphs.graph(rec, region_id, phase)
            assert {p for _, _, p in g.edges(data="phase")} <= {phase}
        undetermined = set(graphs.drawn(region_id, data_dir=REAL).summary.undetermined)
        assert undetermined == set(graphs.touching(rec, region_id).query("phase == 'indeterminee'")["tie_id"])
        assert not undetermined & set(nx.get_edge_attributes(graphs.build(region_id, data_dir=REAL), "tie_id")
                                      .values())


def test_a_transition_committee_is_never_in_the_implementation_graph():
    # Lanaudière's committee that prepared the CRÉ's closing (December 2014) is a transition body
    rec = graphs.record(REAL)
    transition_bodies = set(rec.ties.loc[(rec.ties["phase"] == "transition")
                                         & rec.ties["relation"].isin(graphs.SEAT_RELATIONS), "target_actor"])
    assert "lan-comite-transition" in transition_bodies
    for region_id in graphs.regions(REAL)["region_id"]:
        g = graphs.build(region_id, data_dir=REAL)
        assert not transition_bodies & set(g), region_id
        assert graphs.central_actor(g) not in transition_bodies


def test_a_mode_is_shown_only_where_every_variant_agrees():
    table = graphs.compare(data_dir=REAL)
    for row in table.itertuples():
        variants = graphs.robustness(row.region_id, data_dir=REAL)
        modes = set(variants["mode"])
        if row.mode_retenu != graphs.UNDETERMINED:
            assert modes == {row.mode_retenu} and row.variantes_divergentes == ""
        elif len(modes) > 1:
            assert row.variantes_divergentes, row.region


def test_real_record_modes_that_follow_from_the_rule_or_one_document_are_not_kept():
    table = graphs.compare(data_dir=REAL).set_index("region_id")
    robust = graphs.robustness_all(data_dir=REAL).set_index(["region_id", "variante"])
    for region_id, row in table.iterrows():
        # a region whose base mode is a NAO held by the ministry's signature alone is never shown as one
        if row["mode"] == "oar" and robust.loc[(region_id, "sans-signature-ministere"), "mode"] != "oar":
            assert row["mode_retenu"] == graphs.UNDETERMINED and row["fondement"] == "construction"
    # Laurentides: the lead organisation of the rule rests on the regional committee's 2011 announcement
    lau = table.loc["laurentides"]
    assert lau["mode"] == "pilote" and lau["mode_retenu"] == graphs.UNDETERMINED
    assert lau["fondement"] == "document-unique"
    rec = graphs.record(REAL)
    fanout = graphs.single_fanout_ties(graphs.region_ties(rec, "laurentides"))
    sources = rec.ties.set_index("tie_id")["source_actor"]
    central = [t for t in fanout if sources[t] == lau["acteur_central"]]
    assert len(central) >= lau["liens"] / 2  # half the region's ties come from that one announcement
    assert 0 <= table["part_circuit_entre_niveaux"].min() <= table["part_circuit_entre_niveaux"].max() <= 1


def test_real_lead_bodies_tied_only_to_the_ministry_are_flagged():
    leads = graphs.lead_ties(data_dir=REAL).set_index("region_id")
    rec = graphs.record(REAL)
    for region_id, row in leads.iterrows():
        ties = graphs.region_ties(rec, region_id)
        lead = set(data.split_ids(row["actor_ids"]))
        partners = (set(ties.loc[ties["source_actor"].isin(lead), "target_actor"])
                    | set(ties.loc[ties["target_actor"].isin(lead), "source_actor"])) - {MINISTRY} - lead
        assert row["isole"] == (not partners), region_id
    assert leads.loc["laurentides", "isole"]  # the CRÉ signed; the record ties it to no regional organisation


def test_sectors_follow_the_labels_table():
    assert graphs.SECTORS == tuple(labels.mapping("sector"))
    assert not hasattr(graphs, "RELATIONS")


def test_domain_module_draws_nothing_and_labels_come_from_the_labels_table():
    source = Path(graphs.__file__).read_text(encoding="utf-8")
    assert "altair" not in source and "IPython" not in source
    for name in ["LEVEL_LABELS", "SECTOR_LABELS", "RELATION_LABELS", "PERIOD_LABELS"]:
        assert not hasattr(diagram, name) and not hasattr(graphs, name)
    assert diagram.sector_label("economique") == labels.label("sector", "economique")
    assert diagram.level_label("national") == labels.label("level", "national")
    assert set(graphs.MODES) == set(labels.mapping("governance_mode"))
    assert set(graphs.PHASES) | {graphs.UNDETERMINED_PHASE} == set(labels.mapping("tie_phase"))


def test_governance_overview_covers_every_region_and_leads_are_funded_by_the_ministry():
    overview = governance.overview(REAL)
    assert list(overview["region_id"]) == list(graphs.regions(REAL)["region_id"])
    leads = graphs.lead_bodies(data_dir=REAL)
    ministry = statements.ministry(REAL)
    for row in leads.itertuples():
        for tie_id in data.split_ids(row.tie_ids):
            assert graphs.record(REAL).ties.set_index("tie_id").loc[tie_id, "source_actor"] == ministry


def test_a_silent_aspect_is_missing_not_invented(tmp_path):
    import shutil

    pkg = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, pkg)
    table = pkg / "governance_evidence.csv"
    kept = [line for line in table.read_text(encoding="utf-8").splitlines() if not line.startswith("cn-gov-02,")]
    table.write_text("\n".join(kept) + "\n", encoding="utf-8")
    evidence = governance.evidence(pkg).set_index(["region_id", "aspect"])
    assert pd.isna(evidence.loc[("cote-nord", "role-mrc"), "finding_fr"])
    assert evidence.loc[("cote-nord", "decision"), "finding_fr"]


# --------------------------------------------------------------------------- the built chapter

PAGE = HTML / "book" / "comparaison" / "gouvernance.html"
SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)


def test_built_diagrams_hold_what_the_code_draws_now(built_html):
    # dataset names are content hashes: the same names mean the same nodes, edges and positions
    # (unvalidated: the same dict; test_every_summary_counts_what_its_diagram_draws validates these diagrams)
    built = [set(json.loads(text.replace("<\\/", "</"))["datasets"]) for text in SPEC.findall(PAGE.read_text())]
    for region_id in graphs.regions()["region_id"]:
        assert set(diagram.draw(graphs.build(region_id), "x").to_dict(validate=False)["datasets"]) in built


def test_build_ships_every_region_download(built_html):
    for region_id in graphs.regions()["region_id"]:
        for suffix in diagram.EXPORT_FORMATS:
            assert (HTML / paths.NETWORKS_DOWNLOAD_DIR / f"reseau-{region_id}{suffix}").stat().st_size > 0


RELIE = re.compile(r"relie\s+(\d+)\s+organisations.*?par\s+(\d+)\s+liens", re.S)


def _network_specs(page: str) -> list[tuple[int, dict]]:
    """(offset, spec) of every network diagram of a built page, in page order."""
    found = []
    for match in SPEC.finditer(page):
        spec = json.loads(match.group(1).replace("<\\/", "</"))
        if str(spec.get("description", "")).startswith("Diagramme de réseau"):
            found.append((match.start(), spec))
    return found


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ")


def test_numbers_printed_beside_each_built_diagram_are_the_drawn_object(built_html):
    """Every « relie N organisations … par M liens » of a page equals what the next network diagram draws
    (the regional pages: every such sentence on the page; the chapter: the sentence before each diagram)."""
    checked = 0
    for region_id in graphs.regions()["region_id"]:
        page = (HTML / "book" / "regions" / f"{region_id}.html").read_text(encoding="utf-8")
        specs = _network_specs(page)
        assert len(specs) == 1, region_id
        drawn = spec_counts(specs[0][1])
        sentences = RELIE.findall(_text(re.sub(r"<script.*?</script>", "", page, flags=re.S)))
        assert sentences, f"{region_id}: no « relie … organisations … liens » sentence"
        for organisations, liens in sentences:
            assert (int(organisations), int(liens)) == drawn, region_id
            checked += 1
    page = PAGE.read_text(encoding="utf-8")
    specs = _network_specs(page)
    assert len(specs) == len(graphs.regions())
    previous = 0
    for offset, spec in specs:
        before = _text(re.sub(r"<script.*?</script>", "", page[previous:offset], flags=re.S))
        organisations, liens = RELIE.findall(before)[-1]
        assert (int(organisations), int(liens)) == spec_counts(spec)
        previous = offset
        checked += 1
    assert checked >= 2 * len(graphs.regions())


# --------------------------------------------------------------------------- fast paths = plain definitions


def _measures_by_definition(g: nx.MultiDiGraph) -> tuple:
    """Degree and betweenness centralisation and the central actor, straight from networkx on `undirected`."""
    simple = graphs.undirected(g)
    n = simple.number_of_nodes()
    if n < 3:
        return None
    between = nx.betweenness_centrality(simple, normalized=True)
    degree = nx.degree_centrality(simple)
    central = min(simple, key=lambda v: (-simple.degree(v), -round(between[v], 12), v))
    return (sum(max(degree.values()) - d for d in degree.values()) / (n - 2),
            sum(max(between.values()) - b for b in between.values()) / (n - 1), central)


def test_measures_and_graphs_equal_their_straightforward_definitions_on_the_real_record():
    rec = graphs.record(REAL)
    for region_id in graphs.regions(REAL)["region_id"]:
        for phase in (None, *graphs.PHASES):
            g = graphs.graph(rec, region_id, phase)
            expected = _measures_by_definition(g)
            if expected:
                assert (graphs.degree_centralisation(g), graphs.betweenness_centralisation(g),
                        graphs.central_actor(g)) == pytest.approx(expected)
            # attributes as the row-by-row reading gave them: strings, missing values empty
            for actor_id, attrs in g.nodes(data=True):
                row = rec.actors.loc[actor_id]
                assert attrs == {n: "" if pd.isna(row.get(n)) else str(row.get(n)) for n in graphs.NODE_ATTRS}
            ties = rec.ties.set_index("tie_id")
            for *_, key, attrs in g.edges(keys=True, data=True):
                row = ties.loc[key]
                assert attrs == {"tie_id": key} | {n: "" if pd.isna(row.get(n)) else str(row.get(n))
                                                   for n in graphs.EDGE_ATTRS}


def test_betweenness_of_a_large_graph_is_exact():
    """igraph's betweenness is networkx's, at a size where networkx's pure Python is slow."""
    n = 400
    # a hub tied to n-1 leaves, each leaf also tied to the next: a wheel without its rim's last tie
    levels = {"h": "regional"} | {f"l{i:04d}": "local" for i in range(1, n)}
    edges = [("h", f"l{i:04d}") for i in range(1, n)] + [(f"l{i:04d}", f"l{i + 1:04d}") for i in range(1, n - 1)]
    g = make_graph(levels, edges)
    assert graphs.betweenness_centralisation(g) == pytest.approx(_measures_by_definition(g)[1], abs=1e-12)
    nodes, pairs = graphs._simple_key(g)
    exact = nx.betweenness_centrality(graphs.undirected(g), normalized=True)
    assert graphs._betweenness(nodes, pairs) == pytest.approx(exact, abs=1e-12)
