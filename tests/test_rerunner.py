"""A re-runner's machine: printed commands work as printed, the Python check comes first, the locks pin all."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.build import notebooks
from analysis.build.cli import main
from analysis.contract import env, validate
from tests.conftest import ROOT

PRINTED = [pytest.param(ROOT / path, id=path)
           for path in ["README.md", *(f"{name}.md" for name in notebooks.chapters())]]
MAKE_CMD = re.compile(r"`make ([a-z-]+)")
CLI_CMD = re.compile(r"\.venv/bin/python -m analysis ([a-z-]+)")


def _lock(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return dict(line.lower().replace("_", "-").split("==") for line in lines if "==" in line)


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


def _subcommands() -> set[str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(["--help"])
    return set(re.search(r"\{([a-z,-]+)\}", out.getvalue()).group(1).split(","))


@pytest.mark.parametrize("path", PRINTED)
def test_printed_commands_exist_and_use_the_virtual_environment(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(?<![/\w])python3? -m analysis", text), "a bare `python -m analysis` needs the venv"
    assert set(MAKE_CMD.findall(text)) <= _make_targets()
    assert set(CLI_CMD.findall(text)) <= _subcommands()


def test_the_hash_error_tells_a_command_that_works_as_printed():
    command = validate.REHASH_COMMAND
    assert command.startswith("make ") and command.split()[1] in _make_targets()


def test_the_python_version_is_checked_before_anything_is_installed():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    recipe = makefile.split("$(STAMP): requirements.lock pyproject.toml\n")[1]
    first, rest = recipe.split("\n", 1)
    assert "tools/check_python.py" in first and "-m venv" in first
    assert "pip install" not in first and "-r requirements.lock" in rest.split("\n\n")[0]


def test_the_lock_pins_the_installers_too():
    lock = _lock("requirements.lock")
    assert {"pip", "setuptools", "wheel", "pikepdf", "jupytext", "nbconvert"} <= set(lock)


def test_the_lab_lock_is_the_book_lock_plus_jupyterlab():
    book, lab = _lock("requirements.lock"), _lock("requirements-lab.lock")
    assert {name: lab.get(name) for name in book} == book
    assert "jupyterlab" in lab


# --- every command the README and the reproduction page print runs as printed --------------------------

CLI_SPAN = re.compile(r"`(\.venv/bin/python -m analysis [^`|]+)`")
MAKE_DIR_SPAN = re.compile(r"(make (?:validate-restricted|book-restricted) DIR=[^\s`]+)")
PAGES_WITH_COMMANDS = ("README.md", "book/annexes/reproduire.md")


def _printed_commands() -> list[str]:
    """The CLI commands in code spans, in the order a reader meets them, then the restricted make commands
    (which read the folder the import writes)."""
    cli, make = [], []
    for name in PAGES_WITH_COMMANDS:
        text = (ROOT / name).read_text(encoding="utf-8")
        cli += [" ".join(m.group(1).split()) for m in CLI_SPAN.finditer(text)]
        make += [m.group(1) for m in MAKE_DIR_SPAN.finditer(text)]
    return list(dict.fromkeys(cli + make))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and "_build" not in p.relative_to(root).parts and "__pycache__" not in p.parts}


@pytest.mark.spawns
def test_printed_commands_run_as_printed_and_write_only_under_build_or_outside(tmp_path, built_html):
    """From the root of a copy of the repository, with a team's export in ~/entrevues/: each printed command
    succeeds, and none writes into the checkout (outputs go to _build/ or outside the repository). The chapter
    the notebook command ran in a clean kernel is checked against its page in the built book."""
    import pandas as pd

    from tests.test_notebooks import check_run_in_a_clean_kernel
    from tests.test_qdpx import project_from_tables
    from tests.test_restricted import opaque_copy

    commands = _printed_commands()
    assert any("--draft-mapping ~/entrevues/" in c for c in commands), commands
    assert any(c.startswith("make book-restricted DIR=~/") for c in commands), commands
    repo = tmp_path / "repo"
    for folder in ("analysis", "data", "book", "tools"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    for path in ROOT.iterdir():  # README, licences, Makefile, locks, book configuration
        if path.is_file():
            shutil.copy2(path, repo / path.name)
    (repo / ".venv").symlink_to(ROOT / ".venv")
    # The copy shares this checkout's environment: make must never reinstall it from the copy.
    # The Makefile names its install stamp after the locks' hash; -o tells make never to run its recipe.
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    stamps = [f"-o .venv/.installed-{digest.hexdigest()[:12]}"]
    home = tmp_path / "home"
    team = home / "entrevues"
    team.mkdir(parents=True)
    crafted = opaque_copy(tmp_path)
    project_from_tables(crafted, team / "projet.qdpx")
    interviews = pd.read_csv(crafted / "interviews.csv", dtype=str)
    first = pd.read_csv(crafted / "interview_codes.csv", dtype=str).merge(interviews, on="interview_id").iloc[0]
    (team / "resumes.csv").write_text("region_id,code_id,summary_fr\n"
                                      f"{first.region_id},{first.code_id},Les élus ont choisi les projets.\n",
                                      encoding="utf-8")
    (team / "exclusion.txt").write_text("Ginette Tremblay-Lapointe\n", encoding="utf-8")
    before = _tree(repo)
    # The build's variable left in a terminal must not reach the notebook's kernel (charts as images there).
    environ = {k: v for k, v in os.environ.items() if k != env.INTERVIEWS_DIR} | {
        "HOME": str(home), "MAKEFLAGS": " ".join(stamps), env.BOOK_BUILD: "1"}
    for command in commands:
        if command.startswith("make book-restricted"):
            continue  # the same command builds a book: tests/test_restricted_build.py runs it on a small one
        done = subprocess.run(["bash", "-c", command], cwd=repo, env=environ, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    assert _tree(repo) == before, "a printed command wrote into the checkout"
    # ... nor reinstalled the shared environment from the copy (a fresh interpreter still finds this one).
    code = "import analysis; print(analysis.__file__)"
    where = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert Path(where).parent == ROOT / "analysis"
    assert (team / "tables" / "interviews.csv").is_file() and (team / "tables" / "deny-list.txt").is_file()
    assert sorted(p.name for p in (repo / "_build").iterdir()) >= ["donnees", "grille.qdc", "notebooks"]
    docname, _ = notebooks.resolve(next(c.split()[-1] for c in commands if " -m analysis notebook " in c))
    check_run_in_a_clean_kernel(repo / "_build" / "notebooks" / f"{Path(docname).name}.ipynb", docname)


def _dry_run(*args: str) -> str:
    # as typed in a terminal: not with the flags and variables of a make running these tests (make test, or a
    # `make bench RECORD=1` whose copy runs make test: make exports its command-line variables)
    environ = {k: v for k, v in os.environ.items()
               if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "RECORD", "GATES", "DIR", "OUT"}}
    return subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True, env=environ).stdout


@pytest.mark.spawns
def test_make_writes_tracked_files_only_when_asked():
    assert "bench/results" not in _dry_run("bench")  # results under _build/bench
    assert "--output bench/results" in _dry_run("bench", "RECORD=1")
    lock = _dry_run("lock")
    assert "mktemp -d" in lock and "/tmp/" not in lock  # no fixed temporary folder to clobber


@pytest.mark.spawns
def test_restricted_recipes_never_echo_the_folder():
    folder = "/home/equipe/dossier-confidentiel-xq7"
    for target in ("book-restricted", "validate-restricted"):
        recipe = [line for line in _dry_run(target, f"DIR={folder}").splitlines() if folder in line]
        makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
        body = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert recipe and all(line.startswith("\t@") for line in body.splitlines()[1:] if "$(DIR)" in line)
