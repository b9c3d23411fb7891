"""Sources and citations: turn `source_ids` cells into readable references."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from analysis.contract import data

# The « Sources » annex lists every document; each row carries the id `src-<source_id>`.
ANNEX = data.ROOT / "book" / "annexes" / "sources.md"
ANCHOR_PREFIX = "src-"
# Shown wherever a document the study team itself co-wrote is cited (`independent` false): it cannot
# corroborate the study the way an outside document can.
CO_PRODUCED = "coproduit par l’équipe de l’étude"


def co_produced(sources: pd.DataFrame | None = None) -> set[str]:
    """Ids of the public documents the study team co-produced; none when the table has no `independent`
    column. The study's own summary (the source of `study_facts`, the `etude` tier) is not flagged: it
    is cited as the study, never as an outside document."""
    sources = data.load("sources") if sources is None else sources
    if "independent" not in sources.columns:
        return set()
    flag = sources["independent"].astype("boolean")
    study = {sid for cell in data.load("study_facts")["source_ids"] for sid in data.split_ids(cell)}
    return set(sources.loc[flag.eq(False).fillna(False), "source_id"]) - study


def anchor(source_id: str) -> str:
    """The HTML id of a source's row in the annex."""
    return ANCHOR_PREFIX + source_id


def annex_href(source_id: str, page_dir: Path | None = None) -> str | None:
    """Relative link from a page's folder to the source's row in the annex.

    A chapter runs with its own folder as working directory (myst-nb and Jupyter both do), and the
    built HTML mirrors the source tree, so the default `page_dir` is the current directory. Outside
    the repository there is no annex to point to: None.
    """
    annex = _annex_address(page_dir)
    return None if annex is None else f"{annex}#{anchor(source_id)}"


def _annex_address(page_dir: Path | None) -> str | None:
    """The annex page's address relative to `page_dir` (default: the current directory), None outside the
    repository."""
    page_dir = Path.cwd() if page_dir is None else Path(page_dir)
    try:
        page_dir.resolve().relative_to(data.ROOT)
    except ValueError:
        return None
    return Path(os.path.relpath(ANNEX.with_suffix(".html"), page_dir.resolve())).as_posix()


def linker(sources: pd.DataFrame | None = None, page_dir: Path | None = None):
    """`links` for the many cells of one table or page: the sources, the co-produced ones and the annex's
    address are looked up once, not for every cell."""
    sources = data.load("sources") if sources is None else sources
    documents = sources.set_index("source_id")[["url", "title"]].to_dict("index")
    team = co_produced(sources)
    annex = _annex_address(page_dir)

    def link(source_ids: str) -> str:
        parts = []
        for sid in data.split_ids(source_ids):
            document = documents[sid]
            href = f"{annex}#{anchor(sid)}" if annex is not None else document["url"]
            note = f" <span class='source-coproduite'>({CO_PRODUCED})</span>" if sid in team else ""
            parts.append(f'<a href="{html.escape(href)}" title="{html.escape(document["title"])}">'
                         f"{html.escape(sid)}</a>{note}")
        return ", ".join(parts)

    return link


def links(source_ids: str, sources: pd.DataFrame | None = None, page_dir: Path | None = None) -> str:
    """HTML links for a `a;b` cell, each labelled by its id and titled by the document.

    Each id leads to the document's row in the « Sources » annex (title, date, what it documents and
    its address); outside the repository it falls back to the document's own address.
    """
    return linker(sources, page_dir)(source_ids)


def cited(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The frame's distinct cited sources, in first-citation order; a document the study team co-produced
    says so after its title, which every table of cited sources shows."""
    sources = data.load("sources") if sources is None else sources
    order = []
    for cell in frame["source_ids"]:
        order += [sid for sid in data.split_ids(cell) if sid not in order]
    out = sources.set_index("source_id").loc[order].reset_index()
    team = out["source_id"].isin(co_produced(sources))
    return out.assign(title=out["title"].where(~team, out["title"] + f" ({CO_PRODUCED})"))
