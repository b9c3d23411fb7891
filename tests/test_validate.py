"""`python -m analysis validate`: each bad input gets its own clear `file:row:column: rule: message`.

Every case copies the package (the real data/ plus the synthetic interview fixture, put together once
per module) into tmp_path, makes one small change, re-records the hashes (except the hash case) and
expects exit code 2 with its message.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.build.cli import main
from analysis.contract import fields, validate
from analysis.contract.validate import REHASH_COMMAND, rehash
from tests.conftest import DATA

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def real_data_untouched():
    """No test of this module writes into data/: the real package is byte-identical after them (checked when
    the module's last test on this worker is done, however pytest-xdist deals the tests out)."""
    before = snapshot(DATA)
    yield
    assert snapshot(DATA) == before, "a test of test_validate.py wrote into data/"


# --- helpers: build a package copy and change one thing -------------------------------------------

def package(tmp_path: Path) -> Path:
    """A copy of the real package plus the synthetic interview tables of tests/fixtures."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    shutil.copytree(FIXTURES / "synthetic", root / "synthetic", ignore=shutil.ignore_patterns("*.json"),
                    dirs_exist_ok=True)
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    fixture = json.loads((FIXTURES / "synthetic" / "resources.json").read_text(encoding="utf-8"))
    replaced = {res["name"] for res in fixture}  # the fixture stands in for the package's own stand-in
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] not in replaced] + fixture
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    rehash(root)
    return root


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The package, put together once: each test changes a copy of it."""
    return package(tmp_path_factory.mktemp("template"))


@pytest.fixture
def root(template, tmp_path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "data"))


def read(root: Path, file: str) -> tuple[list[str], list[dict]]:
    with (root / file).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def write(root: Path, file: str, header: list[str], rows: list[dict], **fmt) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n", **fmt)
    writer.writeheader()
    writer.writerows(rows)
    (root / file).write_text(out.getvalue(), encoding="utf-8")
    rehash(root)


def set_cell(root: Path, file: str, field: str, value: str, where=lambda row: True) -> str:
    """Change `field` in the first row matching `where`; return its `file:row:column` prefix."""
    header, rows = read(root, file)
    index = next(i for i, row in enumerate(rows) if where(row))
    rows[index][field] = value
    write(root, file, header, rows)
    return f"{file}:{index + 2}:{header.index(field) + 1}"


def append(root: Path, file: str, **values) -> int:
    header, rows = read(root, file)
    rows.append({name: values.get(name, "") for name in header})
    write(root, file, header, rows)
    return len(rows) + 1


def append_text(root: Path, file: str, text: str) -> int:
    """Append raw text as the last line; return its row number (files here have one line per row)."""
    path = root / file
    body = path.read_text(encoding="utf-8")
    path.write_text(body + text, encoding="utf-8")
    rehash(root)
    return len(body.splitlines()) + 1


def write_bytes(root: Path, file: str, data: bytes) -> None:
    (root / file).write_bytes(data)
    rehash(root)


def column(root: Path, file: str, field: str) -> int:
    return read(root, file)[0].index(field) + 1


def run(root: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(root)])
    return code, capsys.readouterr().out.splitlines()


# --- the bad inputs: each returns (expected prefix, expected message fragment) --------------------

def bad_empty_file(root):
    write_bytes(root, "regions.csv", b"")
    return "regions.csv:1:0: empty-file:", "the file is empty"


def bad_unbalanced_quote(root):
    row = append_text(root, "timeline.csv", 'zz-event,2011,,Alliances,"Libellé tronqué')
    return f"timeline.csv:{row}:0: csv-syntax:", "quoted cell is never closed"


def bad_short_row(root):
    row = append_text(root, "timeline.csv", "zz-event,2011,\n")
    return f"timeline.csv:{row}:4: row-length:", "row has 3 cells but the header has"


def bad_extra_cells(root):
    row = append_text(root, "gaps.csv", "zz-gap,mauricie,autre,note,en trop\n")
    return f"gaps.csv:{row}:5: row-length:", "extra 'en trop'"


