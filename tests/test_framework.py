"""The study's framework as data: codebook counts and tree, avenues and their links, evidence map, .qdc."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from analysis.build import qdc
from analysis.build.cli import main
from analysis.contract import data
from analysis.present import framework_charts
from analysis.study import framework
from tests.conftest import DATA, python_output

REQUIRED_LEAVES = {  # the ids other developers already code documents with, in the summary's order
    "approche": """
        app-developpement-social app-developpement-des-communautes app-developpement-communautaire
        app-developpement-local app-inegalites app-determinants-sante app-ati
    """.split(),
    "dynamique": """
        dyn-cooperation dyn-conflit dyn-cooperation-conflictuelle
    """.split(),
    "processus": """
        proc-descendant proc-ascendant proc-leadership-unique proc-leadership-partage
        proc-gouvernance-horizontale proc-gouvernance-verticale proc-mobilisation-ouverte
        proc-mobilisation-ciblee proc-concertation-sectorielle proc-concertation-intersectorielle
        proc-concertation-multipartenariale proc-concertation-territoriale proc-articulation-regional-local
        proc-gestion-reddition
    """.split(),
    "enjeu": """
        enj-repartition-enveloppe enj-structures-leadership enj-role-representativite enj-rapports-elus
        enj-consensus-problematiques enj-orientations-action
    """.split(),
    "condition": """
        cond-ressources cond-qualite-rapports cond-structures-reconnues cond-accompagnement-animation
        cond-connaissance-territoire cond-agenda-contexte-politique cond-historique-concertation
        cond-etendue-territoire
    """.split(),
    "avancee": """
        av-concertation-regionale-sectorielle av-gouvernance-regionale av-gouvernance-locale
        av-concertations-territoriales av-liens-municipal-communautaire av-pratiques-multipartenariales
        av-effet-levier-fqis av-arrimages-financement av-elus-sensibilisation av-elus-comprehension
        av-elus-rapprochement av-elus-reconnaissance-communautaire av-elus-liens-concertation
        av-elus-implication-projets
    """.split(),
    "obstacle": """
        obs-modalites-fqis obs-interpretation-criteres obs-delais-versements obs-financement-mission
    """.split(),
    "theme": """
        theme-securite-alimentaire theme-transport theme-logement theme-acces-ressources
        theme-organisation-services theme-developpement-local theme-participation-citoyenne theme-insertion
        theme-education
    """.split(),
    "axe": """
        axe-individuel axe-milieux-de-vie axe-politique-structurel axe-global
    """.split(),
}

EDITION_CODES = {"obs-delais-versements", "obs-financement-mission"}


@pytest.fixture(scope="module")
def codebook() -> pd.DataFrame:
    return data.load("codebook")


@pytest.fixture(scope="module")
def recs() -> pd.DataFrame:
    return data.load("recommendations")


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return data.load("study_facts").set_index("fact_id", drop=False)


# --- counts against the study --------------------------------------------------------------------

@pytest.mark.parametrize("dimension, expected", [
    ("axe", 4), ("approche", 7), ("dynamique", 3), ("processus", 14), ("enjeu", 6), ("condition", 8),
    ("avancee", 14), ("obstacle", 4), ("theme", 9),
])
def test_study_codes_per_dimension(codebook, dimension, expected):
    codes = framework.study_codes(codebook, dimension)
    assert len(codes) == expected
    assert list(codes["code_id"]) == REQUIRED_LEAVES[dimension]  # exact ids, in the study's order


def test_counts_agree_with_the_study_facts(codebook, facts):
    for fact_id, dimension in [("etude-axes", "axe"), ("etude-approches", "approche"),
                               ("etude-dynamiques", "dynamique"), ("etude-enjeux", "enjeu"),
                               ("etude-conditions", "condition"), ("etude-themes", "theme")]:
        listed = data.split_ids(facts.loc[fact_id, "items"])
        assert int(facts.loc[fact_id, "value"]) == len(listed)
        assert listed == list(framework.study_codes(codebook, dimension)["code_id"])


def test_axes_have_the_sub_dimensions_of_the_summary_table(codebook):
    counts = codebook.groupby("parent_id").size()
    axes = ["axe-individuel", "axe-milieux-de-vie", "axe-politique-structurel", "axe-global"]
    assert [int(counts[a]) for a in axes] == [6, 7, 3, 5]
    subs = codebook[codebook["parent_id"].fillna("").str.startswith("axe-")]
    assert all(row.code_id.startswith(row.parent_id + "-") for row in subs.itertuples())


def test_dimension_counts_table(codebook):
    counts = framework.dimension_counts(codebook).set_index("dimension")
    assert list(counts.index) == list(framework.dimensions())
    assert counts["codes"].sum() == 69 and counts["sous_codes"].sum() == 21
    assert counts.loc["obstacle", "ajouts_edition"] == 2 and counts["ajouts_edition"].sum() == 2


def test_study_facts_design_numbers(facts):
    expected = {"etude-regions": 6, "etude-entretiens": 124, "etude-observations": 17, "etude-documents": 152,
                "etude-projets": 200, "etude-periode-debut": 2010, "etude-periode-fin": 2014}
    assert {k: int(facts.loc[k, "value"]) for k in expected} == expected
    assert facts.loc["etude-projets", "qualifier"] == "plus-de"
    regions = set(data.load("regions")["region_id"])
    assert set(data.split_ids(facts.loc["etude-regions", "items"])) == regions
    assert len(data.split_ids(facts.loc["etude-groupes-acteurs", "items"])) == facts.loc["etude-groupes-acteurs",
                                                                                          "value"]


# --- tree integrity --------------------------------------------------------------------------------

def test_codebook_is_a_clean_tree(codebook):
    """The tree's integrity is a validator rule (tests/test_validate.py breaks it); here its shape."""
    graph = framework.tree(codebook)
    roots = [n for n in graph if graph.in_degree(n) == 0]
    assert len(roots) == len(framework.dimensions())
    assert framework.depth_first(codebook)[0] == "dim-axe"
    assert sorted(framework.depth_first(codebook)) == sorted(codebook["code_id"])


