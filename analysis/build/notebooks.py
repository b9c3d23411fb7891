"""Each chapter as a Jupyter notebook a reader can open, read and rerun.

The book build writes every chapter's notebook into `<html>/telechargements/notebooks/` from the
build's own executed results (myst-nb's jupyter-cache and its glue data, see _ext/reproduction.py):
nothing runs a second time. `reader_notebook` turns the MyST notebook into one Jupyter renders as
the book does: glued values written into the text (no `{glue}` role), no `(label)=` line, cross
references, citations and relative links pointing to the published book, directives Jupyter
cannot render replaced by a link to the page, charts as PNG images drawn locally by vl-convert from
the spec the build drew (they show without internet, even before the notebook is trusted). Its first
cells say in one line how to rerun it and make the checkout that holds it importable, so it runs
from where the download menu puts it (`_build/html/telechargements/notebooks/...`).

`python -m analysis notebook CHAPTER [--out DIR]` still executes one chapter in a fresh kernel
(MyST source -> jupytext -> nbconvert), for a re-runner who wants the notebook from the sources.
"""

from __future__ import annotations

import base64
import html
import os
import re
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.build import painter
from analysis.contract import env
from analysis.contract.data import ROOT
from analysis.contract.paths import DOWNLOADS
from analysis.present import citation

DOWNLOAD_DIR = f"{DOWNLOADS}/notebooks"
TIMEOUT = 300
KERNEL = "python3"
BIBLIOGRAPHY = ROOT / "book" / "references.bib"
REFERENCES_PAGE = "book/annexes/references"

_GLUE = re.compile(r"\{glue(?::(?:text|md|any))?\}`([^`]+)`")
_LABEL_LINE = re.compile(r"^\([\w.:-]+\)=[ \t]*(?:\n|$)", re.M)
_REF = re.compile(r"\{(?:ref|numref|doc)\}`(?:([^`<]*?)\s*<([^`>]+)>|([^`]+))`")
_CITE = re.compile(r"\{cite(?::(p|t|ps|ts))?\}`([^`]+)`")
_DIRECTIVE = re.compile(r"^(```+|:::+)\{([\w-]+)\}[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
_MD_LINK = re.compile(r"\]\((?![a-z]+:|#)([^)\s]+)\)")
_HREF = re.compile(r"""((?:href|src)=["'])(?![a-z]+:|#)([^"']+)""")
_SPEC = re.compile(r'<script type="application/json" id="[^"]+" class="altair-spec">(.*?)</script>', re.S)
MYST_LEFTOVERS = (_GLUE, _LABEL_LINE, _REF, _CITE, _DIRECTIVE)  # tests: none of them in a downloaded notebook


def chapters(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Every page of the table of contents, in reading order (`book/regions/mauricie`, ...)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(node[key].removesuffix(".md").removesuffix(".ipynb"))
            for value in node.values():
                if isinstance(value, list | dict):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(toc.read_text(encoding="utf-8")))
    return list(dict.fromkeys(found))


def resolve(chapter: str, root: Path = ROOT) -> tuple[str, Path]:
    """`mauricie`, `book/regions/mauricie` or a path to the .md -> (docname, source path)."""
    names = chapters(root / "_toc.yml")
    candidate = Path(chapter)
    if candidate.suffix == ".md" and candidate.exists():
        docname = candidate.resolve().relative_to(root).with_suffix("").as_posix()
    else:
        matches = [n for n in names if n == chapter.removesuffix(".md") or n.split("/")[-1] == chapter]
        if len(matches) != 1:
            raise SystemExit(f"unknown chapter {chapter!r}; one of: {', '.join(n.split('/')[-1] for n in names)}")
        docname = matches[0]
    source = root / f"{docname}.md"
    if not source.exists():
        raise SystemExit(f"{source}: no such chapter source")
    return docname, source


def convert(source: Path):
    """The MyST Markdown chapter as an (unexecuted) notebook."""
    import jupytext

    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)  # the .ipynb stands alone: no pairing with the .md
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    return notebook


def _kernel_env() -> dict[str, str]:
    kernel = {k: v for k, v in os.environ.items() if k != env.BOOK_BUILD}  # a re-runner's kernel never has it
    kernel[env.HASH_SEED] = env.BUILD_HASH_SEED
    return kernel


