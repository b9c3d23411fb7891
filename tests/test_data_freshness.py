"""Editing data/ or analysis/ must invalidate the executed notebooks (see _ext/data_freshness.py)."""

from __future__ import annotations

import shutil
import sys

from tests.conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import data_freshness  # noqa: E402


def _copy(tmp_path):
    data = tmp_path / "data"
    code = tmp_path / "analysis"
    shutil.copytree(DATA, data)
    shutil.copytree(ROOT / "analysis", code, ignore=shutil.ignore_patterns("__pycache__"))
    return data, code


def test_fingerprint_depends_on_the_files_only(tmp_path):
    """Two copies in other folders, files written in another order and at other times: one fingerprint."""
    first = _copy(tmp_path / "one")
    second = tmp_path / "two"
    second.mkdir()
    for folder in first:
        files = sorted((p for p in folder.rglob("*") if p.is_file()), reverse=True)
        for path in files:
            target = second / folder.name / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    assert data_freshness.fingerprint(*first) == data_freshness.fingerprint(second / "data", second / "analysis")


def test_fingerprint_moves_when_a_csv_changes(tmp_path):
    data, code = _copy(tmp_path)
    before = data_freshness.fingerprint(data, code)
    with (data / "timeline.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert data_freshness.fingerprint(data, code) != before


def test_fingerprint_moves_when_a_file_is_renamed(tmp_path):
    data, code = _copy(tmp_path)
    before = data_freshness.fingerprint(data, code)
    (data / "regions.csv").rename(data / "regions-old.csv")
    assert data_freshness.fingerprint(data, code) != before


def test_fingerprint_moves_when_the_analysis_code_changes(tmp_path):
    data, code = _copy(tmp_path)
    before = data_freshness.fingerprint(data, code)
    with (code / "charts.py").open("a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert data_freshness.fingerprint(data, code) != before


def test_bytecode_caches_do_not_count(tmp_path):
    data, code = _copy(tmp_path)
    before = data_freshness.fingerprint(data, code)
    (code / "__pycache__").mkdir(exist_ok=True)
    (code / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert data_freshness.fingerprint(data, code) == before
