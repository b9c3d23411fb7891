"""Readable HTML tables for the chapters: French headers, source ids as links, gaps shown as gaps."""

from __future__ import annotations

import html

import pandas as pd

from analysis import sources as sources_mod

MISSING = "—"  # an empty cell: not documented in the public sources


def render(frame: pd.DataFrame, columns: dict[str, str], caption: str | None = None,
           row_ids: list[str] | None = None, raw: tuple[str, ...] = ()) -> str:
    """Keep and rename `columns` (name -> French header); `source_ids`/`url` become links.

    `row_ids` gives each body row an HTML id, so that other pages can link to one row; `raw` names
    columns the caller has already turned into escaped HTML.
    """
    shown = frame[list(columns)].astype(object)
    for name in shown.columns:
        if name in raw:
            continue
        if name == "source_ids":
            shown[name] = shown[name].map(sources_mod.links)
        elif name == "url":
            shown[name] = shown[name].map(lambda u: f'<a href="{html.escape(u)}">{html.escape(u)}</a>')
        else:
            shown[name] = shown[name].map(_escape)
    body = shown.rename(columns=columns).to_html(index=False, escape=False, border=0,
                                                  classes="table data-table")
    if caption:
        body = body.replace(">\n  <thead>", f">\n  <caption>{html.escape(caption)}</caption>\n  <thead>", 1)
    if row_ids is not None:
        body = _with_row_ids(body, row_ids)
    return body


def _with_row_ids(body: str, row_ids: list[str]) -> str:
    head, sep, rows = body.partition("<tbody>")
    parts = rows.split("<tr>")
    if len(parts) - 1 != len(row_ids):
        raise ValueError(f"{len(row_ids)} row ids for {len(parts) - 1} rows")
    tagged = [f'<tr id="{html.escape(rid)}">' + part for rid, part in zip(row_ids, parts[1:], strict=True)]
    return head + sep + parts[0] + "".join(tagged)


def _escape(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if pd.api.types.is_bool(value):
        return "oui" if value else "non"
    if pd.api.types.is_integer(value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return html.escape(str(value))
