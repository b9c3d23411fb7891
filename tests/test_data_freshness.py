"""Editing a data file must invalidate the executed notebooks (see _ext/data_freshness.py)."""

from __future__ import annotations

import shutil
import sys

from tests.conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import data_freshness  # noqa: E402


def test_fingerprint_moves_when_a_csv_changes(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    before = data_freshness.fingerprint(copy)
    assert data_freshness.fingerprint(copy) == before
    with (copy / "timeline.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert data_freshness.fingerprint(copy) != before


def test_fingerprint_moves_when_a_file_is_renamed(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    before = data_freshness.fingerprint(copy)
    (copy / "regions.csv").rename(copy / "regions-old.csv")
    assert data_freshness.fingerprint(copy) != before
