"""Readable HTML tables for the chapters: French headers, labels, numbers and dates; source ids as links.

One cell formatter (`cell`) serves every table of the book, chart fallback tables included: a gap
is shown as « — », a boolean as « oui »/« non », a number the French way (a year stays « 2012 »),
text with French typography. Coded values are replaced by their labels (`analysis.contract.labels`) when the
caller names the table the frame comes from.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import dates, labels, typography
from analysis.present import sources as sources_mod
from analysis.present.book import french_number

MISSING = "—"  # an empty cell: not documented in the public sources
GROUP_FROM = 10_000  # French usage: four-digit numbers (years, 1500) are written without a separator
FOLD_AFTER = 20  # a longer table is folded under its caption: the page stays readable, the rows one click away


def render(frame: pd.DataFrame, columns: dict[str, str], caption: str | None = None,
           row_ids: list[str] | None = None, raw: tuple[str, ...] = (), table: str | None = None,
           dated: dict[str, str] | None = None, fold: bool = True) -> str:
    """Keep and rename `columns` (name -> French header); `source_ids`/`url` become links.

    `row_ids` gives each body row an HTML id, so that other pages can link to one row; `raw` names
    columns the caller has already turned into escaped HTML. `table` names the package table the
    frame comes from: its coded fields are shown by their French label. `dated` maps a date column
    to the column holding its precision (`dates.french`). A table of more than `FOLD_AFTER` rows is
    folded (`folded`) unless `fold` is False (the caller folds it itself).
    """
    coded = frame
    frame = labels.relabel(frame, table) if table else frame
    shown = frame[list(columns)].rename_axis(columns=None).astype(object)  # a pivot's axis name is no header
    for name, precision in (dated or {}).items():
        if name in shown.columns:
            shown[name] = [dates.french(v, p) or None for v, p in zip(coded[name], coded[precision], strict=True)]
    link = sources_mod.linker() if "source_ids" in shown.columns else None  # one lookup for every cell
    for name in shown.columns:
        if name in raw:
            continue
        if name == "source_ids":
            shown[name] = shown[name].map(lambda v: MISSING if _missing(v) else link(v))
        elif name == "url":
            shown[name] = shown[name].map(lambda u: f'<a href="{html.escape(u)}">{html.escape(u)}</a>')
        else:
            shown[name] = shown[name].map(cell)
    body = shown.rename(columns=columns).to_html(index=False, escape=False, border=0,
                                                  classes="table data-table")
    if caption:
        body = body.replace(">\n  <thead>", f">\n  <caption>{html.escape(typography.fr(caption))}</caption>\n"
                                            "  <thead>", 1)
    if row_ids is not None:
        body = _with_row_ids(body, row_ids)
    if fold and len(frame) > FOLD_AFTER:
        body = folded(fold_summary(caption or "Tableau", len(frame)), body)
    return body


def fold_summary(caption: str, rows: int, noun: str = "ligne") -> str:
    """What a folded table says while closed: « Projets nommés, Mauricie (8 lignes, tableau) »."""
    return f"{caption} ({count(rows, noun)}, tableau)"


def folded(summary: str, body: str, open_: bool = False, chart_data: bool = False) -> str:
    """A long table folded in a <details> element under its chart.

    `chart_data` marks it as the data of the chart above it (the table a keyboard user reaches instead of
    the chart's tooltips), like `charts.table_fallback`.
    """
    state = " open" if open_ else ""
    css = "folded-table chart-fallback" if chart_data else "folded-table"
    summary = html.escape(typography.fr(summary), quote=False)
    return f"<details class='{css}'{state}><summary>{summary}</summary>{body}</details>"


def _with_row_ids(body: str, row_ids: list[str]) -> str:
    head, sep, rows = body.partition("<tbody>")
    parts = rows.split("<tr>")
    if len(parts) - 1 != len(row_ids):
        raise ValueError(f"{len(row_ids)} row ids for {len(parts) - 1} rows")
    tagged = [f'<tr id="{html.escape(rid)}">' + part for rid, part in zip(row_ids, parts[1:], strict=True)]
    return head + sep + parts[0] + "".join(tagged)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def number(value: float, decimals: int = 0) -> str:
    """A number in French: « 4 400 000 », « 2012 », « 0,35 »."""
    if decimals == 0 and abs(value) < GROUP_FROM:
        return f"{value:.0f}"
    return french_number(value, decimals)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """« 1 projet », « 2 projets », « 0 projet »: a count and its noun agreeing in number (French: 0 and 1 are
    singular). Each word of `singular` takes an « s » up to the first preposition (« projet financé » →
    « projets financés », « fait de l’étude » → « faits de l’étude »); `plural` is for the other nouns."""
    return f"{number(n)}\u00a0{agree(n, singular, plural)}"


def agree(n: int, singular: str, plural: str | None = None) -> str:
    """The words of `count` without the number, agreed with `n` (also for an adjective: « située(s) »)."""
    return singular if abs(n) < 2 else (plural if plural is not None else _plural(singular))


_INVARIANT_AFTER = {"de", "du", "des", "d’", "à", "au", "aux", "en", "sur", "dans", "pour", "avec", "par"}


def _plural(phrase: str) -> str:
    out, agree = [], True
    for word in phrase.split(" "):
        agree = agree and word not in _INVARIANT_AFTER and not word.startswith("d’")
        out.append(word + "s" if agree and not word.endswith(("s", "x", "z")) else word)
    return " ".join(out)


def cell(value: object) -> str:
    """One escaped table cell: a gap, a boolean, a number or text, in French."""
    if _missing(value):
        return MISSING
    if pd.api.types.is_bool(value):
        return labels.label("boolean", "true" if value else "false")
    if pd.api.types.is_integer(value):
        return number(int(value))
    if isinstance(value, float):
        return number(value) if value.is_integer() else number(value, 2).rstrip("0").rstrip(",")
    return html.escape(typography.fr(str(value)), quote=False)

