"""Editing anything a chapter reads must invalidate the executed notebooks (analysis/build/inputs.py, used by
_ext/data_freshness.py, the notebook cache and `make validate`), and that list must cover what chapters open."""

from __future__ import annotations

import shutil

import pytest

from analysis.build import inputs
from tests.conftest import ROOT


def _copy(root):
    for name in inputs.INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    return root


def test_fingerprint_depends_on_the_files_only(tmp_path):
    """Two copies in other folders, files written in another order: one fingerprint."""
    first = _copy(tmp_path / "one")
    second = tmp_path / "two"
    for _, path in sorted(inputs.files(first), reverse=True):
        target = second / path.relative_to(first)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert inputs.fingerprint(first) == inputs.fingerprint(second)


@pytest.mark.parametrize("edit", [
    lambda root: (root / "data" / "timeline.csv").open("a").write("\n"),
    lambda root: (root / "data" / "regions.csv").rename(root / "data" / "regions-old.csv"),
    lambda root: (root / "analysis" / "present" / "charts.py").open("a").write("# edited\n"),
    lambda root: (root / "CITATION.cff").open("a").write("# edited\n"),
    lambda root: (root / "CHANGELOG.md").open("a").write("edited\n"),
], ids=["a csv", "a renamed file", "the code", "the citation", "the changelog"])
def test_fingerprint_moves_when_an_input_changes(tmp_path, edit):
    root = _copy(tmp_path)
    before = inputs.fingerprint(root)
    edit(root)
    assert inputs.fingerprint(root) != before


def test_a_folder_from_outside_counts_and_bytecode_does_not(tmp_path):
    root = _copy(tmp_path / "repo")
    before = inputs.fingerprint(root)
    (root / "analysis" / "__pycache__").mkdir(exist_ok=True)
    (root / "analysis" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert inputs.fingerprint(root) == before
    outside = tmp_path / "interviews"
    outside.mkdir()
    (outside / "interviews.csv").write_text("interview_id\n")
    assert inputs.fingerprint(root, outside) != before


def _book(root):
    """A checkout's files as the book reads them, plus a test and a built page it does not read."""
    _copy(root)
    for name in ("book/index.md", "_config.yml", "_ext/data_freshness.py", "tests/conftest.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("<html></html>")
    (root / "_build" / inputs.CURRENT_NAME).write_text(inputs.book_fingerprint(root) + "\n")
    return root


@pytest.mark.parametrize("edit", [
    lambda root: (root / "book" / "index.md").open("a").write("edited\n"),
    lambda root: (root / "_config.yml").open("a").write("# edited\n"),
    lambda root: (root / "_ext" / "data_freshness.py").open("a").write("# edited\n"),
    lambda root: (root / "book" / "nouveau.md").write_text("# Nouveau\n"),
    lambda root: (root / "data" / "timeline.csv").open("a").write("\n"),
    lambda root: (root / "_build" / "html" / "index.html").unlink(),
    lambda root: (root / "_build" / inputs.CURRENT_NAME).unlink(),
], ids=["a page", "the configuration", "an extension", "a new page", "a csv", "the built book gone",
        "the last build not clean"])
def test_make_book_builds_again_when_anything_the_book_reads_changes(tmp_path, edit):
    root = _book(tmp_path)
    assert inputs.book_is_current(root)
    edit(root)
    assert not inputs.book_is_current(root)


def test_make_book_skips_what_the_book_does_not_read_but_not_another_date_or_a_restricted_folder(
        tmp_path, monkeypatch):
    from analysis.contract import env

    root = _book(tmp_path)
    (root / "tests" / "conftest.py").open("a").write("# edited\n")
    (root / "_build" / "html" / "extra.html").write_text("<html></html>")
    assert inputs.book_is_current(root)
    monkeypatch.setenv(env.SOURCE_DATE_EPOCH, "1700000000")  # the footers' date
    assert not inputs.book_is_current(root)
    monkeypatch.delenv(env.SOURCE_DATE_EPOCH)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(tmp_path / "interviews"))  # its gate runs every time
    assert not inputs.book_is_current(root)


def test_only_a_build_without_warnings_records_itself_clean(tmp_path):
    """`make book` builds incrementally only after a clean build: a page that warned is re-read next time."""
    import sys
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "_ext"))
    import data_freshness

    root = _copy(tmp_path / "repo")
    app = SimpleNamespace(confdir=str(root), outdir=str(root / "_build" / "html"),
                          config=SimpleNamespace(nb_execution_cache_path=""), _warncount=0)
    clean = root / "_build" / inputs.CURRENT_NAME
    data_freshness._check(app, None)
    data_freshness._record(app, None)
    assert clean.exists()
    data_freshness._check(app, None)  # the next build starts: not clean until it ends clean
    assert not clean.exists()
    app._warncount = 1
    data_freshness._record(app, None)
    assert not clean.exists()


def test_a_changed_restricted_folder_is_announced_without_its_name(tmp_path, monkeypatch):
    """Rebuilding a restricted edition after its folder changed says so without its path or name."""
    from types import SimpleNamespace

    from _ext import data_freshness
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
    assert app._data_changed and len(messages) == 1
    assert folder.name not in messages[0] and str(tmp_path) not in messages[0]