def test_dimension_names_are_the_codebook_roots(codebook):
    roots = codebook[codebook["parent_id"].isna()].set_index("dimension")["label_fr"]
    assert roots.to_dict() == framework.dimensions()


def test_provenance(codebook):
    edition = codebook[codebook["origin"] == "edition"]
    assert set(edition["code_id"]) == EDITION_CODES
    assert edition["seed_locator"].isna().all()
    assert codebook.loc[codebook["origin"] == "etude", "seed_locator"].notna().all()
    for column in ["definition_fr", "include_fr", "exclude_fr", "example_fr"]:
        assert codebook[column].notna().all()


def test_every_required_leaf_is_codable(codebook):
    codable = set(codebook.loc[codebook["is_codable"].astype(bool), "code_id"])
    assert {c for ids in REQUIRED_LEAVES.values() for c in ids} <= codable


# --- avenues ---------------------------------------------------------------------------------------

def test_avenues_and_the_split_first_paragraph(recs):
    assert len(recs) == 7 and recs["seed_item"].nunique() == 6
    first = recs[recs["seed_item"] == 1]
    assert set(first["recommendation_id"]) == {"piste-moduler-ententes", "piste-adapter-gestion-fqis"}
    assert first["note"].notna().all()
    assert sorted(recs["rank"]) == list(range(1, 8))


def test_avenue_links_exist(recs):
    """Whether each link exists, is codable and is a finding is a validator rule (tests/test_validate.py)."""
    edges = framework.recommendation_edges(recs)
    assert len(edges) == sum(len(data.split_ids(c)) for c in recs["code_ids"])
    assert edges["recommendation_id"].iloc[0] == recs.sort_values("rank")["recommendation_id"].iloc[0]


def test_avenues_rest_only_on_findings(recs, facts):
    linked = framework.recommendation_edges(recs, "fact_ids")["fact_id"]
    assert set(facts.loc[list(linked), "topic"]) <= {"resultats"}


