"""The study model: each region-level statement on the real package and on edited copies of it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis.contract import data, labels
from analysis.present import statement
from analysis.study import governance, graphs, statements

REGION_IDS = list(data.load("regions")["region_id"])


def _copy(tmp_path: Path) -> Path:
    pkg = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, pkg)
    return pkg


def _edit(pkg: Path, table: str, keep=lambda row: True, change=lambda row: row) -> None:
    """Rewrite one CSV of a copied package: drop the rows `keep` refuses, pass the others to `change`."""
    path = pkg / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, [change(dict(r)) for r in reader if keep(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ------------------------------------------------------------------------------------ real data

def test_the_ministry_is_read_from_the_data():
    actors = data.load("actors").set_index("actor_id")
    ministry = statements.ministry()
    assert actors.loc[ministry, "level"] == "national"
    ties = data.load("ties")
    assert set(ties.loc[ties["relation"] == "signe-avec", "source_actor"]) >= {ministry}


def test_keys_follow_the_statement_domain_and_cover_every_function():
    assert statements.keys() == list(labels.mapping("statement"))
    assert set(statements.keys()) == set(statements.FUNCTIONS)


def test_lead_body_is_the_signatory_and_the_funded_body_only_as_a_reading():
    mau = statements.lead_body("mauricie")
    assert mau.value_ids == ("mau-cre",) and mau.status == statements.DOCUMENTED and "mau-tie-01" in mau.row_ids
    cdq = statements.lead_body("centre-du-quebec")  # no signature documented: the body the ministry funds
    assert cdq.value_ids == ("cdq-cre",) and cdq.status == statements.READING
    assert "lecture de l’édition" in statement.text(cdq)


def test_one_rule_for_the_lead_body_in_the_network_layer_and_the_governance_chapter():
    leads = graphs.lead_bodies().set_index("region_id")
    overview = governance.overview().set_index("region_id")
    for region_id in REGION_IDS:
        st = statements.lead_body(region_id)
        assert leads.loc[region_id, "actor_ids"] == ";".join(st.value_ids)
        assert overview.loc[region_id, "pilote"] == st


def test_governance_statements_are_the_findings_of_the_governance_chapter():
    table = data.load("governance_evidence")
    for key, aspect in statements.GOVERNANCE.items():
        for region_id in REGION_IDS:
            st = statements.FUNCTIONS[key](region_id)
            rows = table[(table["region_id"] == region_id) & (table["aspect"] == aspect)]
            assert st.value_ids == tuple(rows["evidence_id"]) and st.label_fr == " ".join(rows["finding_fr"])
    assert governance.aspects() == list(labels.mapping("governance_aspect"))


def test_envelope_is_the_retained_figure_or_a_gap():
    bsl = statements.envelope("bas-saint-laurent")
    assert bsl.quantity == 4_400_000 and bsl.value_ids == ("bsl-f-01",)
    assert statement.text(bsl) == "4\u202f400\u202f000\u00a0$"
    lan = statements.envelope("lanaudiere")  # no figure retained
    assert not lan.documented and statement.text(lan) == "non documenté dans les sources publiques"


def test_territories_count_the_alliance_only_by_kind_in_label_order():
    territories = data.load("territories")
    for region_id in REGION_IDS:
        st = statements.territories(region_id)
        mine = territories[(territories["region_id"] == region_id) & territories["alliance_territory"]]
        counts = mine["kind"].value_counts()
        order = [k for k in labels.mapping("territory_kind") if k in counts]
        assert st.value_ids == tuple(f"{k}:{counts[k]}" for k in order) and st.quantity == len(mine)
    cote_nord = statements.territories("cote-nord")  # its First Nations are listed, never counted
    assert cote_nord.quantity == 6 and any("9 communautés des Premières Nations" in n for n in cote_nord.notes_fr)
    assert statements.territories("mauricie").label_fr.startswith(
        "MRC (3) ; ville exerçant les compétences d'une MRC (3)")


def test_projects_stated_is_the_largest_count_with_its_date_and_comes_first():
    st = statements.projects_stated("lanaudiere")
    assert st.quantity == 48 and st.value_ids == ("lan-f-07",)  # 50 organisations are not 50 projects
    assert statement.text(st) == "48\u00a0projets (30\u00a0octobre 2014)".replace("30\u00a0", "30 ")
    keys = statements.keys()
    assert keys.index("projects-stated") < keys.index("projects-named")
    assert statements.projects_named("lanaudiere").quantity == 1
    assert statement.text(statements.projects_named("lanaudiere")) == "1\u00a0projet"


def test_priorities_are_documented_only_where_no_gap_says_they_are_unreadable():
    gaps = data.load("gaps")
    unreadable = set(gaps.loc[gaps["topic"] == "priorites", "region_id"])
    for region_id in REGION_IDS:
        assert statements.priorities(region_id).documented == (region_id not in unreadable), region_id
    mau = statements.priorities("mauricie")
    assert mau.value_ids == ("mau-rf-05",) and "transport collectif" in mau.label_fr
    cdq = statements.priorities("centre-du-quebec")
    assert not cdq.documented and any("Bécancour" in n for n in cdq.notes_fr)  # local priorities kept


def test_tension_is_the_brief_paragraph_or_a_gap():
    assert statements.tension("cote-nord").value_ids == ("cn-bref-tension",)
    assert not statements.tension("laurentides").documented  # no 2010-2014 tension in the public record


def test_successor_and_its_kind_come_from_the_cycles_table():
    lau = statements.successor("laurentides")
    assert lau.value_ids == ("lau-cperl",) and "lau-cyc-2017" in lau.row_ids
    kind = statements.successor_kind("laurentides")
    assert kind.value_ids == ("elus",) and kind.status == statements.READING
    assert statements.successor_kind("mauricie").value_ids == ("developpement-social",)
    assert not statements.successor("cote-nord").documented  # the cycle row exists, its mandataire is unknown


def test_the_laurentides_successor_tie_is_a_mandate():
    """The 2020 communiqué names the CPÉRL mandataire: the tie says mandate, as the cycle row does."""
    ties = data.load("ties").set_index("tie_id")
    assert ties.loc["lau-tie-24", "relation"] == "mandate"


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_every_statement_cites_rows_that_exist_when_documented(region_id):
    known = {row_id for res in data.descriptor()["resources"]
             if isinstance(key := res["schema"].get("primaryKey"), str) or len(key or []) == 1
             for row_id in data.load(res["name"])[key if isinstance(key, str) else key[0]].dropna()}
    for key, st in statements.of_region(region_id).items():
        assert st.region_id == region_id and st.key == key
        if st.documented and key not in ("projects-named", "territories"):
            assert st.row_ids, (region_id, key)
        assert set(st.row_ids) <= known, (region_id, key, set(st.row_ids) - known)


# ------------------------------------------------------------------------------------ fixtures

def test_a_renamed_ministry_is_still_found(tmp_path):
    pkg = _copy(tmp_path)
    rename = {"mess": "ministere-solidarite"}

    def change(row):
        for field in ("actor_id", "source_actor", "target_actor"):
            if field in row and row[field] in rename:
                row[field] = rename[row[field]]
        return row

    _edit(pkg, "actors", change=change)
    _edit(pkg, "ties", change=change)
    assert statements.ministry(pkg) == "ministere-solidarite"
    assert statements.lead_body("mauricie", pkg).value_ids == ("mau-cre",)


def test_two_national_signatories_are_an_error(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "ties", change=lambda r: {**r, "relation": "signe-avec"} if r["source_actor"] == "mamrot" else r)
    with pytest.raises(ValueError, match="one national actor"):
        statements.ministry(pkg)


def test_without_signature_or_funding_the_lead_body_is_a_gap(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "ties", keep=lambda r: not (r["source_actor"] == "mess" and r["target_actor"] == "mau-cre"))
    st = statements.lead_body("mauricie", pkg)
    assert st.status == statements.UNDOCUMENTED and st.value_ids == ()


def test_a_signature_outside_the_alliance_phase_does_not_make_a_lead_body(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "tie_phases",
          change=lambda r: {**r, "phase": "cycle-suivant"} if r["tie_id"] == "mau-tie-01" else r)
    st = statements.lead_body("mauricie", pkg)
    assert st.status == statements.READING  # only the funding tie of the phase remains


def test_a_priorities_gap_makes_the_priorities_undocumented(tmp_path):
    pkg = _copy(tmp_path)
    with (pkg / "gaps.csv").open("a", encoding="utf-8") as fh:
        fh.write("mau-gap-99,mauricie,priorites,Plan illisible (essai).\n")
    st = statements.priorities("mauricie", pkg)
    assert not st.documented and "mau-gap-99" in st.row_ids and st.notes_fr


def test_a_missing_cycle_row_makes_the_successor_a_gap(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "cycles", keep=lambda r: r["region_id"] != "lanaudiere")
    assert not statements.successor("lanaudiere", pkg).documented
    assert not statements.successor_kind("lanaudiere", pkg).documented


def test_a_governance_row_removed_leaves_a_gap(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "governance_evidence", keep=lambda r: r["evidence_id"] != "lan-gov-03")
    assert not statements.leadership("lanaudiere", pkg).documented
    assert statements.project_choice("lanaudiere", pkg).value_ids == ("lan-gov-01",)


def test_a_statement_domain_out_of_step_with_the_model_is_an_error(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "labels", keep=lambda r: not (r["domain"] == "statement" and r["value"] == "tension"))
    with pytest.raises(ValueError, match="domain statement"):
        statements.keys(pkg)


def test_the_envelope_of_a_fixture_without_a_retained_row_is_a_gap(tmp_path):
    pkg = _copy(tmp_path)
    _edit(pkg, "funding", change=lambda r: {**r, "retained": "false"} if r["region_id"] == "mauricie" else r)
    st = statements.envelope("mauricie", pkg)
    assert not st.documented and st.row_ids  # the published figures are still named


def test_an_uncertain_or_unknown_successor_carries_its_note():
    assert statements.successor("laurentides").notes_fr == ()  # read in the 2020 communiqué
    cdq = statements.successor("centre-du-quebec")
    assert any("Arthabaska" in n for n in cdq.notes_fr)  # a 2019 medium named another body
    assert statements.successor("cote-nord").notes_fr  # the gap is explained