def bad_blank_row(root):
    text = (root / "regions.csv").read_text(encoding="utf-8").split("\n", 1)
    write_bytes(root, "regions.csv", (text[0] + "\n\n" + text[1]).encode())
    return "regions.csv:2:0: blank-row:", "blank line"


def bad_invalid_utf8(root):
    lines = (root / "regions.csv").read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if not text.isascii())
    col = next(i for i, ch in enumerate(lines[line]) if ord(ch) > 127) + 1
    write_bytes(root, "regions.csv", "\n".join(lines).encode("cp1252"))
    return f"regions.csv:{line + 1}:{col}: encoding:", "is not valid UTF-8"


def bad_bom(root):
    write_bytes(root, "regions.csv", b"\xef\xbb\xbf" + (root / "regions.csv").read_bytes())
    return "regions.csv:1:1: bom:", "byte-order mark"


def bad_semicolon_delimiter(root):
    header, rows = read(root, "regions.csv")
    write(root, "regions.csv", header, rows, delimiter=";")
    return "regions.csv:1:1: delimiter:", "separated by ';'"


def bad_missing_column(root):
    header, rows = read(root, "regions.csv")
    for row in rows:
        del row["name"]
    write(root, "regions.csv", [h for h in header if h != "name"], rows)
    return "regions.csv:1:3: header:", "missing column 'name'"


def bad_extra_column(root):
    header, rows = read(root, "regions.csv")
    write(root, "regions.csv", header + ["population"], [dict(r, population="1") for r in rows])
    return f"regions.csv:1:{len(header) + 1}: header:", "extra column 'population'"


def bad_wrong_type(root):
    prefix = set_cell(root, "funding.csv", "retained", "oui")
    return f"{prefix}: type-error:", "'oui' is not a valid boolean; write true or false"


def bad_unknown_enum(root):
    prefix = set_cell(root, "sources.csv", "kind", "blog")
    return f"{prefix}: constraint-error:", "'blog' is not an allowed value; expected one of: plan"


def bad_pattern(root):
    prefix = set_cell(root, "regions.csv", "code", "4x")
    return f"{prefix}: constraint-error:", "'4x' does not match the pattern"


def bad_dangling_foreign_key(root):
    prefix = set_cell(root, "ties.csv", "source_actor", "acteur-inconnu")
    return f"{prefix}: foreign-key:", "'acteur-inconnu' is not an existing actor_id of table 'actors'"


def bad_dangling_interview(root):
    prefix = set_cell(root, "synthetic/interview_codes.csv", "interview_id", "syn-i-99")
    return f"{prefix}: foreign-key:", "'syn-i-99' is not an existing interview_id of table 'interviews'"


def bad_duplicate_primary_key(root):
    header, rows = read(root, "timeline.csv")
    write(root, "timeline.csv", header, rows + [rows[0]])
    return f"timeline.csv:{len(rows) + 2}:1: primary-key:", "duplicate primary key event_id"


def bad_missing_required(root):
    prefix = set_cell(root, "sources.csv", "title", "")
    return f"{prefix}: constraint-error:", "field 'title' is required but the cell is empty"


def bad_malformed_url(root):
    prefix = set_cell(root, "sources.csv", "url", "www.example.org/rapport")
    return f"{prefix}: url:", "'www.example.org/rapport' is not a complete http(s) address"


def bad_impossible_date(root):
    prefix = set_cell(root, "timeline.csv", "date", "2011-02-30")
    return f"{prefix}: date-real:", "'2011-02-30' is not a real calendar date (2011-02 has 28 days)"


def bad_impossible_month(root):
    prefix = set_cell(root, "sources.csv", "accessed", "2026-13")
    return f"{prefix}: date-real:", "'2026-13' has no month 13"


def bad_year_out_of_range(root):
    prefix = set_cell(root, "sources.csv", "date", "1890")
    return f"{prefix}: date-range:", "year 1890 in '1890' is outside 1990-2030"


def bad_negative_amount(root):
    prefix = set_cell(root, "funding.csv", "amount", "-5000")
    return f"{prefix}: amount-negative:", "field 'amount': -5000 is negative"


def bad_formatted_amount(root):
    prefix = set_cell(root, "funding.csv", "amount", "4,2 M$")
    return f"{prefix}: amount-format:", "'4,2 M$' is not a plain number"


