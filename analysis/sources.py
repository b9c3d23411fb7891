"""Sources and citations: turn `source_ids` cells into readable references."""

from __future__ import annotations

import html

import pandas as pd

from analysis import data


def links(source_ids: str, sources: pd.DataFrame | None = None) -> str:
    """HTML links for a `a;b` cell, each labelled by its id and titled by the document."""
    sources = data.load("sources") if sources is None else sources
    by_id = sources.set_index("source_id")
    parts = []
    for sid in data.split_ids(source_ids):
        row = by_id.loc[sid]
        parts.append(
            f'<a href="{html.escape(row["url"])}" title="{html.escape(row["title"])}">'
            f"{html.escape(sid)}</a>"
        )
    return ", ".join(parts)


def cited(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The frame's distinct cited sources, in first-citation order."""
    sources = data.load("sources") if sources is None else sources
    order = []
    for cell in frame["source_ids"]:
        order += [sid for sid in data.split_ids(cell) if sid not in order]
    return sources.set_index("source_id").loc[order].reset_index()
