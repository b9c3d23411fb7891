"""A study-model statement as the reader sees it: French text, and a marked span in the page.

Every page that shows a region-level statement goes through `html`, which marks the span with the
statement's key, region and value (`data-enonce`, `data-region`, `data-valeur`): the built-book
test reads these marks on every page and fails when two pages show a statement differently.
"""

from __future__ import annotations

import html as html_mod

from analysis.contract import dates, labels, typography
from analysis.present import book, tables
from analysis.study.statements import READING, UNDOCUMENTED, Statement

CSS_CLASS = "enonce"


count = tables.count  # « 1 projet », « 71 projets »: the book's one count helper, by the name brief.py uses


def text(st: Statement) -> str:
    """The statement in French words (typography applied, no HTML)."""
    if st.status == UNDOCUMENTED:
        return labels.label("statement_status", UNDOCUMENTED)
    if st.quantity is not None and not st.label_fr:
        if st.unit == "$":
            out = f"{book.french_number(st.quantity)}\u00a0$"
        else:
            out = count(st.quantity, st.unit.rstrip("s"))
            when = dates.french(st.date, st.date_precision) if st.date else ""
            if st.key == "projects-stated":
                out += f" ({when})" if when else " (source non datée)"
    else:
        out = st.label_fr
    if st.status == READING:
        out += f" ({labels.label('statement_status', READING)})"
    return curly(typography.fr(out))


def curly(text: str) -> str:
    """The apostrophe a French reader expects (’), in text that holds no markup."""
    return text.replace("'", "’")


def heading(key: str) -> str:
    """The French name of a statement (labels.csv, domain statement)."""
    return curly(typography.fr(labels.label("statement", key)))


def html(st: Statement) -> str:
    """The statement's text in a span marked with what it states (escaped, ready for a table cell)."""
    css = f"{CSS_CLASS} gap" if st.status == UNDOCUMENTED else CSS_CLASS
    value = html_mod.escape(st.value, quote=True)
    return (f"<span class='{css}' data-enonce='{st.key}' data-region='{st.region_id}' data-valeur='{value}'>"
            f"{html_mod.escape(text(st), quote=False)}</span>")


def grid(side, keys: list[str], caption: str, row_prefix: str, extra: dict[str, str] | None = None) -> str:
    """A table with one row per region (`<row_prefix>-<region>` ids) and one column per statement
    (marked spans), in the order of `keys`; `extra` adds plain columns of `side` after them."""
    shown = side.assign(**{f"html_{k}": side[f"st_{k}"].map(html) for k in keys})
    columns = {"region": "Région", **{f"html_{k}": heading(k) for k in keys}, **(extra or {})}
    return tables.render(shown, columns, caption=caption, raw=tuple(f"html_{k}" for k in keys),
                         row_ids=[f"{row_prefix}-{r}" for r in side["region_id"]])