def test_avenue_paraphrases_keep_the_study_s_terms(recs):
    by_id = recs.set_index("recommendation_id")
    assert "Adapter" in by_id.loc["piste-adapter-gestion-fqis", "title_fr"]
    assert "assoupl" not in " ".join(recs["summary_fr"]).lower()
    assert "cinq ans" in by_id.loc["piste-planification-evaluation", "summary_fr"]
    assert "quatre orientations" in by_id.loc["piste-liens-orientations", "summary_fr"]


# --- evidence map: tiny fixture, with and without coded_segments ---------------------------------------

TINY_CODEBOOK = pd.DataFrame([
    {"code_id": "dim-x", "parent_id": None, "dimension": "condition", "label_fr": "Conditions",
     "is_codable": False, "origin": "etude"},
    {"code_id": "c1", "parent_id": "dim-x", "dimension": "condition", "label_fr": "Ressources", "is_codable": True,
     "origin": "etude"},
    {"code_id": "c2", "parent_id": "dim-x", "dimension": "condition", "label_fr": "Étendue", "is_codable": True,
     "origin": "etude"},
    {"code_id": "dim-o", "parent_id": None, "dimension": "obstacle", "label_fr": "Obstacles", "is_codable": False,
     "origin": "etude"},
    {"code_id": "o1", "parent_id": "dim-o", "dimension": "obstacle", "label_fr": "Délais", "is_codable": True,
     "origin": "edition"},
])
TINY_RECS = pd.DataFrame([
    {"recommendation_id": "p2", "rank": 2, "title_fr": "Deuxième", "code_ids": "c2;o1", "fact_ids": ""},
    {"recommendation_id": "p1", "rank": 1, "title_fr": "Première", "code_ids": "c1;c2", "fact_ids": ""},
])
TINY_SEGMENTS = pd.DataFrame([
    {"segment_id": "s1", "source_id": "src-a", "region_id": "r-b", "code_id": "c1"},
    {"segment_id": "s2", "source_id": "src-a", "region_id": "r-b", "code_id": "c1"},
    {"segment_id": "s3", "source_id": "src-b", "region_id": "r-a", "code_id": "o1"},
    {"segment_id": "s4", "source_id": "src-c", "region_id": "r-a", "code_id": "unlinked"},
])


def test_evidence_graph_without_segments():
    graph = framework.evidence_graph(TINY_CODEBOOK, TINY_RECS)
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"piste", "code"}
    assert sorted(graph.edges) == sorted([("piste:p1", "code:c1"), ("piste:p1", "code:c2"),
                                          ("piste:p2", "code:c2"), ("piste:p2", "code:o1")])
    layout = framework.evidence_layout(graph)
    assert layout["piste:p1"][0] == 0 and layout["code:c1"][0] == 1
    assert layout["piste:p1"][1] < layout["piste:p2"][1]  # avenues in rank order


def test_evidence_graph_with_segments():
    graph = framework.evidence_graph(TINY_CODEBOOK, TINY_RECS, TINY_SEGMENTS, target_labels={"r-a": "Région A"})
    assert graph.edges["code:c1", "region:r-b"]["weight"] == 2
    assert graph.nodes["region:r-a"]["label"] == "Région A"
    assert "code:unlinked" not in graph  # only codes some avenue answers
    by_source = framework.evidence_graph(TINY_CODEBOOK, TINY_RECS, TINY_SEGMENTS, level="source")
    assert {n for n in by_source if n.startswith("source:")} == {"source:src-a", "source:src-b"}
    with pytest.raises(ValueError):
        framework.evidence_graph(TINY_CODEBOOK, TINY_RECS, TINY_SEGMENTS, level="segment")