def bad_hash_mismatch(root):
    path = root / "timeline.csv"
    # Same rows, Windows line endings, no rehash: a spreadsheet "save" made outside the pipeline.
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return "timeline.csv:0:0: hash:", "changed outside the pipeline (recorded sha256:"


def bad_unknown_region(root):
    prefix = set_cell(root, "funding.csv", "region_id", "gaspesie")
    return f"{prefix}: region-exists:", "unknown region 'gaspesie'"


def bad_unknown_region_of_a_source(root):
    prefix = set_cell(root, "sources.csv", "region_id", "gaspesie")
    return f"{prefix}: region-exists:", "unknown region 'gaspesie'"


def _edit_descriptor(root, edit):
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def _field(descriptor, table, name):
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    return next(f for f in res["schema"]["fields"] if f["name"] == name)


def bad_shared_field_edited_in_one_table(root):
    _edit_descriptor(root, lambda d: _field(d, "funding", "region_id").update(description="Région."))
    return "datapackage.json:0:0: shared-field:", "field 'region_id' of resource 'funding' differs"


def bad_regions_listed_again_in_a_table(root):
    enum = ["bas-saint-laurent", "mauricie"]
    _edit_descriptor(root, lambda d: _field(d, "projects", "region_id")["constraints"].update(enum=enum))
    return "datapackage.json:0:0: shared-field:", "field 'region_id' of resource 'projects' differs"


def bad_territory_in_other_region(root):
    header, territories = read(root, "territories.csv")
    home = territories[0]
    prefix = set_cell(root, "actors.csv", "territory_id", home["territory_id"],
                      where=lambda row: row["region_id"] and row["region_id"] != home["region_id"])
    return f"{prefix}: territory-region:", f"territory {home['territory_id']!r} belongs to region"


def bad_unknown_source(root):
    prefix = set_cell(root, "timeline.csv", "source_ids", "qc-loi-2002;qc-inconnue")
    return f"{prefix}: source-exists:", "source id 'qc-inconnue' is not in sources.csv"


def bad_empty_source_ids(root):
    prefix = set_cell(root, "territories.csv", "source_ids", "")
    return f"{prefix}: source-required:", "field 'source_ids' is empty"


def retained_envelope(root) -> dict:
    return next(r for r in read(root, "funding.csv")[1]
                if r["scope"] == "enveloppe-regionale" and r["retained"] == "true")


def bad_two_retained_envelopes(root):
    envelope = retained_envelope(root)
    row = append(root, "funding.csv", **dict(envelope, funding_id="zz-f-99"))
    return f"funding.csv:{row}:{column(root, 'funding.csv', 'retained')}: funding-retained:", \
        f"region {envelope['region_id']!r} already has a retained regional envelope"


def bad_parts_exceed_envelope(root):
    env = retained_envelope(root)
    too_much = str(int(float(env["amount"])) + 1)
    part = dict(env, funding_id="zz-f-99", scope="part-territoriale", retained="false", amount=too_much)
    row = append(root, "funding.csv", **part)
    return f"funding.csv:{row}:{column(root, 'funding.csv', 'amount')}: funding-parts:", \
        f"territorial parts of {env['region_id']!r}"


def bad_fqis_above_total(root):
    header, rows = read(root, "projects.csv")
    rows[0].update(fqis_amount="1000", total_amount="500")
    write(root, "projects.csv", header, rows)
    return f"projects.csv:2:{header.index('fqis_amount') + 1}: project-amounts:", \
        "fqis_amount 1000 is larger than total_amount 500"


def bad_project_years(root):
    header, rows = read(root, "projects.csv")
    rows[0].update(year_start="2015", year_end="2012")
    write(root, "projects.csv", header, rows)
    return f"projects.csv:2:{header.index('year_end') + 1}: project-years:", \
        "year_end 2012 is before year_start 2015"


def bad_tie_to_itself(root):
    header, rows = read(root, "ties.csv")
    rows[0]["target_actor"] = rows[0]["source_actor"]
    write(root, "ties.csv", header, rows)
    return f"ties.csv:2:{header.index('target_actor') + 1}: tie-self:", "source_actor and target_actor are both"


