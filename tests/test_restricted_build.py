"""A restricted edition built by the documented command (`make book-restricted`, i.e. `python -m analysis
build-restricted`) from crafted interviews — small cells, a deny-list, team summaries — exported as a REFI-QDA
project whose cases bear a person's name and imported with `import-qdpx`: the book builds, and neither
what it publishes nor its log holds a count under the threshold, an interview id, a deny-listed name or
the folder's path or name.

The smallest book that proves it: one regional chapter as the book's only page (the home page reads no
interview), so the gate stays fast; the full book runs the same code for six regions."""

from __future__ import annotations

import html
import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from analysis.build.cli import main
from analysis.contract import disclosure, env
from analysis.contract.disclosure import SUPPRESSED
from analysis.interviews import privacy, qdpx, restricted
from analysis.interviews import reader as iv
from tests.conftest import ROOT
from tests.test_built_html import AGGREGATE, _interview_specs
from tests.test_qdpx import project_from_tables
from tests.test_restricted import FOLDER_NAME, opaque_copy, small_cells

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out

ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", re.S)
DENIED = "Jean Tremblay"
REGION = "mauricie"
SUMMARY = "Les élus de la région {code} ont choisi les projets en comité restreint"


@pytest.fixture(scope="module")
def restricted_build(tmp_path_factory):
    holder = tmp_path_factory.mktemp("data-holder")
    (holder / "crafted").mkdir()
    crafted = opaque_copy(holder / "crafted")
    small_cells(crafted)
    # The team's path: its QDA program exports a project whose cases carry people's names; the import writes
    # the restricted tables with the team's summaries and deny-list.
    project = project_from_tables(crafted, holder / "export.qdpx", person=DENIED)
    interviews = pd.read_csv(crafted / "interviews.csv", dtype=str)
    codes = pd.read_csv(crafted / "interview_codes.csv", dtype=str).merge(interviews, on="interview_id")
    cells = sorted(set(codes.loc[codes["region_id"] == REGION, "code_id"]))
    summaries = holder / "resumes.csv"
    summaries.write_text("region_id,code_id,summary_fr\n" + "".join(
        f"{REGION},{code},{SUMMARY.format(code=code)}\n" for code in cells), encoding="utf-8")
    (holder / "exclusion.txt").write_text(f"{DENIED}\n", encoding="utf-8")
    folder = qdpx.import_project(project, holder / FOLDER_NAME, summaries=summaries,
                                 deny_list=holder / "exclusion.txt")
    assert restricted.problems(folder) == []
    toc = holder / "toc.yml"
    toc.write_text(f"format: jb-book\nroot: book/regions/{REGION}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("restricted-edition")
    # `python -m analysis build-restricted` is this call (analysis/__main__.py), made here rather than in a new
    # interpreter: what it prints is the log; the build itself runs in its own `jb` process.
    log = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(log), redirect_stderr(log):
        patch.delenv(env.INTERVIEWS_DIR, raising=False)
        patch.chdir(ROOT)
        status = main(["build-restricted", str(folder), "--out", str(out), "--toc", str(toc)])
    assert status == 0, log.getvalue()[-6000:]
    return folder, out, log.getvalue()


def test_the_regional_page_publishes_only_protected_counts(restricted_build):
    _, out, _ = restricted_build
    text = (out / "_build" / "html" / "book" / "regions" / f"{REGION}.html").read_text(encoding="utf-8")
    assert "restricted-banner" in text and "synthetic-banner" not in text
    for item in _interview_specs(text):
        assert all(row.get("synthetic") is False for row in item["rows"])
        counts = [row["n"] for row in item["rows"] if row.get("n") is not None]
        assert all(n >= disclosure.MIN_COUNT for n in counts), counts
    aggregates = AGGREGATE.findall(text)
    assert [flag for flag, _ in aggregates] == ["false"]
    cells = {html.unescape(d): html.unescape(v).strip() for d, v in ROW.findall(aggregates[0][1])}
    assert all(v == SUPPRESSED or int(v) >= disclosure.MIN_COUNT for v in cells.values()), cells
    assert SUPPRESSED in cells.values(), "the crafted data must make the page hide some cells"
    assert disclosure.lines_with_one_suppressed(pd.DataFrame([cells])) == []


def test_team_summaries_are_shown_only_where_their_cell_is_published(restricted_build, monkeypatch):
    folder, out, _ = restricted_build
    text = html.unescape((out / "_build" / "html" / "book" / "regions" / f"{REGION}.html").read_text(
        encoding="utf-8")).replace("\u202f", " ").replace("\xa0", " ")
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(folder))
    iv._load.cache_clear()
    iv._by_dimension.cache_clear()
    try:
        shown = set(iv.published_summaries(REGION)["code_id"])
    finally:
        iv._load.cache_clear()
        iv._by_dimension.cache_clear()
    everything = set(pd.read_csv(folder / restricted.SUMMARIES_FILE, dtype=str)["code_id"])
    assert everything - shown, "the crafted cells must hide some summaries"
    for code in everything:
        assert (SUMMARY.format(code=code) in text) == (code in shown), code


def test_nothing_from_the_folder_reaches_the_build_or_its_log(restricted_build):
    folder, out, log = restricted_build
    problems, _ = privacy.check(out / "_build", [DENIED], ids=restricted.interview_ids(folder))
    assert problems == []
    ids = re.compile(r"\b(" + "|".join(pd.read_csv(folder / "interviews.csv")["interview_id"]) + r")\b")
    texts = {"(log)": log} | {str(p): p.read_bytes().decode("utf-8", errors="replace")
                              for p in out.rglob("*") if p.is_file() and "_static" not in p.parts}
    for where, text in texts.items():
        assert FOLDER_NAME not in text and str(folder) not in text, where
        assert not ids.search(text), where
        assert DENIED not in text, where
    assert "restricted edition built" in log and "Traceback" not in log
