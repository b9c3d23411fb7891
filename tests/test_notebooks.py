"""Executed notebooks: what a chapter run in a clean kernel must give, and every chapter's download in the book."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from analysis.build import notebooks
from tests.conftest import HTML, ROOT

CHART_DIV = re.compile(r'<div id="altair-[0-9a-f]+-\d+" class="altair-chart"')
CHAPTERS = notebooks.chapters()


def _outputs(notebook) -> list[dict]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _charts_in_page(docname: str) -> int:
    return len(CHART_DIV.findall((HTML / f"{docname}.html").read_text(encoding="utf-8")))


def test_the_table_of_contents_gives_every_chapter_in_order():
    assert CHAPTERS[:2] == ["book/index", "book/essentiel"] and "book/annexes/reproduire" in CHAPTERS
    assert len(CHAPTERS) == len(set(CHAPTERS))
    assert all((ROOT / f"{name}.md").exists() for name in CHAPTERS)


def test_unknown_chapter_lists_the_known_ones():
    with pytest.raises(SystemExit, match="mauricie"):
        notebooks.resolve("atlantide")


def check_run_in_a_clean_kernel(path: Path, docname: str) -> None:
    """What `python -m analysis notebook` wrote (tests/test_rerunner.py runs the command the README prints, with
    the build's variable env.BOOK_BUILD left set): a valid notebook, every cell run, no error output, each chart
    of the page drawn as a local image, not by the book's renderer, and no pairing with the Markdown source."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    outputs = _outputs(notebook)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    assert all(c.get("execution_count") for c in notebook.cells if c.cell_type == "code")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == _charts_in_page(docname) >= 1
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


def test_reader_markdown_writes_glued_values_labels_references_and_links_as_jupyter_reads_them():
    glue = {"n_projets": {"data": {"text/plain": "12"}}, "nom": {"data": {"text/plain": "'Mauricie'"}},
            "part": {"data": {"text/plain": "0.4567"}}}
    labels = {"contexte": ("book/contexte", "contexte", "Le contexte"),
              "mauricie-projets": ("book/regions/mauricie", "mauricie-projets", "Projets")}
    source = ("(mauricie-projets)=\n## Projets\n\n{glue}`n_projets` projets en {glue:text}`nom` "
              "({glue:text}`part:.1%`), voir le {ref}`contexte <contexte>` et {ref}`mauricie-projets`, "
              "{cite:p}`macqueen_1998`, [les sources](../annexes/sources.md#src-x).\n\n"
              "```{include} ../../CHANGELOG.md\n:start-after: x\n```\n")
    text = notebooks.reader_markdown(source, "book/regions/mauricie", glue, labels)
    site = notebooks.site()
    assert text.startswith("## Projets\n\n12 projets en Mauricie (45.7%)")
    assert f"[contexte]({site}book/contexte.html#contexte)" in text
    assert f"[Projets]({site}book/regions/mauricie.html#mauricie-projets)" in text
    assert f"]({site}book/annexes/references.html)" in text and "MacQueen" in text
    assert f"[les sources]({site}book/annexes/sources.html#src-x)" in text
    assert f"({site}book/regions/mauricie.html)" in text  # the include: a link to the page
    assert not [rx.pattern for rx in notebooks.MYST_LEFTOVERS if rx.search(text)]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_no_downloaded_notebook_keeps_myst_only_syntax(built_html, docname):
    notebook = nbformat.read(HTML / notebooks.DOWNLOAD_DIR / f"{docname}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert not [m.group(0) for rx in notebooks.MYST_LEFTOVERS for m in rx.finditer(text)]
    html = "".join(o.get("data", {}).get("text/html", "") for o in _outputs(notebook))
    assert not re.search(r"""href=["'](?!https?:|mailto:|#)""", html)  # every link leads to the published book


def test_a_downloaded_notebook_reruns_with_nbconvert_where_the_download_menu_puts_it(built_html):
    """The findings chapter: its first cells find the repository from the download folder, and it shows the
    study's findings with their sources. (A regional chapter, its charts drawn as images, runs in a clean kernel
    in tests/test_rerunner.py, through the command the README prints.)"""
    docname = "book/constats"
    path = HTML / notebooks.DOWNLOAD_DIR / f"{docname}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert "make install" in notebook.cells[0].source.splitlines()[0]
    executed = notebooks.execute(notebook, path.parent)
    outputs = _outputs(executed)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "class='constat-enonce'" in shown and "class='constat-source'" in shown


@pytest.mark.spawns
def test_charts_started_in_the_painter_process_are_the_ones_drawn_here():
    """A build draws the notebooks' charts in a process of its own (analysis.build.painter: vl-convert holds the
    GIL): the same PNG as drawn in this process, a chart as wide as its container given the notebooks' width; a
    job's error reaches the build."""
    import json
    import struct

    from analysis.build import painter
    from analysis.present.charts import NOTEBOOK_WIDTH

    spec = json.dumps({"data": {"values": [{"n": 1}, {"n": 3}]}, "mark": "bar", "width": "container",
                       "encoding": {"x": {"field": "n", "type": "quantitative"}}})
    markup = f'<script type="application/json" id="c-spec" class="altair-spec">{spec}</script>'
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", {"text/html": markup})])
    notebooks.draw_charts([nbformat.v4.new_notebook(cells=[cell])])
    assert spec in notebooks._DRAWN
    png = notebooks._png(spec)
    assert png == painter.draw_png(spec, NOTEBOOK_WIDTH)
    width = struct.unpack(">I", png[16:20])[0]  # the PNG header's width, in pixels
    assert NOTEBOOK_WIDTH <= width < NOTEBOOK_WIDTH + 100  # the plot's width, plus its axis and padding
    with pytest.raises(json.JSONDecodeError):
        painter.submit(painter.draw_png, "{not a spec", NOTEBOOK_WIDTH).result()
