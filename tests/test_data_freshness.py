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


def test_fingerprint_is_stable_without_edits(tmp_path):
    data, code = _copy(tmp_path)
    assert data_freshness.fingerprint(data, code) == data_freshness.fingerprint(data, code)


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


def test_a_changed_restricted_folder_is_announced_without_its_name(tmp_path, monkeypatch):
    """Rebuilding a restricted edition after its folder changed says so by role, never by path or name."""
    from types import SimpleNamespace

    from analysis.contract import env

    folder = tmp_path / "dossier-confidentiel-xq7"
    folder.mkdir()
    (folder / "interviews.csv").write_text("interview_id\n", encoding="utf-8")
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    build = tmp_path / "sortie" / "_build"
    (build / "html").mkdir(parents=True)
    (build / data_freshness.STAMP_NAME).write_text("an older fingerprint\n")
    messages = []
    monkeypatch.setattr(data_freshness, "logger", SimpleNamespace(info=messages.append))
    app = SimpleNamespace(confdir=str(ROOT), outdir=str(build / "html"),
                          config=SimpleNamespace(nb_execution_cache_path=str(build / ".jupyter_cache")))
    data_freshness._check(app, app.config)
    assert app._data_changed and messages == [
        "data/ or analysis/ or the restricted interviews changed since the last build: every chapter is executed "
        "again"]