def test_evidence_layout_and_chart_are_deterministic():
    first = framework.evidence_graph(TINY_CODEBOOK, TINY_RECS, TINY_SEGMENTS)
    second = framework.evidence_graph(TINY_CODEBOOK, TINY_RECS.iloc[::-1], TINY_SEGMENTS.iloc[::-1])
    assert framework.evidence_layout(first) == framework.evidence_layout(second)
    spec1 = json.dumps(framework_charts.evidence_chart(first).to_dict(), sort_keys=True)
    spec2 = json.dumps(framework_charts.evidence_chart(second).to_dict(), sort_keys=True)
    assert spec1 == spec2


def test_optional_table_absent(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "coded_segments"]
    path.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    assert data.load_optional("coded_segments", tmp_path / "data") is None
    assert data.load_optional("codebook", tmp_path / "data") is not None


def test_real_evidence_map(codebook, recs):
    segments = data.load_optional("coded_segments")
    graph = framework.evidence_graph(codebook, recs, segments)
    linked = set(framework.recommendation_edges(recs)["code_id"])
    assert {n.split(":", 1)[1] for n, d in graph.nodes(data=True) if d["kind"] == "code"} == linked
    nodes, edges = framework.evidence_frames(graph)
    assert len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()


# --- charts ----------------------------------------------------------------------------------------

def test_charts_have_title_and_description(codebook, recs):
    for chart in [framework_charts.structure_chart(codebook),
                  framework_charts.evidence_chart(framework.evidence_graph(codebook, recs))]:
        spec = chart.to_dict()
        assert spec["title"] and spec["description"]


def test_structure_frame_lists_every_row(codebook):
    frame = framework.structure_frame(codebook)
    assert sorted(frame["code_id"]) == sorted(codebook["code_id"])
    assert frame.groupby("dimension")["rang"].min().eq(1).all()


# --- REFI-QDA export -------------------------------------------------------------------------------

NS = {"q": qdc.NAMESPACE}


def test_qdc_validates_against_the_official_xsd(codebook):
    payload = qdc.to_bytes(codebook)
    assert qdc.validate(payload) == []
    root = ET.fromstring(payload)
    codes = root.findall(".//q:Code", NS)
    assert len(codes) == len(codebook)
    top = root.findall("q:Codes/q:Code", NS)
    assert len(top) == len(framework.dimensions())
    assert all(el.get("isCodable") == "false" for el in top)


def test_qdc_nesting_guids_and_descriptions(codebook):
    root = ET.fromstring(qdc.to_bytes(codebook))
    by_guid = {el.get("guid"): el for el in root.iter(f"{{{qdc.NAMESPACE}}}Code")}
    parent_of = {child: parent for parent in root.iter() for child in parent}
    for row in codebook.itertuples(index=False):
        el = by_guid[qdc.guid(row.code_id)]
        assert el.get("name") == row.label_fr
        text = el.find("q:Description", NS).text
        assert row.definition_fr in text and "Inclure :" in text and "Exclure :" in text
        if not pd.isna(row.parent_id):
            assert parent_of[el].get("guid") == qdc.guid(row.parent_id)


@pytest.mark.spawns
def test_qdc_is_deterministic_and_guids_are_stable(codebook):
    # another interpreter, another hash seed: the same bytes
    code = ("import sys; from analysis.build import qdc; from analysis.contract import data; "
            "sys.stdout.write(qdc.to_bytes(data.load('codebook')).hex())")
    assert bytes.fromhex(python_output(code, hash_seed=1)) == qdc.to_bytes(codebook)
    # a code's GUID never changes from one edition to the next (QDA projects refer to it)
    assert qdc.guid("dyn-cooperation") == "94877fc0-6b6f-5538-82b6-b42682731b7b"
    assert qdc.guid("dyn-cooperation") != qdc.guid("dyn-conflit")


def test_invalid_qdc_is_caught(codebook):
    payload = qdc.to_bytes(codebook).replace(b'isCodable="true"', b'isCodable="oui"', 1)
    assert any("isCodable" in p for p in qdc.validate(payload))


def test_export_qdc_cli(tmp_path, capsys):
    out = tmp_path / "sub" / "grille.qdc"
    assert main(["export-qdc", str(out)]) == 0
    assert qdc.validate(out) == []
    assert "grille.qdc" in capsys.readouterr().out
