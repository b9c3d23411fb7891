"""A re-runner's machine: printed commands work as printed, the Python check comes first, the locks pin all."""

from __future__ import annotations

import re

import pytest

from analysis.build import notebooks
from analysis.build.cli import main
from analysis.contract import validate
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
    assert {"pip", "setuptools", "wheel", "pypdf", "jupytext", "nbconvert"} <= set(lock)


def test_the_lab_lock_is_the_book_lock_plus_jupyterlab():
    book, lab = _lock("requirements.lock"), _lock("requirements-lab.lock")
    assert {name: lab.get(name) for name in book} == book
    assert "jupyterlab" in lab
