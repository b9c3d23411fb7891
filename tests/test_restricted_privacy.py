"""Nothing personal published, by construction: a team summary holding an e-mail address, a phone
number, a deny-listed name or an interview id is refused whatever its route in — written into the
restricted folder, or imported with `import-qdpx --summaries` — by `validate-restricted` (all four at
once), by the import and by the documented build, and none of the values reaches any output or log."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from sphinx.errors import ExtensionError

from _ext import restricted_gate
from analysis.build import restricted_book
from analysis.build.cli import main
from analysis.contract import env
from analysis.interviews import privacy, qdpx, restricted
from analysis.interviews import reader as iv
from tests.test_qdpx import project_from_tables
from tests.test_restricted import FOLDER_NAME, opaque_copy

DENIED = "Jean Tremblay"
# kind -> a summary that holds one personal detail of that kind (the id is filled in from the folder)
SUMMARIES = {
    "email": "Une répondante écrit à marie.gagnon@exemple.org pour suivre le dossier.",
    "phone": "On peut joindre la coordonnatrice au 418 555-0199 en tout temps.",
    "deny-list": "Selon jean tremblay, le comité a choisi les projets seul.",
    "interview-id": "La personne {id} dit que les élus ont tout décidé.",
}
VALUES = ("marie.gagnon@exemple.org", "418 555-0199", DENIED, "jean tremblay")


def _holder(tmp_path: Path) -> tuple[Path, list[tuple[str, str]], str]:
    """A valid folder with its deny-list, the region × code cells its interviews reach, and one id."""
    holder = tmp_path / "poste-equipe"
    holder.mkdir()
    folder = opaque_copy(holder)
    (folder / restricted.DENY_LIST).write_text(f"{DENIED}\n", encoding="utf-8")
    interviews = pd.read_csv(folder / "interviews.csv", dtype=str)
    codes = pd.read_csv(folder / "interview_codes.csv", dtype=str).merge(interviews, on="interview_id")
    cells = list(dict.fromkeys(zip(codes["region_id"], codes["code_id"], strict=True)))
    return folder, cells, interviews["interview_id"].iloc[0]


def _write_summaries(path: Path, kinds: list[str], cells: list[tuple[str, str]], interview_id: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(restricted.SUMMARY_COLUMNS)
        for (region, code), kind in zip(cells, kinds, strict=False):
            writer.writerow([region, code, SUMMARIES[kind].format(id=interview_id)])
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """The folder of `_holder` as its QDA program exports it: every test's folder holds the same interviews,
    so one export serves them all (importing never changes it)."""
    tmp = tmp_path_factory.mktemp("export")
    folder, _, _ = _holder(tmp)
    return project_from_tables(folder, tmp / "export.qdpx")


def _secrets(folder: Path, interview_id: str) -> tuple[str, ...]:
    return (*VALUES, interview_id, FOLDER_NAME, str(folder))


def _assert_nothing_leaks(text: str, secrets: tuple[str, ...]) -> None:
    assert [s for s in secrets if s.lower() in text.lower()] == [], text


def test_a_clean_summary_passes(tmp_path):
    folder, cells, _ = _holder(tmp_path)
    path = folder / restricted.SUMMARIES_FILE
    path.write_text("region_id,code_id,summary_fr\n"
                    f"{cells[0][0]},{cells[0][1]},Les élus ont tenu à choisir eux-mêmes les projets.\n",
                    encoding="utf-8")
    assert restricted.problems(folder) == []


def test_validate_restricted_reports_all_four_at_once_and_quotes_none(tmp_path, capsys, monkeypatch,
                                                                       clean_caches):
    folder, cells, interview_id = _holder(tmp_path)
    _write_summaries(folder / restricted.SUMMARIES_FILE, list(SUMMARIES), cells, interview_id)
    assert main(["validate-restricted", str(folder)]) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if line.startswith(restricted.SUMMARIES_FILE)]
    assert [line.split(": ")[1] for line in lines] == list(SUMMARIES), lines
    assert [line.split(":")[1] for line in lines] == ["2", "3", "4", "5"]  # each at its row, column 3
    _assert_nothing_leaks(captured.out + captured.err, _secrets(folder, interview_id))
    # The build gate and the chapters refuse the folder too, with the generic message only.
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    with pytest.raises(restricted.RestrictedDataError) as caught:
        iv.load()
    assert str(caught.value) == restricted.GENERIC_MESSAGE


@pytest.mark.parametrize("kind", list(SUMMARIES))
def test_folder_route_is_refused_by_the_documented_build(kind, tmp_path, capfd):
    folder, cells, interview_id = _holder(tmp_path)
    _write_summaries(folder / restricted.SUMMARIES_FILE, [kind], cells, interview_id)
    assert [p.split(": ")[1] for p in restricted.problems(folder)] == [kind]
    out = tmp_path / "edition"
    assert restricted_book.main(folder, out) == 2
    captured = capfd.readouterr()
    assert restricted_book.INVALID in captured.err and "Traceback" not in captured.out + captured.err
    _assert_nothing_leaks(captured.out + captured.err, _secrets(folder, interview_id))
    assert not out.exists()  # refused before anything is built or written


@pytest.mark.parametrize("kind", list(SUMMARIES))
def test_qdpx_route_is_refused_by_the_import(kind, tmp_path, capsys, export):
    folder, cells, interview_id = _holder(tmp_path)
    project = export
    imported_id = "ent-001"  # the import numbers interviews itself: the id a summary could leak
    summaries = _write_summaries(tmp_path / "resumes.csv", [kind], cells, imported_id)
    deny = folder / restricted.DENY_LIST
    out = tmp_path / "tables"
    with pytest.raises(qdpx.QdpxError) as caught:
        qdpx.import_project(project, out, summaries=summaries, deny_list=deny)
    assert [p.split(": ")[1] for p in caught.value.problems] == [kind]
    assert not out.exists()
    assert main(["import-qdpx", str(project), "--out", str(out), "--summaries", str(summaries),
                 "--deny-list", str(deny)]) == 2
    assert not out.exists()
    captured = capsys.readouterr()
    _assert_nothing_leaks(captured.out + captured.err + "\n".join(caught.value.problems),
                          (*_secrets(folder, interview_id), imported_id))


def test_qdpx_route_reports_the_four_at_once(tmp_path, export):
    folder, cells, _ = _holder(tmp_path)
    project = export
    summaries = _write_summaries(tmp_path / "resumes.csv", list(SUMMARIES), cells, "ent-001")
    with pytest.raises(qdpx.QdpxError) as caught:
        qdpx.import_project(project, tmp_path / "tables", summaries=summaries,
                            deny_list=folder / restricted.DENY_LIST)
    assert [p.split(": ")[1] for p in caught.value.problems] == list(SUMMARIES)


def test_the_privacy_rule_is_one_function(tmp_path):
    """The folder checks and the scan of a built book find the same four kinds in the same text."""
    text = " ".join(s.format(id="zq-004") for s in SUMMARIES.values())
    kinds = [m.kind for m in privacy.personal_details(text, [DENIED], ["zq-004"])]
    assert kinds == ["email", "phone", "deny-list", "interview-id"]
    (tmp_path / "page.html").write_text(f"<p>{text}</p>", encoding="utf-8")
    found, _ = privacy.scan(tmp_path, [DENIED], ["zq-004"])
    assert sorted({f.kind for f in found}) == sorted(kinds)
    # The scan names a deny-listed name and an id by their kind, never by their value.
    assert all(DENIED not in str(f) and "zq-004" not in str(f) for f in found)


def test_every_restricted_build_scans_its_output_and_removes_pages_that_leak(tmp_path, monkeypatch):
    folder, _, interview_id = _holder(tmp_path)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>Aucune donnée personnelle.</p>", encoding="utf-8")
    app = SimpleNamespace(outdir=str(html), builder=SimpleNamespace(format="html"))
    restricted_gate._scan(app, None)  # clean: nothing happens
    assert (html / "index.html").exists()
    (html / "page.html").write_text(f"<p>Entrevue {interview_id}</p>", encoding="utf-8")
    with pytest.raises(ExtensionError) as caught:
        restricted_gate._scan(app, None)
    assert not html.exists()
    _assert_nothing_leaks(str(caught.value), _secrets(folder, interview_id))


def test_schema_errors_name_elements_and_attributes_never_values(tmp_path):
    ns = qdpx.NAMESPACE
    xml = (f'<Project xmlns="{ns}" name="Entrevues" origin="x" remarque="Marie Secret"><CodeBook><Codes>'
           f'<Code guid="Jean Tremblay" name="code" isCodable="Rose O&apos;Neil"/></Codes></CodeBook>'
           '<Cases><Case guid="11111111-1111-1111-1111-111111111111" name="Ginette"><Lucie/></Case></Cases>'
           '</Project>')
    path = tmp_path / "projet.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(qdpx.PROJECT_FILE, xml)
    with pytest.raises(qdpx.QdpxError) as caught:
        qdpx.read_project(path)
    text = "\n".join(caught.value.problems)
    for name in ("/Project/CodeBook/Codes/Code", "remarque", "guid", "isCodable", "Lucie"):
        assert name in text, text
    assert "xs:boolean" in text  # the type the value fails, named
    for value in ("Marie Secret", "Jean Tremblay", "Ginette", "Rose", "Neil"):  # a quote inside a value too
        assert value not in text, text


def test_a_personal_detail_in_a_coded_field_is_not_quoted_back(tmp_path, capsys):
    """A value the validator would quote (an unknown region) is redacted when it holds a personal detail."""
    folder, cells, interview_id = _holder(tmp_path)
    region, code = cells[0]
    (folder / restricted.SUMMARIES_FILE).write_text(
        "region_id,code_id,summary_fr\n"
        f"jo@exemple.org,{code},Résumé sans détail.\n"
        f"jean tremblay,{code},Résumé sans détail.\n", encoding="utf-8")
    assert main(["validate-restricted", str(folder)]) == 2
    captured = capsys.readouterr()
    assert "region-exists" in captured.out and "email" in captured.out and "deny-list" in captured.out
    _assert_nothing_leaks(captured.out + captured.err, (*_secrets(folder, interview_id), "jo@exemple.org"))


def test_every_problem_of_the_folder_at_once_root_causes_first(tmp_path):
    """An encoding error does not hide a missing column in another file nor an unknown region in a summary;
    checks that need the broken tables say once that they wait."""
    folder, cells, _ = _holder(tmp_path)
    path = folder / "interviews.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], lines[1] + " \xe9".encode("latin-1")[1:], *lines[2:]]))
    codes = folder / "interview_codes.csv"
    codes.write_text(codes.read_text(encoding="utf-8").replace("interview_id,code_id,synthetic",
                                                              "interview_id,code,synthetic", 1), encoding="utf-8")
    (folder / restricted.SUMMARIES_FILE).write_text(
        f"region_id,code_id,summary_fr\ngaspesie,{cells[0][1]},Résumé.\n", encoding="utf-8")
    rules = [p.split(": ")[1] for p in restricted.problems(folder)]
    assert {"encoding", "header", "region-exists"} <= set(rules), rules
    assert rules.count("skipped") == 2 and rules.index("encoding") < rules.index("skipped")
    assert "opaque-id" not in rules and "under-threshold" not in rules  # nothing blamed on unread tables
