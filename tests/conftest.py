"""Shared fixtures: repository paths and the built book."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.contract import env

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# BOOK_HTML lets a second checkout or a helper test a book built elsewhere (jb --path-output).
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))


def pytest_addoption(parser):
    parser.addoption("--print-pdf", action="store_true",
                     help="the browser tests also print the out-of-date PDFs on their visit (make test)")
    parser.addoption("--browser-tabs", type=int, default=2,
                     help="pages the browser tests load and check at once (make test: 1, the other core runs "
                          "the other tests)")


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """Loading the test modules makes long-lived objects (modules, classes, schemas), not garbage: the
    collector, which went through them a few hundred times (a fifth of the loading), is kept off meanwhile,
    and they are then frozen out of the collections the tests trigger. Collections only free unreachable
    objects: no test's result depends on them."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.enable()


def in_browser_checks(path: Path) -> bool:
    """Whether make test's browser checks (`--print-pdf`) collect this test file: the browser's tests and those
    that read the PDFs name the mark or the fixture. Collecting the other files too took that process two
    CPU-seconds, only to leave their tests out."""
    text = path.read_text(encoding="utf-8")
    return "mark.browser" in text or "printed_html" in text


def pytest_ignore_collect(collection_path, config):
    if (config.getoption("--print-pdf") and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_") and not in_browser_checks(collection_path)):
        return True
    return None


def pytest_collection_modifyitems(items):
    """A test that reads the built book is marked `built` (`make test-fast` leaves those out), and one that reads
    its PDFs `pdf`. The browser's tests run first: make test's browser checks print the PDFs on their visit,
    then run the `pdf` tests in the same process. Next come the files with a test that starts processes
    (`spawns`: builds, kernels, interpreters), each file's tests in their order: pytest-xdist deals the files
    out in that order, and a long one dealt last kept one worker busy alone. A `browser` or `pdf` test in a file
    the browser checks would not collect stops the run: it would run in neither half of make test."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "built_html" in fixtures:
            item.add_marker(pytest.mark.built)
        if "printed_html" in fixtures:
            item.add_marker(pytest.mark.pdf)
        if (item.get_closest_marker("browser") or item.get_closest_marker("pdf")) and not in_browser_checks(
                item.path):
            raise pytest.UsageError(f"{item.nodeid}: a browser or PDF test in a file that names neither "
                                    "`pytest.mark.browser` nor `printed_html`: make test's browser checks "
                                    "would not collect it (tests/conftest.py, in_browser_checks)")
    spawning = {item.path for item in items if item.get_closest_marker("spawns")}
    items.sort(key=lambda item: (item.get_closest_marker("browser") is None, item.path not in spawning))


@pytest.fixture(scope="session")
def built_html() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test builds it first)")
    return HTML


@pytest.fixture(scope="session")
def printed_html(built_html) -> Path:
    """The built book with its PDFs."""
    from analysis.build import pdf

    if not (built_html / pdf.book_path()).exists():
        pytest.fail("no PDFs in the built book: run `make pdf` (make test prints them)")
    return built_html


def book_pages(html_dir: Path = HTML) -> list[str]:
    """Every chapter page of the built book, relative to the HTML root."""
    return sorted(
        p.relative_to(html_dir).as_posix()
        for p in (html_dir / "book").rglob("*.html")
        if not p.name.startswith("_")
    )


def python_output(code: str, hash_seed: int) -> str:
    """What `code` prints in a fresh interpreter with its own hash seed (set and dict orders differ), so a
    result compared with one computed here cannot match by sharing this process's caches or orders."""
    environ = {**os.environ, env.HASH_SEED: str(hash_seed)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def clean_caches():
    """The interview tables read afresh before and after a test that points the edition at other files."""
    from analysis.interviews import reader

    reader._load.cache_clear()
    reader._by_dimension.cache_clear()
    yield
    reader._load.cache_clear()
    reader._by_dimension.cache_clear()
