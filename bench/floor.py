"""The floor of a book build: every chapter's code cells run in one Python process, no book machinery.

`python bench/floor.py [ROOT]` reads the chapters listed in `_toc.yml`, extracts the code cells of each
MyST notebook with jupytext, and runs them in one IPython shell (no kernel, no Sphinx), in the chapter's
folder, with the book-build environment variable set so charts go through the offline renderer. The
shell formats every displayed value as the kernel would (so each Altair chart is really turned into its
HTML), and any failing cell stops the run with the chapter and the cell. It prints one JSON line:
seconds per chapter, import seconds of the first chapter, and the total.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from analysis.contract.env import BOOK_BUILD


def chapters(root: Path) -> list[Path]:
    """The MyST notebooks of `_toc.yml` (pages with a jupytext header), in table-of-contents order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    paths = [root / f"{f}.md" for f in files if (root / f"{f}.md").exists()]
    return [p for p in paths if p.read_text(encoding="utf-8").lstrip().startswith("---")
            and "jupytext" in p.read_text(encoding="utf-8").split("---")[1]]


def code_cells(path: Path) -> list[str]:
    import jupytext

    notebook = jupytext.read(path, fmt="md:myst")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def run(root: Path) -> dict:
    from IPython.core.interactiveshell import InteractiveShell

    os.environ.setdefault(BOOK_BUILD, "1")  # the variable _ext/vega_bundle.py sets for kernels
    shell = InteractiveShell.instance()
    seconds = {}
    cells = 0
    for path in chapters(root):
        sources = code_cells(path)
        start = time.perf_counter()
        os.chdir(path.parent)  # a kernel runs in the notebook's folder
        for i, source in enumerate(sources, 1):
            result = shell.run_cell(source, store_history=False, silent=False)
            if not result.success:
                error = result.error_in_exec or result.error_before_exec
                raise SystemExit(f"{path.relative_to(root)}: code cell {i} failed: {error!r}")
        cells += len(sources)
        seconds[path.relative_to(root).as_posix()] = round(time.perf_counter() - start, 3)
    return {"chapters": len(seconds), "cells": cells, "seconds_per_chapter": seconds}


if __name__ == "__main__":
    started = time.perf_counter()
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
    sys.path.insert(0, str(root))
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # the shell prints what each cell displays
    try:
        result = run(root)
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout
    result["seconds_in_process"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result))
