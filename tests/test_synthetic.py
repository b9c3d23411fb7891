"""The synthetic interview stand-in: reproducible, built from published aggregates only, labelled;
and the restricted edition reads the same schema from ALLIANCES_INTERVIEWS_DIR."""

from __future__ import annotations

import csv
import shutil
from collections import Counter

import pytest

from analysis.build.cli import main
from analysis.contract import data, disclosure, env
from analysis.contract.validate import validate
from analysis.interviews import reader as iv
from analysis.interviews import restricted, synthetic
from tests.conftest import DATA


def rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    synthetic.write(out)
    return out


def test_generation_reproduces_the_committed_files_byte_for_byte(generated):
    for name in synthetic.FILES.values():
        assert (generated / name).read_bytes() == (DATA / "synthetic" / name).read_bytes(), name


def test_command_line_writes_only_where_it_is_told(tmp_path, capsys):
    """The command's entry point, in-process (tests/test_rerunner.py runs `synthesize` as printed)."""
    before = {p: p.read_bytes() for p in (DATA / "synthetic").iterdir()}
    assert main(["synthesize", "--out", str(tmp_path)]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(synthetic.FILES.values())
    assert {p: p.read_bytes() for p in (DATA / "synthetic").iterdir()} == before


def test_total_is_the_published_number_of_interviews(generated):
    facts = data.load("study_facts").set_index("fact_id")
    assert len(rows(generated / "interviews.csv")) == int(facts.loc["etude-entretiens", "value"])


def test_neutral_rule_splits_regions_groups_and_levels_evenly(generated):
    interviews = rows(generated / "interviews.csv")
    regions = data.load("regions")["region_id"].tolist()
    per_region = Counter(r["region_id"] for r in interviews)
    assert set(per_region) == set(regions)
    assert max(per_region.values()) - min(per_region.values()) <= 1
    groups = list(synthetic.actor_groups())
    for region in regions:
        mine = [r for r in interviews if r["region_id"] == region]
        by_group = Counter(r["actor_group"] for r in mine)
        assert set(by_group) == set(groups) and max(by_group.values()) - min(by_group.values()) <= 1
        by_level = Counter(r["level"] for r in mine)
        assert max(by_level.values()) - min(by_level.values()) <= 1


def test_codes_are_codable_and_as_many_as_the_grid_has_dimensions(generated):
    codable, n_dimensions = synthetic.codable_codes()
    per_interview = Counter()
    for row in rows(generated / "interview_codes.csv"):
        assert row["code_id"] in codable
        per_interview[row["interview_id"]] += 1
    assert set(per_interview.values()) == {n_dimensions}


def test_every_row_is_labelled_synthetic(generated):
    for name in synthetic.FILES.values():
        assert {r["synthetic"] for r in rows(generated / name)} == {"true"}


def test_groups_come_from_the_study_fact_and_match_the_schema():
    groups = synthetic.actor_groups()
    assert list(groups.values()) == ["intervenants institutionnels", "intervenants communautaires",
                                     "gestionnaires", "élus", "citoyens"]
    spec = {f["name"]: f for f in data.resource("interviews")["schema"]["fields"]}
    assert spec["actor_group"]["constraints"]["enum"] == list(groups)
    assert spec["level"]["constraints"]["enum"] == list(synthetic.LEVELS)


def test_package_declares_the_stand_in_as_synthetic():
    for name in synthetic.FILES:
        res = data.resource(name)
        assert res["synthetic"] is True and res["path"].startswith("synthetic/")
        assert "synthétique" in res["description"] and "synthétiques" in res["title"]


def test_published_aggregate_has_no_small_cell_and_no_lonely_x():
    published = iv.published_by_dimension()
    cells = published.table.to_numpy().ravel()
    assert all(v == "x" or v >= 5 for v in cells)
    assert disclosure.lines_with_one_suppressed(published.table) == []


# --- restricted edition -------------------------------------------------------------------------------

def restricted_copy(tmp_path, flag="false"):
    """Stand-in rows relabelled as real ones: same schema, `synthetic` false."""
    folder = tmp_path / "restricted"
    folder.mkdir()
    for name in synthetic.FILES.values():
        text = (DATA / "synthetic" / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace(",true\n", f",{flag}\n"), encoding="utf-8")
    return folder


def test_without_the_variable_the_public_edition_reads_the_stand_in(monkeypatch):
    monkeypatch.delenv(env.INTERVIEWS_DIR, raising=False)
    loaded = iv.load()
    assert not loaded.restricted and loaded.label == "données synthétiques"
    assert loaded.directory == DATA / "synthetic"
    assert loaded.interviews["synthetic"].all()


def test_restricted_directory_is_read_validated_and_labelled(tmp_path, monkeypatch):
    folder = restricted_copy(tmp_path)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    loaded = iv.load()
    assert loaded.restricted and loaded.label == "données d'entrevues (édition restreinte)"
    assert not loaded.interviews["synthetic"].any() and not loaded.codes["synthetic"].any()
    assert len(loaded.interviews) == len(rows(DATA / "synthetic" / "interviews.csv"))
    frame = iv.region_frame("mauricie")
    assert not frame["synthetic"].any() and set(frame["edition"]) == {loaded.label}


def test_restricted_files_still_labelled_synthetic_are_refused(tmp_path):
    folder = restricted_copy(tmp_path, flag="true")
    problems = restricted.problems(folder)
    assert problems and all("restricted-label" in p for p in problems)


def test_restricted_files_break_the_same_rules(tmp_path, monkeypatch):
    folder = restricted_copy(tmp_path)
    text = (folder / "interviews.csv").read_text(encoding="utf-8")
    (folder / "interviews.csv").write_text(text.replace(",gestionnaires,", ",journalistes,", 1), encoding="utf-8")
    codes = (folder / "interview_codes.csv").read_text(encoding="utf-8")
    (folder / "interview_codes.csv").write_text(codes + "syn-001,dim-axe,false\n", encoding="utf-8")
    problems = restricted.problems(folder)
    assert any("actor_group" in p and "journalistes" in p for p in problems), problems
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    with pytest.raises(restricted.RestrictedDataError):
        iv.load()
    shutil.copyfile(DATA / "synthetic" / "interviews.csv", folder / "interviews.csv")
    (folder / "interviews.csv").write_text(
        (DATA / "synthetic" / "interviews.csv").read_text(encoding="utf-8").replace(",true\n", ",false\n"),
        encoding="utf-8")
    assert any("codable" in p and "dim-axe" in p for p in restricted.problems(folder))


def test_missing_restricted_files_are_named(tmp_path):
    problems = restricted.problems(tmp_path)
    # Each missing file once, first; then one line per table whose dependent checks wait, nothing else.
    assert [p.split(": ")[1] for p in problems] == ["missing-file", "missing-file", "skipped", "skipped"]


def test_real_package_stays_valid():
    assert [str(p) for p in validate(DATA)] == []
