"""Warm kernels (analysis/build/kernels.py): a notebook run after another one in the same kernel sees what a
fresh kernel shows it: an empty namespace, its own folder, execution counts from one."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.spawns  # each test here starts processes: make test-fast leaves them out


@pytest.fixture(scope="module")
def warm():
    """One warm kernel for the tests that expect it to stay up: every page it runs must see a fresh one."""
    from analysis.build import kernels  # Jupyter's client: loaded only where a test of this file runs

    with kernels.WarmKernel() as kernel:
        yield kernel


def test_a_warm_kernel_gives_each_notebook_a_fresh_namespace_its_folder_and_counts_from_one(tmp_path, warm):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    one = new_notebook(cells=[new_code_cell("leftover = 1"), new_code_cell("2 + 2")])
    done = warm.execute(first / "one.md", one, 60)
    assert [c.execution_count for c in done.nb.cells] == [1, 2]
    pid, client = warm.km.provisioner.process.pid, warm.kc
    two = new_notebook(cells=[new_code_cell("import os\nprint(os.getcwd(), 'leftover' in dir())"),
                              new_code_cell("3 + 3")])
    done = warm.execute(second / "two.md", two, 60)
    assert warm.km.provisioner.process.pid == pid  # the same kernel ran both
    assert warm.kc is client  # through the same client: a new one waits a fifth of a second before its first cell
    assert done.nb.cells[0].outputs[0].text.split() == [str(second), "False"]
    assert [c.execution_count for c in done.nb.cells] == [1, 2]
    assert done.nb.cells[1].outputs[0].execution_count == 2
    assert nbformat.validate(done.nb) is None


def test_a_failing_notebook_returns_none_and_its_kernel_is_replaced(tmp_path, warm):
    """On the shared kernel (a start less): the one that failed is shut down, the next page gets a new one,
    which the tests after this one then use."""
    from nbformat.v4 import new_code_cell, new_notebook

    assert warm.execute(tmp_path / "up.md", new_notebook(cells=[new_code_cell("1")]), 60) is not None
    pid = warm.km.provisioner.process.pid
    assert warm.execute(tmp_path / "bad.md", new_notebook(cells=[new_code_cell("1 / 0")]), 60) is None
    assert warm.km is None and warm.kc is None
    assert warm.execute(tmp_path / "ok.md", new_notebook(cells=[new_code_cell("1")]), 60) is not None
    assert warm.km.provisioner.process.pid != pid


def test_chart_ids_restart_on_each_page_of_a_warm_kernel(tmp_path, warm):
    """The same chart drawn by two pages run in one kernel gets the same element id on both, and it is the id
    computed here from the spec alone: another process, working directory and hash seed give it (the check
    tests/test_determinism.py leaves to this kernel, already started, rather than start an interpreter)."""
    import hashlib
    import json

    from nbformat.v4 import new_code_cell, new_notebook

    draw = ("from analysis.present import charts\nimport altair as alt, json\n"
            "spec = alt.Chart(alt.Data(values=[{'x': 1}])).mark_bar().encode(x='x:Q').to_dict()\n"
            "print(charts.offline_renderer(spec)['text/html'].split('\"')[1])\nprint(json.dumps(spec))")
    printed = [warm.execute(tmp_path / f"{name}.md", new_notebook(cells=[new_code_cell(draw)]), 120)
               .nb.cells[0].outputs[0].text.splitlines() for name in ("one", "two")]
    ids = [lines[0] for lines in printed]
    payload = json.dumps(json.loads(printed[0][1]), sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    assert ids[0] == ids[1] == f"altair-{hashlib.sha256(payload.encode()).hexdigest()[:12]}-0"
