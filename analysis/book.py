"""Helpers chapters call in their first (hidden) cell and for small prose values."""

from __future__ import annotations

from analysis import charts


def setup() -> None:
    """Prepare a chapter's kernel: chart theme and the offline renderer for book builds."""
    charts.setup()


def year(date: str) -> int:
    """The year of a full or partial ISO date (`2011`, `2011-07`, `2011-07-06`)."""
    return int(str(date)[:4])


def french_number(value: float, decimals: int = 0) -> str:
    """Format a number the French way: thin no-break spaces between thousands, comma decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def page_href(doc: str, anchor: str | None = None) -> str:
    """Relative link from the running chapter (its folder is the working directory) to a page of the book."""
    import os
    from pathlib import Path

    from analysis.data import ROOT

    target = os.path.relpath(ROOT / f"{doc}.html", Path.cwd().resolve())
    return Path(target).as_posix() + (f"#{anchor}" if anchor else "")