def execute(notebook, cwd: Path, attempts: int = 3):
    """Run every cell with nbconvert in a fresh kernel; a failing cell raises CellExecutionError.

    A kernel that dies while starting (two kernels on a busy machine can pick the same free port) is
    started again, up to `attempts` times; its own log is kept apart and quoted if it keeps failing.
    """
    import copy
    import tempfile

    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from nbconvert.preprocessors import ExecutePreprocessor

    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryFile(mode="w+b") as kernel_log:

            class _Executor(ExecutePreprocessor):
                def setup_kernel(self, **kwargs):
                    # No book-build flag; kernel log lines (e.g. the TCP transport warning) stay out of the log.
                    return super().setup_kernel(env=_kernel_env(), stderr=kernel_log, **kwargs)

            attempt_nb = copy.deepcopy(notebook)
            executor = _Executor(timeout=TIMEOUT, kernel_name=KERNEL, record_timing=False)
            try:
                executor.preprocess(attempt_nb, {"metadata": {"path": str(cwd)}})
                return attempt_nb
            except CellExecutionError:
                raise
            except (DeadKernelError, RuntimeError) as err:
                kernel_log.seek(0)
                tail = kernel_log.read().decode("utf-8", "replace")[-1500:]
                if attempt == attempts:
                    raise RuntimeError(f"{cwd}: {err} (after {attempts} attempts); kernel log:\n{tail}") from err
    raise AssertionError("unreachable")


def normalise(notebook):
    """Drop what differs between two runs of the same notebook (ids, execution metadata)."""
    import nbformat

    notebook.metadata.pop("widgets", None)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
        cell.metadata.pop("execution", None)
    nbformat.validate(notebook)
    return notebook


def run(source: Path):
    """Convert and execute one chapter; the notebook runs in its chapter's folder, as in the book."""
    return normalise(execute(convert(source), source.parent))


def dumps(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook) + "\n"


def write(chapter: str, outdir: Path, root: Path = ROOT) -> Path:
    """`python -m analysis notebook`: the executed notebook of one chapter in `outdir`."""
    docname, source = resolve(chapter, root)
    target = Path(outdir) / f"{docname.split('/')[-1]}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(run(source)), encoding="utf-8")
    return target


def site() -> str:
    """The published book's address, ending with a slash."""
    return str(citation.metadata()["url"]).rstrip("/") + "/"


def page_url(docname: str, anchor: str = "") -> str:
    return f"{site()}{docname}.html" + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1)
def citations(path: Path = BIBLIOGRAPHY) -> dict[str, tuple[str, str]]:
    """bibtex key -> (authors as cited, year or « s. d. »), read from the book's bibliography."""
    from pybtex.database import parse_file

    found = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names) for p in people]
        who = (names[0] if len(names) == 1 else f"{names[0]} et {names[1]}" if len(names) == 2
               else f"{names[0]} et al." if names else entry.fields.get("title", key))
        found[key] = (who, entry.fields.get("year", "s.\u00a0d."))
    return found


def _cite(match: re.Match) -> str:
    kind, keys = match.group(1) or "p", [k.strip() for k in match.group(2).split(",")]
    known = citations()
    parts = [f"{known[k][0]} ({known[k][1]})" if kind.startswith("t") else f"{known[k][0]}, {known[k][1]}"
             for k in keys]
    text = "\u00a0; ".join(parts)
    return f"[{text if kind.startswith('t') else f'({text})'}]({page_url(REFERENCES_PAGE)})"


def _glued(key: str, glue: dict) -> str:
    from myst_nb.core.variables import format_plain_text

    name, _, spec = key.partition(":")
    if name not in glue:
        raise KeyError(f"glue key {name!r} is not in the build's executed results")
    return format_plain_text(str(glue[name]["data"]["text/plain"]), spec)


def reader_markdown(text: str, docname: str, glue: dict, labels: dict[str, tuple[str, str, str]]) -> str:
    """A MyST markdown cell as plain Jupyter markdown (see the module docstring).

    `labels` maps a MyST label to (docname, anchor, section title), as Sphinx's std domain holds them.
    """
    def ref(match: re.Match) -> str:
        title, label = (match.group(1), match.group(2)) if match.group(2) else (None, match.group(3))
        label = label.strip()
        if label.endswith(".md") or "/" in label:  # a {doc} role: a page, not a label
            target = str((Path(docname).parent / label.removesuffix(".md")).as_posix())
            return f"[{title or label}]({page_url(os.path.normpath(target))})"
        doc, anchor, section = labels[label]
        return f"[{title or section}]({page_url(doc, anchor)})"

    def directive(match: re.Match) -> str:
        page = docname.split("/")[-1]
        return f"*Ce contenu est affiché dans le livre en ligne\u00a0: [{page}]({page_url(docname)}).*"

    text = _LABEL_LINE.sub("", text)
    text = _DIRECTIVE.sub(directive, text)
    text = _GLUE.sub(lambda m: _glued(m.group(1), glue), text)
    text = _REF.sub(ref, text)
    text = _CITE.sub(_cite, text)
    return _MD_LINK.sub(lambda m: f"]({_published(m.group(1), docname)})", text)


