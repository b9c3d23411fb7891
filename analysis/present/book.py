"""Helpers chapters call in their first (hidden) cell and for small prose values.

Importing this module is cheap: Altair (about half a second per kernel) is only loaded by pages that
draw a chart, i.e. that import `analysis.present.charts` themselves or through a module that draws.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from analysis.contract.data import ROOT

_setup_requested = False


def setup() -> None:
    """Prepare a chapter's kernel: chart theme and the offline renderer for book builds.

    Done at once when `analysis.present.charts` is already imported, otherwise by `analysis.present.charts` when a
    page first imports it (see `setup_requested`): a page without charts never loads Altair.
    """
    global _setup_requested
    _setup_requested = True
    charts = sys.modules.get("analysis.present.charts")
    if charts is not None:
        charts.setup()


def setup_requested() -> bool:
    """Whether this kernel asked for the book's chart setup (read by analysis.present.charts on import)."""
    return _setup_requested


def year(date: str) -> int:
    """The year of a full or partial ISO date (`2011`, `2011-07`, `2011-07-06`)."""
    return int(str(date)[:4])


def french_number(value: float, decimals: int = 0) -> str:
    """Format a number the French way: thin no-break spaces between thousands, comma decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def page_href(doc: str, anchor: str | None = None) -> str:
    """Relative link from the running chapter (its folder is the working directory) to a page of the book."""
    target = os.path.relpath(ROOT / f"{doc}.html", Path.cwd().resolve())
    return Path(target).as_posix() + (f"#{anchor}" if anchor else "")
