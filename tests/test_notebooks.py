"""Executed notebooks: one chapter run here in a clean kernel, and every chapter's download in the book."""

from __future__ import annotations

import re

import nbformat
import pytest

from analysis.build import notebooks
from analysis.contract import env
from tests.conftest import HTML, ROOT

CHART_DIV = re.compile(r'<div id="altair-[0-9a-f]+-\d+" class="altair-chart"')
CHAPTERS = notebooks.chapters()


def _outputs(notebook) -> list[dict]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _charts_in_page(docname: str) -> int:
    return len(CHART_DIV.findall((HTML / f"{docname}.html").read_text(encoding="utf-8")))


def test_the_table_of_contents_gives_every_chapter_in_order():
    assert CHAPTERS[0] == "book/index" and "book/annexes/reproduire" in CHAPTERS
    assert len(CHAPTERS) == len(set(CHAPTERS))
    assert all((ROOT / f"{name}.md").exists() for name in CHAPTERS)


def test_unknown_chapter_lists_the_known_ones():
    with pytest.raises(SystemExit, match="mauricie"):
        notebooks.resolve("atlantide")


def test_one_chapter_runs_with_nbconvert_in_a_clean_kernel(tmp_path, built_html, monkeypatch):
    """`python -m analysis notebook contexte`: no error output, the chart drawn as a local image."""
    monkeypatch.setenv(env.BOOK_BUILD, "1")  # must not reach the kernel
    path = notebooks.write("contexte", tmp_path)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    outputs = _outputs(notebook)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    assert all(c.get("execution_count") for c in notebook.cells if c.cell_type == "code")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == _charts_in_page("book/contexte") >= 1
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "vegaEmbed" not in html and "cdn.jsdelivr" not in html  # the book's renderer did not leak in
    assert "jupytext" not in notebook.metadata and notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_chapter_offers_its_executed_notebook(built_html, docname):
    path = HTML / notebooks.DOWNLOAD_DIR / f"{docname}.ipynb"
    assert path.exists(), f"{path} missing"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    outputs = _outputs(notebook)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    assert sum("image/png" in o.get("data", {}) for o in outputs) == _charts_in_page(docname)
    page = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    link = "../" * docname.count("/") + f"{notebooks.DOWNLOAD_DIR}/{docname}.ipynb"
    assert f'href="{link}"' in page


def test_the_build_reuses_a_notebook_until_its_chapter_or_inputs_change(tmp_path):
    root = tmp_path / "repo"
    (root / "book").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "t.csv").write_text("a\n1\n", encoding="utf-8")
    chapter = root / "book" / "toy.md"
    chapter.write_text("---\njupytext:\n  text_representation: {extension: .md, format_name: myst}\n---\n"
                       "# Toy\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n", encoding="utf-8")
    cache, out, messages = tmp_path / "cache", tmp_path / "out", []

    def build():
        messages.clear()
        return notebooks.build_all(out, cache, ["book/toy"], jobs=1, root=root, log=messages.append)

    [path] = build()
    assert any("executing 1 of 1" in m for m in messages)
    assert nbformat.read(path, as_version=4).cells[1].outputs[0]["text"] == "42\n"
    build()
    assert not any("executing" in m for m in messages)  # unchanged: from the cache
    (root / "data" / "t.csv").write_text("a\n2\n", encoding="utf-8")
    build()
    assert any("executing 1 of 1" in m for m in messages)  # an input changed
    assert len(list(cache.iterdir())) == 1  # the stale copy is gone


def test_a_restricted_build_never_shares_cached_notebooks_with_the_public_one(tmp_path, monkeypatch):
    public = notebooks.inputs_digest()
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(tmp_path))
    assert notebooks.inputs_digest() != public
