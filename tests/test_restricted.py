"""Fail closed on the restricted interview folder: crafted bad folders stop `validate`, the chapters and
the real book's build, and nothing of them (path, ids, names, values) reaches anything written."""

from __future__ import annotations

import os
import subprocess
import traceback
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from analysis.build.cli import main
from analysis.contract import disclosure, env
from analysis.contract.validate import SUPPRESSED
from analysis.interviews import reader as iv
from analysis.interviews import restricted, synthetic
from tests.conftest import DATA, ROOT

SECRET_NAME = "Jean Tremblay"  # a person's name, as a careless export would put it in an id
SECRET_ID = "jean-tremblay"
FOLDER_NAME = "dossier-confidentiel-xq7"  # the path must not leak either
ID_PREFIX = "zq-"  # crafted opaque ids (`zq-001`), a prefix no page of the book uses


def opaque_copy(parent: Path) -> Path:
    """A valid restricted folder: the stand-in relabelled as real rows, ids rewritten `zq-NNN`."""
    folder = parent / FOLDER_NAME
    folder.mkdir()
    for name in synthetic.FILES.values():
        text = (DATA / "synthetic" / name).read_text(encoding="utf-8")
        text = text.replace(",true\n", ",false\n").replace("syn-", ID_PREFIX)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _replace(folder: Path, file: str, old: str, new: str, count: int = -1) -> None:
    path = folder / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")


def name_in_id(folder: Path) -> None:
    for file in synthetic.FILES.values():
        _replace(folder, file, f"{ID_PREFIX}001,", f"{SECRET_ID},")


def deny_listed_name(folder: Path) -> None:
    name_in_id(folder)
    (folder / restricted.DENY_LIST).write_text(f"# people interviewed\n{SECRET_NAME}\n", encoding="utf-8")


def wrong_column(folder: Path) -> None:
    _replace(folder, "interviews.csv", "actor_group", "groupe_acteurs", 1)


def missing_file(folder: Path) -> None:
    (folder / "interview_codes.csv").unlink()


