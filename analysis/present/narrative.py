"""The regional narrative (`narratives.csv`): paragraphs in section order, each citing its rows.

A paragraph's `row_ids` name rows of any table of the package. On the page each id becomes a short
numbered marker (`ref_links`) that links to where the row is shown: its line in a table of the same
chapter (`row-<id>` anchors, see `row_anchor`) or, for a source or a row no table shows, the source's
entry in the sources annex. The row id and its source's title appear on hover and keyboard focus;
the ids themselves stay in tables and notes, out of the prose. One row keeps one number on its page
(`start_page` resets the count). Each paragraph carries a permalink (¶) to its stable anchor.
That every number of a paragraph is held by a row it cites is a rule of the validator
(`narrative-number`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import pandas as pd

from analysis.contract import data, labels, typography
from analysis.present import sources
from analysis.study import statements

TABLE = "narratives"
BRIEF_PREFIX = statements.BRIEF_SECTION  # paragraphs the study model reads; the others are the narrative
ANCHOR_PREFIX = "row-"
MIN_WORDS = 300  # a region's narrative, once written, is at least this long
# Tables whose rows a regional chapter shows in a table with one anchor per row.
SHOWN_IN_CHAPTER = {"region_facts": "fact_id", "funding": "funding_id", "projects": "project_id",
                    "gaps": "gap_id", "territories": "territory_id", "coded_segments": "segment_id",
                    "cycles": "cycle_id"}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def row_anchor(row_id: str) -> str:
    """The HTML id of a row's line in a chapter table."""
    return ANCHOR_PREFIX + str(row_id)


def sections(brief: bool = False) -> list[str]:
    """Narrative sections (or « En bref » points) in the order of their label domain."""
    return [s for s in labels.mapping("narrative_section") if s.startswith(BRIEF_PREFIX) == brief]


def rows(region_id: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The region's rows, in section order then position."""
    frame = data.load(TABLE) if frame is None else frame
    order = {s: i for i, s in enumerate(sections(False) + sections(True))}
    mine = frame[frame["region_id"] == region_id]
    return (mine.assign(_order=mine["section"].map(order))
            .sort_values(["_order", "position"]).drop(columns="_order").reset_index(drop=True))


def shown_ids(p) -> set[str]:
    """Ids of the rows the region's chapter shows in its tables (each line has an anchor)."""
    return {str(i) for table, key in SHOWN_IN_CHAPTER.items() for i in getattr(p, table)[key]}


@lru_cache(maxsize=1)
def _row_sources() -> dict[str, str]:
    """Primary key -> `source_ids` cell, for every table of the package that cites sources."""
    found = {}
    for res in data.descriptor()["resources"]:
        key = res["schema"].get("primaryKey")
        names = {f["name"] for f in res["schema"]["fields"]}
        if isinstance(key, list) and len(key) == 1 and "source_ids" in names and res["name"] != TABLE:
            table = data.load(res["name"])
            found.update(zip(table[key[0]].astype(str), table["source_ids"].fillna(""), strict=True))
    return found


def _first_source(row_id: str) -> str | None:
    ids = data.split_ids(_row_sources().get(row_id, ""))
    return ids[0] if ids else None


_SEPARATOR = "<span class='sep'>,</span>"
_page_numbers: dict[str, int] = {}  # row id -> its marker number on the page being written


def start_page() -> None:
    """Number the markers of a new page from 1 (a chapter calls it once, before its first marker)."""
    _page_numbers.clear()


def marker_number(row_id: str) -> int:
    """The row's marker on the current page: the same row always gets the same number."""
    return _page_numbers.setdefault(row_id, len(_page_numbers) + 1)


def _source_title(row_id: str, known: pd.DataFrame) -> tuple[str | None, str | None]:
    """The source a marker leads to (the row itself when it is a source, else its first source) and its title."""
    sid = row_id if row_id in known.index else _first_source(row_id)
    return (sid, str(known.loc[sid, "title"])) if sid in known.index else (None, None)


def ref_links(row_ids: object, shown: set[str]) -> str:
    """Numbered markers after a paragraph, each leading to its row's line in this chapter or to its source.

    Hover and keyboard focus show the row id and the source's title (CSS tooltip from `data-tip`, the
    same words in `aria-label` for screen readers); the visible text is the number alone.
    """
    known = data.load("sources").set_index("source_id")
    parts = []
    for rid in data.split_ids(row_ids):
        number = marker_number(rid)
        sid, title = _source_title(rid, known)
        tip = typography.fr(f"{rid} — {title}") if title else rid
        label = html.escape(f"Renvoi {number}\u00a0: ligne {tip}")
        common = f'class="src-marker" data-tip="{html.escape(tip)}" aria-label="{label}"'
        if rid in shown:
            href = "#" + row_anchor(rid)
        else:
            # a source, or a row no table of the chapter shows (organisation, tie, event): its source in the annex
            href = sources.annex_href(sid) if sid else None
            href = href or (str(known.loc[sid, "url"]) if sid else None)
        if href:
            parts.append(f'<a {common} href="{html.escape(href)}">{number}</a>')
        else:
            parts.append(f'<span {common} role="note" tabindex="0">{number}</span>')
    return f'<sup class="row-refs">{_SEPARATOR.join(parts)}</sup>' if parts else ""


def permalink(anchor: str, what: str = "ce paragraphe") -> str:
    """A visible ¶ link to a paragraph's stable anchor, as Sphinx puts after headings."""
    text = f"Lien permanent vers {what}"
    return (f'<a class="paragraph-link" href="#{html.escape(anchor)}" title="{text}" '
            f'aria-label="{text}">¶</a>')


def html_for(p, frame: pd.DataFrame | None = None, after: dict[str, str] | None = None) -> str:
    """The narrative of one region as HTML (a clear gap message while it is not written).

    `after` maps a section to HTML shown after its paragraphs (a table the section's prose relies on).
    """
    after = after or {}
    region_id = str(p.region["region_id"])
    mine = rows(region_id, frame)
    mine = mine[~mine["section"].str.startswith(BRIEF_PREFIX)]
    if mine.empty:
        text = typography.fr(f"Récit régional non documenté : aucun paragraphe n'est encore rédigé pour la région "
                             f"{p.name} dans la table des récits. Les faits, montants et projets documentés "
                             "figurent dans les tableaux qui suivent.")
        return f"<p class='gap narrative-gap'>{html.escape(text, quote=False)}</p>"
    shown = shown_ids(p)
    names = labels.mapping("narrative_section")
    parts = ["<div class='regional-narrative'>"]
    for section in sections(False):
        part = mine[mine["section"] == section]
        parts.append(f"<h3 id='{html.escape(region_id)}-recit-{section}'>{html.escape(names[section])}</h3>")
        if part.empty:
            parts.append("<p class='gap'>Non documenté.</p>")
        for _, row in part.iterrows():
            anchor = row_anchor(row["paragraph_id"])
            parts.append(f"<p id='{html.escape(anchor)}' class='stable-anchor'>"
                         f"{html.escape(typography.fr(row['text_fr']), quote=False)}"
                         f"{ref_links(row['row_ids'], shown)} {permalink(anchor)}</p>")
        parts.append(after.get(section, ""))
    parts.append("</div>")
    return "\n".join(parts)


def word_count(region_id: str, frame: pd.DataFrame | None = None) -> int:
    """Words of the region's narrative paragraphs (« En bref » points excluded)."""
    mine = rows(region_id, frame)
    text = " ".join(mine.loc[~mine["section"].str.startswith(BRIEF_PREFIX), "text_fr"])
    return len(_WORD.findall(text))
