"""The pre-execution in warm kernels (_ext/parallel_execute.py) must store what myst-nb then finds in its
cache, and a notebook run in a kernel that ran another one first must see what a fresh kernel shows it.

A tiny two-notebook book is built in a temporary folder with two kernels; each notebook appends a line
to a log when its code runs. After the build, the cache holds one record per notebook and each notebook
ran exactly once: a cache miss during the read would have run it a second time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pytest

from analysis.contract import env
from tests.conftest import ROOT

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out


@pytest.fixture(scope="module")
def parallel_execute():
    """The extension, imported here (with Sphinx and Jupyter's client) only where a test of this file runs."""
    sys.path.insert(0, str(ROOT / "_ext"))
    import parallel_execute

    return parallel_execute


NOTEBOOK = textwrap.dedent("""\
    ---
    jupytext:
      text_representation: {{extension: .md, format_name: myst, format_version: 0.13}}
    kernelspec: {{display_name: Python 3, language: python, name: python3}}
    ---

    # Page {name}

    ```{{code-cell}} ipython3
    import os
    from pathlib import Path

    with Path("runs.log").open("a") as fh:
        fh.write("{name}\\n")
    print("page {name}")
    print("hash seed", os.environ.get("{seed}"))
    ```
    """)


def test_installed_versions_are_within_the_supported_bounds(parallel_execute):
    # When the lock moves myst-nb or jupyter-cache, re-check the cache key and widen SUPPORTED.
    assert parallel_execute.unsupported() == []


def test_version_parsing(parallel_execute):
    assert parallel_execute._version("1.4.0") == (1, 4, 0)
    assert parallel_execute._version("1.0.1.post2+local") == (1, 0, 1)


def test_outside_the_bounds_it_steps_aside(monkeypatch, parallel_execute):
    monkeypatch.setattr(parallel_execute, "unsupported", lambda: ["myst-nb 9.0.0"])
    monkeypatch.setenv(env.EXECUTION_JOBS, "2")
    import jupyter_cache

    def no_cache(*args, **kwargs):
        raise AssertionError("the cache must not be touched outside the supported versions")

    monkeypatch.setattr(jupyter_cache, "get_cache", no_cache)
    sphinx_env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_mode="cache"))
    assert parallel_execute._pre_execute(None, sphinx_env, ["a", "b"]) is None


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    book = tmp_path_factory.mktemp("tiny-book")
    (book / "_config.yml").write_text(textwrap.dedent(f"""\
        title: Tiny
        only_build_toc_files: true
        execute:
          execute_notebooks: cache
        sphinx:
          local_extensions:
            parallel_execute: {ROOT / "_ext"}
          config:
            html_theme: basic  # the pages' look plays no part in the cache; the book's theme costs CPU
        """), encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: one\nchapters:\n  - file: two\n", encoding="utf-8")
    for name in ("one", "two"):
        (book / f"{name}.md").write_text(NOTEBOOK.format(name=name, seed=env.HASH_SEED), encoding="utf-8")
    environ = {**os.environ, env.EXECUTION_JOBS: "2"}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "jb"), "build", str(book)], cwd=book, env=environ,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return book, done.stdout


def test_pre_execution_ran(tiny_book):
    _, log = tiny_book
    assert "executing 2 notebooks not in the cache in 2 warm kernels" in log


def test_each_notebook_ran_once_and_is_one_cache_record(tiny_book):
    from jupyter_cache import get_cache

    book, _ = tiny_book
    assert sorted((book / "runs.log").read_text().split()) == ["one", "two"]  # no second run during the read
    cache = get_cache(book / "_build" / ".jupyter_cache")
    assert len(cache.list_cache_records()) == 2
    for name in ("one", "two"):
        html = (book / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert f"page {name}" in html  # the stored outputs reached the page
        assert f"hash seed {env.BUILD_HASH_SEED}" in html


def test_every_kernel_of_a_build_inherits_the_builds_hash_seed(parallel_execute, monkeypatch):
    """Those myst-nb starts too (one notebook to run, one job, or a version outside the supported ones)."""
    monkeypatch.delenv(env.HASH_SEED, raising=False)
    parallel_execute.setup(SimpleNamespace(connect=lambda *args: None))
    assert os.environ[env.HASH_SEED] == env.BUILD_HASH_SEED