def under_threshold(folder: Path) -> None:
    """Mauricie keeps three interviewees: too few to publish anything about it."""
    lines = (folder / "interviews.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    mauricie = [line.split(",")[0] for line in lines if ",mauricie," in line]
    dropped = set(mauricie[3:])
    (folder / "interviews.csv").write_text("".join(x for x in lines if x.split(",")[0] not in dropped),
                                           encoding="utf-8")
    codes = (folder / "interview_codes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "interview_codes.csv").write_text("".join(x for x in codes if x.split(",")[0] not in dropped),
                                                encoding="utf-8")


def not_a_folder(folder: Path) -> None:
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()
    folder.write_text(SECRET_NAME, encoding="utf-8")


BREAKS = {  # how the folder is broken -> the rule `validate-restricted` must name
    "name-in-id": (name_in_id, "opaque-id"),
    "deny-listed-name": (deny_listed_name, "deny-list"),
    "wrong-column": (wrong_column, "groupe_acteurs"),
    "missing-file": (missing_file, "missing-file"),
    "under-threshold": (under_threshold, "under-threshold"),
    "not-a-folder": (not_a_folder, "missing-folder"),
}


def test_a_valid_restricted_folder_passes(tmp_path, monkeypatch, clean_caches):
    folder = opaque_copy(tmp_path)
    assert restricted.problems(folder) == []
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    assert main(["validate"]) == 0
    assert iv.load().restricted


@pytest.mark.parametrize("case", BREAKS)
def test_bad_folder_is_refused_with_details_on_the_terminal_only(case, tmp_path, monkeypatch, capsys,
                                                                 clean_caches):
    folder = opaque_copy(tmp_path)
    breaker, rule = BREAKS[case]
    breaker(folder)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    assert main(["validate"]) == 2
    out = capsys.readouterr().out
    assert rule in out, out
    assert main(["validate-restricted", str(folder)]) == 2
    # What a chapter raises: the generic message, no chained cause, nothing from the folder.
    with pytest.raises(restricted.RestrictedDataError) as caught:
        iv.load()
    text = "".join(traceback.format_exception(caught.value))
    assert str(caught.value) == restricted.GENERIC_MESSAGE
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    for secret in (FOLDER_NAME, SECRET_ID, SECRET_NAME, "groupe_acteurs"):
        assert secret not in text


def test_public_edition_ignores_the_restricted_checks(monkeypatch, capsys):
    monkeypatch.delenv(env.INTERVIEWS_DIR, raising=False)
    assert main(["validate"]) == 0
    assert main(["validate-restricted"]) == 2  # nothing to check is an error when asked explicitly


def _leaks(directory: Path, secrets: tuple[str, ...]) -> list[str]:
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [f"{path}: {s}" for s in secrets if s in text or s in str(path)]
    return found


@pytest.mark.spawns
def test_notebook_traceback_quotes_nothing_from_the_folder(tmp_path, monkeypatch, clean_caches):
    """A chapter that reads a bad folder fails, and its traceback (what --keep-going would put in a page
    and in reports/) names neither the folder, nor an id, nor a value."""
    folder = opaque_copy(tmp_path)
    name_in_id(folder)
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from analysis.interviews import reader as iv\niv.region_frame('mauricie')")])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    with pytest.raises(CellExecutionError) as caught:
        client.execute()
    text = str(caught.value) + nbformat.writes(nb)
    assert "RestrictedDataError" in text and restricted.GENERIC_MESSAGE.split(":")[0] in text
    for secret in (FOLDER_NAME, SECRET_ID, str(tmp_path)):
        assert secret not in text


@pytest.mark.spawns
def test_real_book_build_stops_and_writes_nothing_from_the_folder(tmp_path):
    """The command the reproduction page documents, with --keep-going: non-zero exit, and neither the
    folder's path nor the name in its ids anywhere under the output folder or in the build's output."""
    holder = tmp_path / "data-holder"
    holder.mkdir()
    folder = opaque_copy(holder)
    deny_listed_name(folder)
    out = tmp_path / "sortie"
    environ = {**os.environ, env.INTERVIEWS_DIR: str(folder)}
    jb = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "jb"
    done = subprocess.run([str(jb if jb.exists() else ROOT / ".venv" / "bin" / "jb"), "build", str(ROOT),
                           "--path-output", str(out), "-W", "-n", "--keep-going"],
                          env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert restricted.GENERIC_MESSAGE in done.stdout + done.stderr
    secrets = (FOLDER_NAME, SECRET_ID, SECRET_NAME)
    assert _leaks(out, secrets) == []
    assert [s for s in secrets if s in done.stdout + done.stderr] == []
    assert not (out / "_build" / "html" / "book").exists()


# --- disclosure: a restricted edition from crafted files never shows a small or recoverable count ---------

def small_cells(folder: Path) -> None:
    """Code applications removed so that some region × dimension cells rest on 1 to 4 interviewees."""
    lines = (folder / "interview_codes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    interviews = (folder / "interviews.csv").read_text(encoding="utf-8").splitlines()
    mauricie = {line.split(",")[0] for line in interviews if ",mauricie," in line}
    kept, seen = [lines[0]], {}
    for line in lines[1:]:
        interview, code = line.split(",")[:2]
        if interview in mauricie and code.startswith("axe-"):
            seen[code] = seen.get(code, 0) + 1
            if seen[code] > 1:
                continue
        kept.append(line)
    (folder / "interview_codes.csv").write_text("".join(kept), encoding="utf-8")


def test_restricted_edition_hides_small_and_recoverable_counts(tmp_path, monkeypatch, clean_caches):
    folder = opaque_copy(tmp_path)
    small_cells(folder)
    assert restricted.problems(folder) == []
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    loaded = iv.load()
    from analysis.contract import data
    counts = disclosure.interviewees_by_dimension(loaded.interviews, loaded.codes, data.load("codebook"),
                                                  data.load("regions")["region_id"].tolist())
    assert ((counts > 0) & (counts < disclosure.MIN_COUNT)).any().any(), "the crafted data must hold small cells"
    published = iv.published_by_dimension()
    assert disclosure.lines_with_one_suppressed(published.table) == [] and published.exposed_totals == []
    for region in counts.index:
        frame = iv.region_frame(region)
        shown = [int(v) for v in frame["shown"] if v != SUPPRESSED]
        assert all(v >= disclosure.MIN_COUNT for v in shown), (region, shown)
        rows = iv.chart(frame, "t", "d").to_dict()["datasets"]
        values = [row["n"] for rows_ in rows.values() for row in rows_ if row.get("n") is not None]
        assert all(v >= disclosure.MIN_COUNT for v in values)
    assert (published.table == SUPPRESSED).any().any()