def bad_period_reversed(root):
    prefix = set_cell(root, "ties.csv", "period", "2015-2011")
    return f"{prefix}: year-order:", "period '2015-2011' ends before it starts"


def bad_synthetic_unlabelled(root):
    prefix = set_cell(root, "synthetic/interviews.csv", "synthetic", "false")
    return f"{prefix}: synthetic-label:", "every row of a synthetic table must say true"


def bad_small_count(root):
    prefix = set_cell(root, "synthetic/interview_counts.csv", "n_interviews", "3")
    return f"{prefix}: small-count:", "count 3 is below 5 and could identify people; publish 'x'"


def bad_missing_file(root):
    (root / "gaps.csv").unlink()
    return "gaps.csv:0:0: missing-file:", "file not found; datapackage.json declares resource 'gaps'"


def bad_descriptor_json(root):
    (root / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    return "datapackage.json:1:", "not valid UTF-8 JSON"


def bad_field_without_description(root):
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["resources"][0]["schema"]["fields"][2]["description"]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return "datapackage.json:0:0: descriptor:", "field 'name' of resource 'regions' has no `description`"


# --- date precision: the precision agrees with the stored form -------------------------------------

def bad_precision_day_on_a_year(root):
    prefix = set_cell(root, "timeline.csv", "date", "2011", where=lambda r: r["date_precision"] == "jour")
    col = column(root, "timeline.csv", "date_precision")
    return f"{prefix.rsplit(':', 1)[0]}:{col}: date-precision:", "'jour', which needs 'date' written YYYY-MM-DD"


def bad_precision_month_on_a_day(root):
    prefix = set_cell(root, "timeline.csv", "date_precision", "mois", where=lambda r: len(r["date"]) == 10)
    return f"{prefix}: date-precision:", "'mois', which needs 'date' written YYYY-MM"


def bad_precision_year_on_a_month(root):
    prefix = set_cell(root, "sources.csv", "date_precision", "annee", where=lambda r: len(r["date"]) == 7)
    return f"{prefix}: date-precision:", "'annee', which needs 'date' written YYYY"


def bad_precision_inferred_year_on_a_day(root):
    prefix = set_cell(root, "region_facts.csv", "date_precision", "annee-deduite",
                      where=lambda r: len(r["date"]) == 10)
    return f"{prefix}: date-precision:", "'annee-deduite', which needs 'date' written YYYY"


def bad_precision_without_date(root):
    prefix = set_cell(root, "funding.csv", "date_stated", "", where=lambda r: r["date_stated_precision"] == "jour")
    col = column(root, "funding.csv", "date_stated_precision")
    return f"{prefix.rsplit(':', 1)[0]}:{col}: date-precision:", "is 'jour' but 'date_stated' is empty"


def bad_date_without_precision(root):
    prefix = set_cell(root, "region_facts.csv", "date_precision", "", where=lambda r: r["date"] != "")
    return f"{prefix}: date-precision:", "field 'date_precision' is empty but 'date' is"


# --- the codebook tree ------------------------------------------------------------------------------

def bad_codebook_cycle(root):
    header, rows = read(root, "codebook.csv")
    a = next(i for i, r in enumerate(rows) if r["code_id"] == "axe-individuel")
    b = next(i for i, r in enumerate(rows) if r["code_id"] == "axe-milieux-de-vie")
    rows[a]["parent_id"], rows[b]["parent_id"] = "axe-milieux-de-vie", "axe-individuel"
    write(root, "codebook.csv", header, rows)
    return f"codebook.csv:{a + 2}:{header.index('parent_id') + 1}: codebook-tree:", "parent links form a cycle"


def bad_codebook_two_roots(root):
    prefix = set_cell(root, "codebook.csv", "parent_id", "", where=lambda r: r["code_id"] == "axe-individuel")
    return f"{prefix}: codebook-tree:", "dimension 'axe' already has a root in row 2"


def bad_codebook_dimension_differs_from_parent(root):
    prefix = set_cell(root, "codebook.csv", "dimension", "theme", where=lambda r: r["code_id"] == "axe-individuel")
    return f"{prefix}: codebook-tree:", \
        "'axe-individuel' is in dimension 'theme' but its parent 'dim-axe' is in 'axe'"


def bad_codebook_dangling_parent(root):
    prefix = set_cell(root, "codebook.csv", "parent_id", "dim-nulle-part",
                      where=lambda r: r["code_id"] == "axe-individuel")
    return f"{prefix}: foreign-key:", "'dim-nulle-part' is not an existing code_id of table 'codebook'"


def bad_codebook_codable_root(root):
    prefix = set_cell(root, "codebook.csv", "is_codable", "true", where=lambda r: r["code_id"] == "dim-axe")
    return f"{prefix}: codebook-tree:", "a root is not codable"


def bad_codebook_root_named_unlike_its_dimension(root):
    prefix = set_cell(root, "codebook.csv", "label_fr", "Obstacles",
                      where=lambda r: r["code_id"] == "dim-obstacle")
    return f"{prefix}: codebook-tree:", "labels.csv names the dimension 'Obstacles et irritants'"


def bad_codebook_group_without_codes(root):
    row = append(root, "codebook.csv", code_id="proc-groupe-vide", parent_id="dim-processus",
                 dimension="processus", is_codable="false", label_fr="Groupe vide", definition_fr="d",
                 include_fr="i", exclude_fr="e", example_fr="x", origin="edition")
    return f"codebook.csv:{row}:{column(root, 'codebook.csv', 'is_codable')}: codebook-tree:", \
        "'proc-groupe-vide' is a non-codable group without any code under it"


# --- links from avenues, coded segments, narratives, labels -------------------------------------------

def bad_avenue_unknown_code(root):
    prefix = set_cell(root, "recommendations.csv", "code_ids", "cond-ressources;cond-inconnue")
    return f"{prefix}: avenue-link:", "'cond-inconnue' is not a code_id of codebook.csv"


def bad_avenue_non_codable_code(root):
    prefix = set_cell(root, "recommendations.csv", "code_ids", "cond-ressources;dim-axe")
    return f"{prefix}: avenue-link:", "'dim-axe' is a non-codable group or root"


def bad_avenue_unknown_fact(root):
    prefix = set_cell(root, "recommendations.csv", "fact_ids", "etude-nulle-part")
    return f"{prefix}: avenue-link:", "'etude-nulle-part' is not a fact_id of study_facts.csv"


def bad_avenue_rests_on_design_metadata(root):
    prefix = set_cell(root, "recommendations.csv", "fact_ids", "etude-partenaires")
    return f"{prefix}: avenue-finding:", "'etude-partenaires' is a fact of topic 'financement', not a finding"


def bad_segment_non_codable_code(root):
    prefix = set_cell(root, "coded_segments.csv", "code_id", "dim-axe")
    return f"{prefix}: code-codable:", "'dim-axe' is a non-codable group or root of the codebook"


def bad_segment_unknown_code(root):
    prefix = set_cell(root, "coded_segments.csv", "code_id", "code-inconnu")
    return f"{prefix}: foreign-key:", "'code-inconnu' is not an existing code_id of table 'codebook'"


def bad_narrative_unknown_row(root):
    row = append(root, "narratives.csv", paragraph_id="mau-p-99", region_id="mauricie", section="financement",
                 position="1", text_fr="Un paragraphe.", row_ids="mau-f-01;mau-ligne-inventee")
    return f"narratives.csv:{row}:{column(root, 'narratives.csv', 'row_ids')}: row-exists:", \
        "'mau-ligne-inventee' is not the id of any row of the package"


def bad_unlabelled_enum_value(root):
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    funding = next(r for r in descriptor["resources"] if r["name"] == "funding")
    next(f for f in funding["schema"]["fields"] if f["name"] == "scope")["constraints"]["enum"].append("nouvelle")
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return "labels.csv:0:0: label-missing:", "no label for 'nouvelle' in domain 'funding_scope'"


def bad_total_of_parts_naming_a_territory(root):
    prefix = set_cell(root, "funding.csv", "territory_id", "cn-t-sept-rivieres",
                      where=lambda r: r["scope"] == "parts-territoriales-total")
    return f"{prefix}: funding-scope:", "is the total of all territories: leave territory_id empty"


def bad_territorial_part_without_territory(root):
    prefix = set_cell(root, "funding.csv", "territory_id", "", where=lambda r: r["scope"] == "part-territoriale")
    return f"{prefix}: funding-scope:", "is one territory's share: name the territory"


# --- the finding × region verdicts, the coverage of the grid, the numbers of a narrative ----------------

def _regrade(root, finding: str, region: str, **cells) -> str:
    """Set `cells` on the finding × region row; return the `file:row:column` of its verdict."""
    header, rows = read(root, "finding_assessments.csv")
    index = next(i for i, r in enumerate(rows) if r["finding_id"] == finding and r["region_id"] == region)
    rows[index].update(cells)
    write(root, "finding_assessments.csv", header, rows)
    return f"finding_assessments.csv:{index + 2}:{header.index('assessment') + 1}"


def bad_verdict_on_one_passage(root):
    return f"{_regrade(root, 'constat-conflit-cooperation', 'bas-saint-laurent', assessment='corrobore')}: " \
        "evidence-standard:", "verdict 'corrobore' needs at least 2 passages from 2 distinct sources of 2010-2015"


def bad_verdict_on_one_source(root):
    return f"{_regrade(root, 'constat-mrc', 'centre-du-quebec', assessment='nuance')}: evidence-standard:", \
        "it has 3 from 1"


def bad_verdict_on_an_abolition_passage(root):
    cell = _regrade(root, "constat-logiques", "centre-du-quebec", assessment="corrobore",
                    segment_ids="cdq-seg-01;cdq-seg-07")
    return f"{cell}: evidence-standard:", \
        "passage 'cdq-seg-07' cannot support a verdict: it is about the 2014-2016 abolition"


def bad_verdict_on_a_later_source(root):
    return f"{_regrade(root, 'constat-avancees', 'mauricie', segment_ids='mau-seg-16;mau-seg-26')}: " \
        "evidence-standard:", "its source 'mau-src-17' is not of the 2010-2015 period (era 'apres-2015')"


def bad_isolated_clue_that_meets_the_standard(root):
    return f"{_regrade(root, 'constat-mrc', 'mauricie', assessment='indice-isole')}: evidence-standard:", \
        "which meets the standard: an isolated clue has fewer"


def bad_silence_naming_passages(root):
    return f"{_regrade(root, 'constat-obstacles', 'laurentides', segment_ids='lau-seg-12')}: evidence-standard:", \
        "a silence names passages (lau-seg-12)"


def bad_verdict_on_a_passage_of_another_region(root):
    cell = _regrade(root, "constat-avancees", "mauricie", segment_ids="mau-seg-16;bsl-seg-02")
    segment_ids = column(root, "finding_assessments.csv", "segment_ids")
    return f"{cell.rsplit(':', 1)[0]}:{segment_ids}: verdict-passage:", \
        "segment 'bsl-seg-02' belongs to 'bas-saint-laurent', not to 'mauricie'"


def bad_missing_verdict_row(root):
    header, rows = read(root, "finding_assessments.csv")
    write(root, "finding_assessments.csv", header, rows[:-1])
    last = rows[-1]
    return f"finding_assessments.csv:0:{header.index('finding_id') + 1}: verdict-missing:", \
        f"no row for {last['finding_id']} × {last['region_id']}"


def bad_uncovered_dimension_without_stated_silence(root):
    header, rows = read(root, "coded_segments.csv")
    codebook = {r["code_id"]: r["dimension"] for r in read(root, "codebook.csv")[1]}
    kept = [r for r in rows if codebook[r["code_id"]] != "obstacle" or r["region_id"] == "lanaudiere"]
    write(root, "coded_segments.csv", header, kept)
    header, verdicts = read(root, "finding_assessments.csv")
    for row in verdicts:
        if row["finding_id"] == "constat-obstacles" and row["region_id"] != "lanaudiere":
            row.update(assessment="indice-isole", segment_ids="")  # no stated silence for this dimension
    write(root, "finding_assessments.csv", header, verdicts)
    return f"coded_segments.csv:0:{column(root, 'coded_segments.csv', 'code_id')}: coverage:", \
        "dimension 'obstacle' is coded in 1 region(s), fewer than 3"


def bad_narrative_number_not_in_its_rows(root):
    row = append(root, "narratives.csv", paragraph_id="mau-p-98", region_id="mauricie", section="financement",
                 position="9", text_fr="Une enveloppe de 4 300 000 $ est annoncée.", row_ids="mau-f-01")
    return f"narratives.csv:{row}:{column(root, 'narratives.csv', 'text_fr')}: narrative-number:", \
        "the paragraph states 4300000 but none of the rows it cites (mau-f-01) holds it"


def bad_governance_evidence_unknown_row(root):
    prefix = set_cell(root, "governance_evidence.csv", "row_ids", "bsl-rf-06;nulle-part")
    return f"{prefix}: row-exists:", "'nulle-part' is not the id of any row of the package"


CASES = [value for name, value in dict(globals()).items() if name.startswith("bad_")]


# --- tests -------------------------------------------------------------------------------------------

def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25


def test_fixture_package_is_valid(root, capsys):
    code, lines = run(root, capsys)
    assert code == 0, "\n".join(lines)


def contents(root: Path) -> dict[str, tuple[dict, bytes | None]]:
    """Each resource's descriptor and file bytes (None when its file is missing)."""
    descriptor, _ = validate.read_descriptor(root)
    return {r["name"]: (r, file.read_bytes() if (file := root / r.get("path", "")).is_file() else None)
            for r in (descriptor or {}).get("resources", [])}


@pytest.fixture(scope="module")
def template_contents(template) -> dict[str, tuple[dict, bytes | None]]:
    return contents(template)


@pytest.mark.parametrize("mutate", CASES, ids=lambda f: f.__name__.removeprefix("bad_"))
def test_bad_input_gets_its_own_message(template_contents, root, capsys, monkeypatch, mutate):
    """The case's message; and `validate.quick_clean`, which spares Frictionless the tables it clears, cleared
    no changed table that Frictionless finds invalid (the unchanged ones are the real package's, valid by the
    other tests)."""
    from frictionless import system

    cleared = []  # (package descriptor, names of the tables cleared), as the command below validates
    quick_clean = validate.quick_clean

    def spy(desc, tables):
        cleared.append((desc, quick_clean(desc, tables)))
        return cleared[-1][1]

    monkeypatch.setattr(validate, "quick_clean", spy)
    prefix, fragment = mutate(root)
    code, lines = run(root, capsys)
    # The quick checks first: a table they cleared wrongly would also hide the case's message.
    before, after = template_contents, contents(root)
    assert cleared or not after, "the quick checks never ran: nothing here says they clear only valid tables"
    changed = {name for name, now in after.items() if before.get(name) != now}
    with system.use_context(trusted=True):
        faulted = [name for desc, names in cleared for name in sorted(names & changed)
                   if not validate.reading_package(desc, [name], root).get_resource(name).validate().valid]
    assert not faulted, f"quick_clean cleared changed table(s) {faulted} that Frictionless finds invalid"
    assert code == 2
    assert any(line.startswith(prefix) and fragment in line for line in lines), \
        f"expected {prefix} … {fragment}\ngot:\n" + "\n".join(lines)


def test_every_problem_is_reported_not_only_the_first(root, capsys):
    expected = [case(root) for case in (bad_unknown_enum, bad_impossible_date, bad_small_count, bad_bom)]
    code, lines = run(root, capsys)
    assert code == 2
    for prefix, fragment in expected:
        assert any(line.startswith(prefix) and fragment in line for line in lines), (prefix, lines)


@pytest.mark.spawns
def test_the_command_line_exits_2_on_a_problem_and_names_the_command_that_fixes_it(root):
    """The real command line exits 2 on a problem and says what to run; its exit 0 on a valid package is
    tests/test_install.py's (the installed package, with the folder given and named by the variable)."""
    bad_hash_mismatch(root)
    bad = subprocess.run([sys.executable, "-m", "analysis", "validate", str(root)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert REHASH_COMMAND in bad.stdout


def test_real_package_is_valid(capsys):
    started = time.perf_counter()
    code, lines = run(DATA, capsys)
    assert code == 0, "\n".join(lines)
    assert time.perf_counter() - started < 30


def test_integrity_rules_fail_the_command_line(root, capsys):
    """What `make book` runs: a broken codebook, avenue link, segment and narrative stop it (exit 2), each
    named. The command's entry point, in-process: the real command line's exit code is tested apart (here and in
    tests/test_install.py), and test_bad_input_gets_its_own_message each of these breaks alone."""
    expected = [case(root) for case in (bad_codebook_cycle, bad_avenue_unknown_code, bad_segment_non_codable_code,
                                        bad_narrative_unknown_row)]
    code, lines = run(root, capsys)
    assert code == 2
    for prefix, fragment in expected:
        assert any(line.startswith(prefix) and fragment in line for line in lines), (prefix, lines)


def test_rehash_writes_each_shared_field_from_its_one_definition(root):
    bad_shared_field_edited_in_one_table(root)
    validate.rehash(root)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert fields.drifted(descriptor) == []
    assert _field(descriptor, "funding", "region_id")["description"] == fields.SHARED["region_id"]["description"]
    assert _field(descriptor, "funding", "region_id")["constraints"]["required"] is True  # the table's own


def test_a_province_wide_source_is_accepted_and_the_regions_are_listed_once(root, capsys):
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert "enum" not in _field(descriptor, "sources", "region_id").get("constraints", {})
    set_cell(root, "sources.csv", "region_id", fields.PROVINCE)
    validate.rehash(root)
    code, lines = run(root, capsys)
    assert code == 0, "\n".join(lines)


@pytest.mark.parametrize("field, value", [("hash", 42), ("bytes", "1024")])
def test_a_descriptor_of_another_form_is_judged_again(root, capsys, field, value):
    """Frictionless' verdict on a descriptor is kept for the descriptors of the same form (other well-formed
    hashes and byte counts); a hash that is not a string, or a byte count that is not an integer, is another
    form, which Frictionless judges."""
    assert run(root, capsys)[0] == 0  # the form of the valid package is now known
    _edit_descriptor(root, lambda descriptor: descriptor["resources"][0].__setitem__(field, value))
    code, lines = run(root, capsys)
    assert code == 2 and any(line.startswith("datapackage.json:0:0: descriptor:") for line in lines), lines


def test_descriptors_differing_in_well_formed_hashes_and_byte_counts_share_a_form(root):
    descriptor, _ = validate.read_descriptor(root)
    other = json.loads(json.dumps(descriptor))
    other["resources"][0].update(hash="sha256:" + "0" * 64, bytes=1)
    assert validate._descriptor_form(other) == validate._descriptor_form(descriptor)
    other["resources"][0]["title"] = "Autre titre"
    assert validate._descriptor_form(other) != validate._descriptor_form(descriptor)


def test_a_cleared_table_pointed_to_is_read_as_its_key_values_and_a_dangling_one_is_still_found(root):
    """Frictionless looks up a foreign key in the table pointed to: one that the quick checks cleared comes inline,
    as the distinct values of the fields looked up. The verdict on the table pointing to it is the same as with
    the whole table read from its file."""
    from frictionless import system

    bad_dangling_foreign_key(root)
    descriptor, _ = validate.read_descriptor(root)
    desc = validate.schema_descriptor(descriptor, set())
    actors = {res["name"]: res for res in desc["resources"]}["actors"]
    table, _ = validate.read_table(root, actors)
    with system.use_context(trusted=True):
        inline = validate.reading_package(desc, ["ties"], root, {"actors": table})
        whole = validate.reading_package(desc, ["ties"], root)
        looked_up = inline.get_resource("actors")
        assert looked_up.data[0] == ["actor_id"] and len(looked_up.data) == len(table.rows) + 1
        reports = [package.get_resource("ties").validate() for package in (inline, whole)]
    verdicts = [[(e.type, e.row_number, e.note) for e in report.tasks[0].errors] for report in reports]
    assert verdicts[0] == verdicts[1] and [kind for kind, _, _ in verdicts[0]] == ["foreign-key"]
