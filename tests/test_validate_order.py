"""Every problem at once, root causes first: a table that cannot be loaded is named once, and checks that
need it wait instead of blaming the rows that point at it."""

from __future__ import annotations

import csv
import shutil

from analysis.build.cli import main
from analysis.contract.validate import validate
from tests.conftest import DATA


def _copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _drop_column(path, column):
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    i = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])


def test_a_removed_column_is_the_first_and_only_cause(tmp_path):
    data_dir = _copy(tmp_path)
    _drop_column(data_dir / "projects.csv", "theme")
    problems = [str(p) for p in validate(data_dir)]
    assert problems[0].startswith("projects.csv:1:") and "header: missing column 'theme'" in problems[0]
    assert problems[1].startswith("projects.csv:0:0: skipped:")
    # No other table's rows are blamed for citing projects that could not be read.
    assert len(problems) == 2, problems


def test_an_encoding_error_does_not_hide_a_missing_column(tmp_path):
    data_dir = _copy(tmp_path)
    _drop_column(data_dir / "territories.csv", "kind")
    path = data_dir / "territories.csv"
    path.write_bytes(path.read_bytes().replace("é".encode(), "é".encode("latin-1"), 1))
    rules = [str(p).split(": ")[1] for p in validate(data_dir) if p.file == "territories.csv"]
    assert sorted(rules) == ["encoding", "header", "skipped"], rules


def test_an_unknown_region_is_blamed_on_its_row_not_on_the_rows_that_use_it(tmp_path):
    data_dir = _copy(tmp_path)
    path = data_dir / "territories.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",bas-saint-laurent," in text[1]
    path.write_text(text[0] + text[1].replace(",bas-saint-laurent,", ",bas-saint-laurant,") + "".join(text[2:]),
                    encoding="utf-8")
    problems = validate(data_dir)
    assert {p.file for p in problems} == {"territories.csv"}, [str(p) for p in problems]
    assert any(p.rule == "region-exists" and p.row == 2 for p in problems)


def test_referenced_tables_come_before_the_tables_that_point_at_them(tmp_path):
    data_dir = _copy(tmp_path)
    path = data_dir / "regions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",04,", ",4,", 1), encoding="utf-8")
    path = data_dir / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2]) + lines[1] + "".join(lines[2:]), encoding="utf-8")  # duplicate id
    files = [p.file for p in validate(data_dir) if p.rule != "hash"]
    assert "regions.csv" in files and "actors.csv" in files
    assert files.index("regions.csv") < files.index("actors.csv")


def test_rehash_refuses_invalid_data(tmp_path, capsys):
    data_dir = _copy(tmp_path)
    before = (data_dir / "datapackage.json").read_bytes()
    _drop_column(data_dir / "projects.csv", "theme")
    assert main(["rehash", str(data_dir)]) == 2
    assert "missing column 'theme'" in capsys.readouterr().out
    assert (data_dir / "datapackage.json").read_bytes() == before
    # A deliberate, valid edit: its new hash is recorded, and the package is valid again.
    shutil.copyfile(DATA / "projects.csv", data_dir / "projects.csv")
    path = data_dir / "territories.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("note")] = "note ajoutée"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert [p.rule for p in validate(data_dir)] == ["hash"]
    assert main(["rehash", str(data_dir)]) == 0
    assert validate(data_dir) == []
