"""REFI-QDA import: small `.qdpx` projects built here, valid against the vendored Project.xsd."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.build.cli import main
from analysis.contract import data, disclosure, env, xsd
from analysis.interviews import qdpx, restricted
from analysis.interviews import reader as interviews
from analysis.present import chapter

NS = qdpx.NAMESPACE
PERSON = "Ginette Tremblay-Lapointe"    # a case name that must never reach any output
QUOTE = "le comité a tout décidé seul"  # interview text that must never reach any output
CODES = {  # QDA code name -> how the book knows it
    "Axe individuel": "axe-individuel",            # matched by French label
    "app-developpement-communautaire": None,      # matched by id
}


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _el(parent, tag, **attrs):
    return ET.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def build_project(path: Path, cases: list[dict], codes: dict[str, bool] | None = None,
                  namespace: str = NS) -> Path:
    """A project: one text source per case, one coded selection per code of the case.

    `cases`: dicts with `region`, `group`, `level` (values as a QDA user would type them) and `codes`.
    """
    codes = codes if codes is not None else {name: True for name in CODES}
    ET.register_namespace("", namespace)
    q = f"{{{namespace}}}"
    root = ET.Element(f"{q}Project", {"name": "Entrevues PAGSIS", "origin": "tests"})
    book = ET.SubElement(ET.SubElement(root, f"{q}CodeBook"), f"{q}Codes")
    for name, codable in codes.items():
        ET.SubElement(book, f"{q}Code", {"guid": _guid("code", name), "name": name,
                                           "isCodable": str(codable).lower()})
    variables = ET.SubElement(root, f"{q}Variables")
    for name in ("Région", "Groupe d'acteurs", "Palier"):
        ET.SubElement(variables, f"{q}Variable", {"guid": _guid("var", name), "name": name,
                                                    "typeOfVariable": "Text"})
    cases_el = ET.SubElement(root, f"{q}Cases")
    sources = ET.SubElement(root, f"{q}Sources")
    for number, case in enumerate(cases):
        source_guid = _guid("source", str(number))
        source = ET.SubElement(sources, f"{q}TextSource", {"guid": source_guid, "name": f"{PERSON} {number}"})
        ET.SubElement(source, f"{q}PlainTextContent").text = f"{PERSON} : {QUOTE}."
        for k, code in enumerate(case["codes"]):
            selection = ET.SubElement(source, f"{q}PlainTextSelection", {
                "guid": _guid("sel", str(number), str(k)), "startPosition": "0", "endPosition": "10"})
            coding = ET.SubElement(selection, f"{q}Coding", {"guid": _guid("coding", str(number), str(k))})
            ET.SubElement(coding, f"{q}CodeRef", {"targetGUID": _guid("code", code)})
        element = ET.SubElement(cases_el, f"{q}Case", {"guid": _guid("case", str(number)),
                                                         "name": f"{PERSON} {number}"})
        for variable, key in (("Région", "region"), ("Groupe d'acteurs", "group"), ("Palier", "level")):
            if case.get(key):
                value = ET.SubElement(element, f"{q}VariableValue")
                ET.SubElement(value, f"{q}VariableRef", {"targetGUID": _guid("var", variable)})
                ET.SubElement(value, f"{q}TextValue").text = case[key]
        ET.SubElement(element, f"{q}SourceRef", {"targetGUID": source_guid})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(qdpx.PROJECT_FILE, ET.tostring(root, encoding="unicode", xml_declaration=True))
    return path


def project_from_tables(folder: Path, path: Path, person: str = PERSON) -> Path:
    """A `.qdpx` holding the interviews of a restricted folder, as a QDA program would export them.

    One case per interview, named after a person (the import must never carry the name over), with
    region, actor group and level as variables; one text source per case, one coded selection per code.
    """
    interviews_ = pd.read_csv(folder / "interviews.csv", dtype=str)
    codes = pd.read_csv(folder / "interview_codes.csv", dtype=str)
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}Project", {"name": "Entrevues", "origin": "tests"})
    book = _el(_el(root, "CodeBook"), "Codes")
    for code in sorted(set(codes["code_id"])):
        _el(book, "Code", guid=_guid("code", code), name=code, isCodable="true")
    variables = _el(root, "Variables")
    for name in ("region_id", "actor_group", "level"):
        _el(variables, "Variable", guid=_guid("var", name), name=name, typeOfVariable="Text")
    cases, sources = _el(root, "Cases"), _el(root, "Sources")
    for number, row in enumerate(interviews_.itertuples()):
        source = _el(sources, "TextSource", guid=_guid("src", row.interview_id), name=f"{person} {number}")
        ET.SubElement(source, f"{{{NS}}}PlainTextContent").text = f"{person} : {QUOTE}."
        for k, code in enumerate(codes.loc[codes["interview_id"] == row.interview_id, "code_id"]):
            selection = _el(source, "PlainTextSelection", guid=_guid("sel", row.interview_id, str(k)),
                            startPosition=0, endPosition=10)
            coding = _el(selection, "Coding", guid=_guid("coding", row.interview_id, str(k)))
            _el(coding, "CodeRef", targetGUID=_guid("code", code))
        case = _el(cases, "Case", guid=_guid("case", row.interview_id), name=f"{person} {number}")
        for name in ("region_id", "actor_group", "level"):
            value = _el(case, "VariableValue")
            _el(value, "VariableRef", targetGUID=_guid("var", name))
            ET.SubElement(value, f"{{{NS}}}TextValue").text = getattr(row, name)
        _el(case, "SourceRef", targetGUID=_guid("src", row.interview_id))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(qdpx.PROJECT_FILE, ET.tostring(root, encoding="unicode", xml_declaration=True))
    return path


def _people(region: str, n: int, codes: list[str], group: str = "Élus", level: str = "régional") -> list[dict]:
    return [{"region": region, "group": group, "level": level, "codes": codes} for _ in range(n)]


@pytest.fixture
def project(tmp_path) -> Path:
    cases = (_people("Mauricie", 6, ["Axe individuel"])
             + _people("mauricie", 2, ["app-developpement-communautaire"], group="gestionnaires", level="local")
             + _people("Côte-Nord", 5, ["Axe individuel", "app-developpement-communautaire"]))
    return build_project(tmp_path / "entrevues.qdpx", cases)


def _written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _every_output(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_built_projects_follow_the_vendored_schema(project):
    with zipfile.ZipFile(project) as archive:
        assert xsd.errors(qdpx.XSD, archive.read(qdpx.PROJECT_FILE)) == []


def test_import_writes_tables_that_build_disclosure_controlled_aggregates(project, tmp_path, monkeypatch):
    out = qdpx.import_project(project, tmp_path / "restreint")
    assert restricted.problems(out) == []
    written = _every_output(out)
    assert PERSON not in written and QUOTE not in written and "Tremblay" not in written
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(out))
    interviews._load.cache_clear()
    interviews._by_dimension.cache_clear()
    try:
        loaded = interviews.load()
        assert loaded.restricted and len(loaded.interviews) == 13
        assert set(loaded.interviews["region_id"]) == {"mauricie", "cote-nord"}
        published = interviews.published_by_dimension()
        table = published.table
        assert table.loc["mauricie", "axe"] == 6
        assert table.loc["cote-nord", "axe"] == 5
        # two people on the approach dimension in Mauricie: under the threshold, never shown
        assert table.loc["mauricie", "approche"] == disclosure.SUPPRESSED
        shown = [v for v in table.to_numpy().ravel() if v != disclosure.SUPPRESSED]
        assert all(int(v) >= disclosure.MIN_COUNT for v in shown)
    finally:
        interviews._load.cache_clear()
        interviews._by_dimension.cache_clear()


def test_summaries_are_shown_only_where_the_cell_is_published(project, tmp_path, monkeypatch):
    summaries = tmp_path / "resumes.csv"
    summaries.write_text("region_id,code_id,summary_fr\n"
                         "mauricie,axe-individuel,Les élus insistent sur l'accompagnement des personnes.\n"
                         "mauricie,app-developpement-communautaire,Deux gestionnaires en parlent.\n",
                         encoding="utf-8")
    out = qdpx.import_project(project, tmp_path / "restreint", summaries=summaries)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(out))
    interviews._load.cache_clear()
    try:
        shown = interviews.published_summaries("mauricie")
    finally:
        interviews._load.cache_clear()
    assert list(shown["code_id"]) == ["axe-individuel"]  # 6 people: shown; 2 people: hidden
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(out))
    interviews._load.cache_clear()
    try:
        box = chapter.team_summaries("mauricie")  # what the restricted chapter shows
    finally:
        interviews._load.cache_clear()
    assert "accompagnement des personnes" in box and "Deux gestionnaires" not in box
    monkeypatch.delenv(env.INTERVIEWS_DIR)
    assert interviews.published_summaries("mauricie").empty  # public edition: none


def test_codes_can_be_mapped_and_a_draft_mapping_lists_what_to_complete(tmp_path):
    project = build_project(tmp_path / "p.qdpx", _people("Mauricie", 5, ["Personne"]),
                            codes={"Personne": True})
    with pytest.raises(qdpx.QdpxError, match="matches no code"):
        qdpx.import_project(project, tmp_path / "a")
    draft = qdpx.draft_mapping(project, tmp_path / "mapping.csv")
    text = draft.read_text(encoding="utf-8")
    assert "code,Personne,\n" in text and "variable,Région,region_id" in text
    assert "region_id,Mauricie,mauricie" in text
    draft.write_text(text.replace("code,Personne,\n", "code,Personne,axe-individuel\n"), encoding="utf-8")
    out = qdpx.import_project(project, tmp_path / "b", mapping=draft)
    assert "axe-individuel" in (out / "interview_codes.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: build_project(d / "p.qdpx", _people("Mauricie", 5, ["Inconnu"]), codes={"Inconnu": True}),
     r"Code \(guid [0-9a-f-]+\): code 'Inconnu' matches no code of the codebook"),
    (lambda d: build_project(d / "p.qdpx", [{"group": "Élus", "level": "local", "codes": ["Axe individuel"]}]),
     r"Cases/Case\[1\] \(guid [0-9a-f-]+\): no value for the region_id variable"),
    (lambda d: build_project(d / "p.qdpx", _people("Gaspésie", 5, ["Axe individuel"])),
     r"region_id value 'Gaspésie' is not known"),
    (lambda d: build_project(d / "p.qdpx", _people("Mauricie", 5, ["Axes d'intervention"]),
                             codes={"Axes d'intervention": True}),
     r"not a codable code"),
    (lambda d: _written(d / "p.qdpx", b"PK\x03\x04 broken archive"),
     r"p\.qdpx: zip: corrupt or not a zip archive"),
    (lambda d: build_project(d / "p.qdpx", _people("Mauricie", 5, ["Axe individuel"]),
                             namespace="urn:QDA-XML:project:2.0"),
     r"namespace 'urn:QDA-XML:project:2.0' is not the REFI-QDA project schema 1.0"),
])
def test_clear_errors_and_nothing_written(tmp_path, make, message, capsys):
    project = make(tmp_path)
    out = tmp_path / "restreint"
    assert main(["import-qdpx", str(project), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "nothing was written" in err
    assert not out.exists()
    assert PERSON not in err and QUOTE not in err


def test_schema_violations_name_the_element_never_its_content(tmp_path, capsys):
    project = tmp_path / "p.qdpx"
    bad = (f'<?xml version="1.0"?><Project xmlns="{NS}" name="x"><Cases>'
           f'<Case guid="{PERSON}" name="{PERSON}"/></Cases></Project>')
    with zipfile.ZipFile(project, "w") as archive:
        archive.writestr(qdpx.PROJECT_FILE, bad)
    assert main(["import-qdpx", str(project), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "does not follow Project.xsd" in err and "Case" in err
    assert "Tremblay" not in err


def test_output_inside_the_repository_is_refused(project):
    with pytest.raises(qdpx.QdpxError, match="inside the repository"):
        qdpx.import_project(project, data.ROOT / "restreint-test")
    assert not (data.ROOT / "restreint-test").exists()


def test_a_restricted_folder_round_trips_through_a_qdpx_project(tmp_path):
    from tests.test_restricted import opaque_copy

    folder = opaque_copy(tmp_path)
    project = project_from_tables(folder, tmp_path / "export.qdpx")
    with zipfile.ZipFile(project) as archive:
        raw = archive.read(qdpx.PROJECT_FILE)
    # The schema check the import makes (every error of Project.xsd).
    assert qdpx._schema_problems(raw) == ()
    out = qdpx.import_project(project, tmp_path / "importe")
    before = pd.read_csv(folder / "interview_codes.csv").merge(pd.read_csv(folder / "interviews.csv"))
    after = pd.read_csv(out / "interview_codes.csv").merge(pd.read_csv(out / "interviews.csv"))
    per_region = ["region_id", "code_id"]
    assert before.groupby(per_region).size().equals(after.groupby(per_region).size())
    assert PERSON not in _every_output(out)
