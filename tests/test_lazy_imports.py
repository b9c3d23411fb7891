"""A page without charts does not load Altair; a page with charts gets the book's theme and renderer
whichever comes first, `book.setup()` or the import of `analysis.present.charts`. Each case runs in a fresh
interpreter, as a kernel does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analysis.contract import env
from tests.conftest import ROOT

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out

REPORT = ("import json, sys; import altair as alt; "
          "print(json.dumps([alt.theme.active, alt.renderers.active, 'altair' in sys.modules]))")


def _run(code: str) -> list[str]:
    """The lines `code` prints in a fresh interpreter."""
    environ = {**os.environ, env.BOOK_BUILD: "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_a_page_without_charts_does_not_load_altair_and_charts_imported_after_setup_get_the_theme():
    """One interpreter for both: a page's first cell sets the book up; a chart-less page never loads Altair; a
    page that imports the charts after its setup gets the book's theme and renderer."""
    code = ("import sys; from analysis.present import annexes, book, citation; "
            "from analysis.contract import data; book.setup(); print('altair' in sys.modules); "
            f"from analysis.present import charts; {REPORT}")
    without_charts, with_charts = _run(code)[-2:]
    assert without_charts == "False"
    assert json.loads(with_charts) == ["alliances", "offline", True]


def test_a_regional_chapter_gets_the_book_theme_and_offline_renderer():
    assert json.loads(_run(f"from analysis.present import chapter; chapter.book.setup(); {REPORT}")[-1]) == [
        "alliances", "offline", True]


def test_charts_imported_first_keep_altairs_renderer_until_setup():
    """The usual first cell imports the charts before the setup: Altair's own renderer until then."""
    before, after = _run(f"from analysis.present import book, charts; {REPORT}; book.setup(); {REPORT}")[-2:]
    assert json.loads(before)[1] == "default"
    assert json.loads(after) == ["alliances", "offline", True]
