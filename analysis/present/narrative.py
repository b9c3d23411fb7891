"""The regional narrative (`narratives.csv`): paragraphs in section order, each citing its rows.

A paragraph's `row_ids` name rows of any table of the package. On the page each id links to where
that row is shown: its line in a table of the same chapter (`row-<id>` anchors, see `row_anchor`)
or, for a source, its entry in the sources annex. That every number of a paragraph is held by a row
it cites is a rule of the validator (`narrative-number`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import pandas as pd

from analysis.contract import data, labels
from analysis.present import sources, typography

TABLE = "narratives"
BRIEF_PREFIX = "bref-"  # sections of one-sentence « En bref » points; the others are the narrative
ANCHOR_PREFIX = "row-"
MIN_WORDS = 300  # a region's narrative, once written, is at least this long
# Tables whose rows a regional chapter shows in a table with one anchor per row.
SHOWN_IN_CHAPTER = {"region_facts": "fact_id", "funding": "funding_id", "projects": "project_id",
                    "gaps": "gap_id", "territories": "territory_id", "coded_segments": "segment_id"}
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


def ref_links(row_ids: object, shown: set[str]) -> str:
    """`[id, id]` after a paragraph: each id links to its line in this chapter or to the sources annex."""
    known_sources = set(data.load("sources")["source_id"])
    parts = []
    for rid in data.split_ids(row_ids):
        if rid in shown:
            parts.append(f'<a href="#{html.escape(row_anchor(rid))}">{html.escape(rid)}</a>')
        elif rid in known_sources:
            parts.append(sources.links(rid))
        elif (first := _first_source(rid)) and (href := sources.annex_href(first)):
            # a row no table of the chapter shows (organisation, tie, event): its first source in the annex
            parts.append(f'<a class="row-id" href="{html.escape(href)}">{html.escape(rid)}</a>')
        else:
            parts.append(f'<span class="row-id">{html.escape(rid)}</span>')
    return f'<span class="row-refs">[{", ".join(parts)}]</span>' if parts else ""


def html_for(p, frame: pd.DataFrame | None = None) -> str:
    """The narrative of one region as HTML (a clear gap message while it is not written)."""
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
            parts.append(f"<p id='{html.escape(row_anchor(row['paragraph_id']))}'>"
                         f"{html.escape(typography.fr(row['text_fr']), quote=False)} "
                         f"{ref_links(row['row_ids'], shown)}</p>")
    parts.append("</div>")
    return "\n".join(parts)


def word_count(region_id: str, frame: pd.DataFrame | None = None) -> int:
    """Words of the region's narrative paragraphs (« En bref » points excluded)."""
    mine = rows(region_id, frame)
    text = " ".join(mine.loc[~mine["section"].str.startswith(BRIEF_PREFIX), "text_fr"])
    return len(_WORD.findall(text))
