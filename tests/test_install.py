"""The package installed from its wheel, outside the checkout: its files are there, its data folder is
given (never guessed into site-packages), and it validates the data package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from analysis.contract import env
from analysis.contract.data import NOT_FOUND
from tests.conftest import DATA, ROOT

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out

PACKAGE_DATA = ("analysis/interviews/schemas/Codebook.xsd", "analysis/interviews/schemas/Project.xsd",
                "analysis/interviews/privacy_allowlist.csv", "analysis/build/templates/region.md")


SOURCES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CC-BY-4.0.md", "analysis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # built from a copy: setuptools leaves build/ and *.egg-info behind in the folder it builds
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    # The build backend pyproject.toml names, called as a PEP 517 frontend does (from the source folder, in a
    # fresh interpreter): what `pip wheel --no-build-isolation` runs, without pip's own start-up and the
    # extra interpreter it starts per hook.
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["build-backend"]
    code = f"import importlib, sys; importlib.import_module({backend!r}).build_wheel(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=source, check=True, capture_output=True)
    (found,) = out.glob("alliances_solidarite-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> Path:
    """A new virtual environment holding the wheel. Its dependencies are this environment's, reached
    through a path file placed after its own site-packages (installing them again would only repeat
    requirements.lock); the editable install of the checkout stays invisible to it."""
    home = tmp_path_factory.mktemp("fresh")
    venv.create(home / "venv", with_pip=False)
    python = home / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz-book-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def _run(python: Path, *args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != env.DATA_DIR and not k.startswith("PYTHON")}
    return subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True,
                          env={**environ, **extra}, timeout=300)


def test_the_wheel_holds_the_files_the_package_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(PACKAGE_DATA) <= names
    assert not any(n.startswith(("data/", "book/", "tests/")) for n in names)


def test_the_installed_package_is_the_wheels_and_names_the_edition(fresh, tmp_path):
    done = _run(fresh, "-c", "import analysis, analysis.build.cli; print(analysis.__file__); "
                "print(analysis.__version__)", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    where, edition = done.stdout.split()
    assert str(fresh.parent.parent) in where and str(ROOT) not in where
    import analysis

    assert edition == analysis.__version__


def test_outside_a_checkout_no_data_folder_is_guessed(fresh, tmp_path):
    done = _run(fresh, "-m", "analysis", "validate", cwd=tmp_path)
    assert done.returncode == 2
    assert NOT_FOUND in done.stderr and "site-packages" not in done.stderr


def test_the_installed_package_validates_the_data_package_given_on_the_command_line(fresh, tmp_path):
    done = _run(fresh, "-m", "analysis", "validate", str(DATA), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{DATA}: valid" in done.stdout


def test_the_installed_package_validates_the_data_package_named_by_the_variable(fresh, tmp_path):
    done = _run(fresh, "-m", "analysis", "validate", cwd=tmp_path, **{env.DATA_DIR: str(DATA)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{DATA}: valid" in done.stdout
