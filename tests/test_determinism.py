"""Two builds must be byte-identical apart from the build date: the comparison `make determinism` runs
fails on a crafted nondeterministic pair, and the chart element ids come from the spec alone."""

from __future__ import annotations

import hashlib
import json

import altair as alt
import pytest

from analysis.build.cli import main
from analysis.build.determinism import compare, mask
from analysis.contract import env
from analysis.present import charts
from tests.conftest import python_output

PAGE = """<!DOCTYPE html><html><head>
<meta name="docbuild:last-update" content="{date}"/></head><body>
<div id="{chart}" class="altair-chart"></div>
<script type="application/json" id="{chart}-spec" class="altair-spec">{{"mark": "bar"}}</script>
<footer><p class="last-updated">
  Mis à jour le {date}.
  <br/>
</p><span class="text-muted build-date" data-x="1">Construit le {date}</span>
<p>Édition du <time class='build-date' datetime="{date}">{date}</time>.</p></footer>
</body></html>"""


def _build(root, date, chart="altair-0123456789ab-0", extra=None):
    (root / "book").mkdir(parents=True)
    (root / "book" / "page.html").write_text(PAGE.format(date=date, chart=chart), encoding="utf-8")
    (root / "telechargements.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_builds_differing_only_by_their_date_are_identical(tmp_path):
    a = _build(tmp_path / "a", "déc. 01, 2026")
    b = _build(tmp_path / "b", "janv. 15, 2027")
    assert compare(a, b) == ([], [])
    assert main(["compare-builds", str(a), str(b)]) == 0
    assert "2027" not in mask((b / "book" / "page.html").read_text(encoding="utf-8"))


def test_a_random_chart_id_or_a_changed_download_is_caught(tmp_path):
    a = _build(tmp_path / "a", "déc. 01, 2026")
    b = _build(tmp_path / "b", "déc. 01, 2026", chart="altair-f3e2d1c0b9a8-0")
    differences, _ = compare(a, b)
    assert len(differences) == 1 and differences[0].startswith("book/page.html:3: differs")
    assert main(["compare-builds", str(a), str(b)]) == 2
    c = _build(tmp_path / "c", "déc. 01, 2026", extra={"telechargements.csv": "a,b\n2,1\n"})
    assert compare(a, c)[0] == ["telechargements.csv:2: differs: '1,2' / '2,1'"]


def test_a_file_missing_from_the_second_build_is_caught(tmp_path):
    a = _build(tmp_path / "a", "d", extra={"reseau.gexf": "<gexf/>"})
    b = _build(tmp_path / "b", "d")
    assert compare(a, b)[0] == [f"reseau.gexf: only in {a}"]
    # Leftovers of an older build: one note that counts them, so the end of `make test` stays short.
    assert compare(b, a) == ([], [f"1 file(s) only in {a}, left by earlier builds (not compared)"])


def test_chart_element_id_depends_on_the_spec_only():
    """The id is computed from the spec alone; a second drawing of the same spec in one process gets the next
    number. Another process (another kernel, another working directory, another hash seed) gives the same id:
    tests/test_kernels.py checks it on the same spec drawn in a warm kernel, which it starts anyway, rather
    than starting an interpreter here that imports Altair once more."""
    spec = alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar().encode(x="x:Q").to_dict()
    payload = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    expected = f"altair-{hashlib.sha256(payload.encode()).hexdigest()[:12]}-0"
    first = charts.offline_renderer(spec)["text/html"].split('"')[1]
    second = charts.offline_renderer(spec)["text/html"].split('"')[1]
    assert first.rsplit("-", 1)[0] == second.rsplit("-", 1)[0] == expected.rsplit("-", 1)[0] and first != second


def _cached_chapters(tmp_path, sources: dict[str, tuple[str, str]]):
    """A jupyter-cache holding each notebook (name -> (code of its one cell, what a kernel printed when the
    build ran it)), stored as the build stores an executed notebook. The printed text is written here rather
    than taken from a kernel of its own (a kernel start less): a steady chapter whose stored output did not
    equal a fresh kernel's would be reported as changed, so the checks below would fail, not pass."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cache = get_cache(str(tmp_path / "cache"))
    for name, (code, printed) in sources.items():
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell(code)]), path)
        stage = cache.add_nb_to_project(str(path))
        executed = nbformat.read(path, as_version=4)
        executed.cells[0].execution_count = 1
        executed.cells[0].outputs = [new_output("stream", name="stdout", text=printed)]
        cache.cache_notebook_bundle(CacheBundleIn(executed, stage.uri), check_validity=False, overwrite=True)
    return tmp_path / "cache"


@pytest.mark.spawns
def test_reexecution_finds_a_chapter_whose_outputs_change_and_one_that_reads_an_unlisted_file(tmp_path):
    """Five chapters run again: steady, a clock, one that prints a set of strings in the order of the build's
    hash seed, one reading a listed input and one reading a file the list of inputs does not cover, through pandas
    as the chapters read the data; the clock, the set (run again under the check's seed) and the unlisted read are
    reported, each once. (`make test` runs the same check on every chapter of the book.) The checkout moved after
    its build: its chapters run where they are now."""
    from analysis.build.determinism import reexecuted

    in_a_set = "print(list({'lanaudiere', 'mauricie', 'laurentides', 'bas-saint-laurent', 'cote-nord'}))"
    through_pandas = "import pandas\nprint(pandas.read_csv('notes.txt').columns[0])"
    built = tmp_path / "built"
    (built / "data").mkdir(parents=True)
    (built / "notes.txt").write_text("not an input", encoding="utf-8")
    (built / "data" / "listed.csv").write_text("an input", encoding="utf-8")
    _cached_chapters(built, {"steady": ("print(sum(range(10)))", "45\n"),
                             "clock": ("import time\nprint(time.perf_counter_ns())", "52398127645\n"),
                             "set": (in_a_set, python_output(in_a_set, int(env.BUILD_HASH_SEED))),
                             "listed": ("print(open('data/listed.csv').read())", "an input\n"),
                             "unlisted": (through_pandas, "not an input\n")})
    moved = built.rename(tmp_path / "moved")
    problems, compared = reexecuted(moved / "cache", moved, jobs=2)
    assert compared == 5 and len(problems) == 3
    assert problems[0].startswith("clock.ipynb: cell 0: outputs differ")
    assert problems[1].startswith("set.ipynb: cell 0: outputs differ")
    assert problems[2] == ("unlisted.ipynb: read notes.txt, which analysis/build/inputs.py does not list "
                           "(a change there would not make the build run the chapter again)")
