"""Shared fixtures: repository paths and the built book."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# BOOK_HTML lets a second checkout or a helper test a book built elsewhere (jb --path-output).
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))


@pytest.fixture(scope="session")
def built_html() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test builds it first)")
    return HTML


def book_pages(html_dir: Path = HTML) -> list[str]:
    """Every chapter page of the built book, relative to the HTML root."""
    return sorted(
        p.relative_to(html_dir).as_posix()
        for p in (html_dir / "book").rglob("*.html")
        if not p.name.startswith("_")
    )
