"""Each chapter as an executed Jupyter notebook: MyST source -> jupytext -> nbconvert, fresh kernel.

`python -m analysis notebook CHAPTER [--out DIR]` writes one; the book build writes every chapter's
into `<html>/telechargements/notebooks/` (see _ext/reproduction.py), from a cache keyed on the
chapter's text and on everything it reads, so an unchanged chapter is not executed twice.

The kernel runs without the book-build flag, so charts come out as PNG images drawn locally by
vl-convert (analysis.present.charts.notebook_renderer): they show in Jupyter without internet, even before
the notebook is trusted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from analysis.build import inputs
from analysis.contract.data import ROOT

DOWNLOAD_DIR = "telechargements/notebooks"  # inside the built HTML
BOOK_BUILD_ENV = "ALLIANCES_BOOK_BUILD"  # analysis.present.charts reads it; a re-runner's kernel never has it
TIMEOUT = 300
KERNEL = "python3"
CACHE_VERSION = "1"
# a restricted edition's interview files (analysis/interviews/reader.py)
RESTRICTED_ENV = "ALLIANCES_INTERVIEWS_DIR"


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
    env = {k: v for k, v in os.environ.items() if k != BOOK_BUILD_ENV}
    env["PYTHONHASHSEED"] = "0"
    return env


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


def inputs_digest(root: Path = ROOT) -> str:
    """One hash of everything a chapter reads besides its own text (analysis.build.inputs)."""
    restricted = os.environ.get(RESTRICTED_ENV, "").strip()
    # never serve a public notebook to a restricted build, nor the reverse
    edition = "restricted" if restricted else "public"
    return f"{CACHE_VERSION}-{edition}-" + inputs.fingerprint(root, Path(restricted) if restricted else None)


def build_all(outdir: Path, cache_dir: Path, docnames: Iterable[str], jobs: int = 2,
              root: Path = ROOT, log=print) -> list[Path]:
    """Every chapter's executed notebook under `outdir/<docname>.ipynb`, reusing the cache when the
    chapter's text and its inputs are unchanged. Returns the written paths."""
    shared = inputs_digest(root)
    cache_dir.mkdir(parents=True, exist_ok=True)
    plan = []
    for docname in docnames:
        source = root / f"{docname}.md"
        if not source.exists():
            continue
        key = hashlib.sha256(shared.encode() + source.read_bytes()).hexdigest()[:20]
        plan.append((docname, source, cache_dir / f"{docname.replace('/', '--')}-{key}.ipynb"))

    todo = [(docname, source, cached) for docname, source, cached in plan if not cached.exists()]
    if todo:
        log(f"notebooks: executing {len(todo)} of {len(plan)} with nbconvert "
            f"({len(plan) - len(todo)} unchanged, from the cache)")

    def one(item):
        docname, source, cached = item
        text = dumps(run(source))
        for stale in cache_dir.glob(f"{docname.replace('/', '--')}-*.ipynb"):
            stale.unlink()
        cached.write_text(text, encoding="utf-8")
        log(f"notebooks: {docname} executed")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(one, item) for item in todo]:
            future.result()  # the first failure stops the build with its cell error

    written = []
    for docname, _source, cached in plan:
        target = Path(outdir) / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cached.read_bytes())
        written.append(target)
    return written