def _published(href: str, docname: str) -> str:
    """A link relative to the chapter's page, as an address in the published book."""
    path, _, anchor = href.partition("#")
    target = os.path.normpath((Path(docname).parent / path).as_posix()) if path else docname
    target = re.sub(r"\.(md|ipynb|html)$", "", target)
    if not re.search(r"\.\w+$", Path(target).name) or path.endswith((".md", ".html", ".ipynb")):
        return page_url(target, anchor)
    return site() + target + (f"#{anchor}" if anchor else "")


def _markup(output: dict) -> str | None:
    markup = output.get("data", {}).get("text/html")
    return "".join(markup) if isinstance(markup, list) else markup


def _notebook_width() -> int:
    from analysis.present.charts import NOTEBOOK_WIDTH  # Altair only for a page with a chart

    return NOTEBOOK_WIDTH


# Charts drawn, or being drawn, by spec: a build starts them as soon as the chapters have run, in the painter
# process (analysis.build.painter). The KEPT_CHARTS started last are kept.
_DRAWN: dict[str, Future] = {}
KEPT_CHARTS = 512


def draw_charts(executed_notebooks) -> None:
    """Start drawing every chart of these notebooks, in the painter process, and return: `_png` waits for the
    one it needs."""
    specs = {found.group(1) for notebook in executed_notebooks for cell in notebook.cells
             if cell.cell_type == "code" for output in cell.get("outputs", [])
             if (found := _SPEC.search(_markup(output) or ""))}
    for spec in sorted(specs - set(_DRAWN)):
        _DRAWN[spec] = painter.submit(painter.draw_png, spec, _notebook_width())
        if len(_DRAWN) > KEPT_CHARTS:
            del _DRAWN[next(iter(_DRAWN))]


def _png(spec: str) -> bytes:
    if spec not in _DRAWN:
        return painter.draw_png(spec, _notebook_width())
    return _DRAWN[spec].result()


def _reader_output(output: dict, docname: str) -> dict:
    """Book HTML output with links to the published book; a chart as a PNG drawn from its spec."""
    markup = _markup(output)
    if markup is None:
        return output
    spec = _SPEC.search(markup)
    if spec:
        title = painter.vega_lite(spec.group(1)).get("title")
        title = title.get("text") if isinstance(title, dict) else title
        title = title if isinstance(title, str) else " ".join(title or [])
        return {"output_type": "display_data", "metadata": {},
                "data": {"image/png": base64.b64encode(_png(spec.group(1))).decode("ascii"),
                         "text/plain": f"<graphique\u00a0: {title}>"}}
    markup = _HREF.sub(lambda m: m.group(1) + html.escape(_published(html.unescape(m.group(2)), docname)), markup)
    return {**output, "data": {**output["data"], "text/html": markup}}


def reader_notebook(executed, docname: str, labels: dict[str, tuple[str, str, str]]):
    """The chapter's executed notebook (from the build) as a notebook for readers and re-runners."""
    import copy

    import nbformat

    glue = glue_data(executed)
    notebook = copy.deepcopy(executed)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = reader_markdown(cell.source, docname, glue, labels)
        elif cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(_reader_output(o, docname)) for o in cell.get("outputs", [])
                            if not _is_glue_record(o)]
    chapter_dir = Path(docname).parent.as_posix()
    notebook.cells[:0] = [
        nbformat.v4.new_markdown_cell(
            f"Notebook exécuté de la page [{docname.split('/')[-1]}]({page_url(docname)}) du livre en ligne. "
            "Pour le relancer\u00a0: dans une copie du dépôt, `make install`, puis ouvrir ce fichier avec le "
            "noyau Python de `.venv` (par exemple avec `make lab`)."),
        nbformat.v4.new_code_cell(
            "# Rend importable le paquet `analysis` de la copie du dépôt qui contient ce notebook, et se place\n"
            "# dans le dossier du chapitre, comme pendant la construction du livre.\n"
            "import os, sys\nfrom pathlib import Path\n"
            "here = Path.cwd()\n"
            "root = next(p for p in [here, *here.parents] if (p / 'analysis' / '__init__.py').is_file())\n"
            f"sys.path.insert(0, str(root))\nos.chdir(root / {chapter_dir!r})"),
    ]
    return normalise(notebook)


GLUE_MIME = "application/papermill.record/"


def glue_data(executed) -> dict:
    """The values a notebook glued (`myst_nb.glue`), by name, read from its executed outputs."""
    found = {}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if _is_glue_record(output):
                name = output["metadata"]["scrapbook"]["name"]
                found[name] = {"data": {k.removeprefix(GLUE_MIME): v for k, v in output["data"].items()}}
    return found


def _is_glue_record(output: dict) -> bool:
    """myst-nb's glue outputs (scrapbook records): data for the book's roles, not something a reader sees."""
    return "scrapbook" in output.get("metadata", {})
