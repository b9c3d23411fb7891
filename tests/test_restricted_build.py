"""A restricted edition built from crafted interviews (valid, with small cells and a deny-list), exported as a
REFI-QDA project whose cases bear a person's name and imported with `import-qdpx`:
the real book builds, and what it publishes holds no count under the threshold, no count a reader
could recover from the others, no interview id, no deny-listed name and not the folder's path.

One cold build of the whole book into a temporary folder (about a minute)."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.contract import data, disclosure, env
from analysis.contract.disclosure import SUPPRESSED
from analysis.interviews import privacy, qdpx, restricted
from tests.conftest import ROOT
from tests.test_built_html import AGGREGATE, _interview_specs
from tests.test_qdpx import project_from_tables
from tests.test_restricted import FOLDER_NAME, opaque_copy, small_cells

ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", re.S)
DENIED = "Jean Tremblay"


@pytest.fixture(scope="module")
def restricted_build(tmp_path_factory):
    holder = tmp_path_factory.mktemp("data-holder")
    (holder / "crafted").mkdir()
    crafted = opaque_copy(holder / "crafted")
    small_cells(crafted)
    # The team's path: its QDA program exports a project whose cases carry people's names, the import
    # writes the restricted tables, the team adds its deny-list.
    project = project_from_tables(crafted, holder / "export.qdpx", person=DENIED)
    folder = qdpx.import_project(project, holder / FOLDER_NAME)
    (folder / restricted.DENY_LIST).write_text(f"{DENIED}\n", encoding="utf-8")
    assert restricted.problems(folder) == []
    out = tmp_path_factory.mktemp("restricted-edition")
    environ = {**os.environ, env.INTERVIEWS_DIR: str(folder)}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "jb"), "build", str(ROOT), "--path-output", str(out),
                           "--all", "-W", "-n", "--keep-going"], env=environ, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return folder, out / "_build"


def test_regional_pages_publish_only_protected_counts(restricted_build):
    _, build = restricted_build
    regional = sorted((build / "html" / "book" / "regions").glob("*.html"))
    assert len(regional) == len(data.load("regions"))
    table = {}
    for page in regional:
        text = page.read_text(encoding="utf-8")
        assert "restricted-banner" in text and "synthetic-banner" not in text
        for item in _interview_specs(text):
            assert all(row.get("synthetic") is False for row in item["rows"])
            counts = [row["n"] for row in item["rows"] if row.get("n") is not None]
            assert all(n >= disclosure.MIN_COUNT for n in counts), (page.name, counts)
        aggregates = AGGREGATE.findall(text)
        assert [flag for flag, _ in aggregates] == ["false"]
        cells = {html.unescape(d): html.unescape(v).strip() for d, v in ROW.findall(aggregates[0][1])}
        assert all(v == SUPPRESSED or int(v) >= disclosure.MIN_COUNT for v in cells.values()), cells
        table[page.stem] = cells
    published = pd.DataFrame(table).T
    assert (published == SUPPRESSED).any().any(), "the crafted data must make the book hide some cells"
    # Across the six pages, no row or column leaves a single hidden cell to be found by subtraction.
    assert disclosure.lines_with_one_suppressed(published) == []


def test_nothing_from_the_folder_reaches_the_build(restricted_build):
    folder, build = restricted_build
    problems, _ = privacy.check(build, [DENIED])
    assert problems == []
    ids = re.compile(r"\b(" + "|".join(pd.read_csv(folder / "interviews.csv")["interview_id"]) + r")\b")
    for path in build.rglob("*"):
        if path.is_file() and "_static" not in path.parts:
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert FOLDER_NAME not in text and str(folder) not in text, path
            assert not ids.search(text), path
    assert not (build / "html" / "reports").exists()
    assert Path(build / "html" / "index.html").exists()
