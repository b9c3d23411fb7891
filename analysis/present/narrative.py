"""The regional narrative (`narratives.csv`): paragraphs in section order, each citing its rows.

A paragraph's `row_ids` name rows of any table of the package. On the page each id links to where
that row is shown: its line in a table of the same chapter (`row-<id>` anchors, see `row_anchor`)
or, for a source, its entry in the sources annex. `unsupported_numbers` lists the numbers of a
paragraph that none of its rows holds (tests check there are none).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.contract import data, labels
from analysis.present import sources, typography
from analysis.study import statements

TABLE = "narratives"
BRIEF_PREFIX = statements.BRIEF_SECTION  # paragraphs the study model reads; the others are the narrative
ANCHOR_PREFIX = "row-"
MIN_WORDS = 300  # a region's narrative, once written, is at least this long
# Tables whose rows a regional chapter shows in a table with one anchor per row.
SHOWN_IN_CHAPTER = {"region_facts": "fact_id", "funding": "funding_id", "projects": "project_id",
                    "gaps": "gap_id", "territories": "territory_id", "coded_segments": "segment_id",
                    "cycles": "cycle_id"}
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?")
_SCALE = re.compile(r"^\s*(M\s?\$|millions?|G\s?\$|milliards?|k\s?\$)", re.I)
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
            parts.append(f"<p id='{html.escape(row_anchor(row['paragraph_id']))}'>"
                         f"{html.escape(typography.fr(row['text_fr']), quote=False)} "
                         f"{ref_links(row['row_ids'], shown)}</p>")
        parts.append(after.get(section, ""))
    parts.append("</div>")
    return "\n".join(parts)


def word_count(region_id: str, frame: pd.DataFrame | None = None) -> int:
    """Words of the region's narrative paragraphs (« En bref » points excluded)."""
    mine = rows(region_id, frame)
    text = " ".join(mine.loc[~mine["section"].str.startswith(BRIEF_PREFIX), "text_fr"])
    return len(_WORD.findall(text))


def numbers(text: str) -> set[float]:
    """Numbers a text states, « 4,4 M$ » read as 4 400 000 and « 4 400 000 » as one number."""
    found = set()
    for match in _NUMBER.finditer(str(text)):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
        value = float(raw)
        scale = _SCALE.match(str(text)[match.end():])
        if scale:
            unit = scale.group(1).lower()
            value *= 1e6 if unit.startswith("m") else 1e9 if unit.startswith("g") else 1e3
        found.add(round(value, 6))
    return found


@lru_cache(maxsize=4)
def _row_index(data_dir: Path) -> dict[str, dict]:
    """id -> row (as a dict) for every table of the package with a one-field key."""
    index: dict[str, dict] = {}
    for res in data.descriptor(data_dir)["resources"]:
        key = res["schema"].get("primaryKey", [])
        if len(key) != 1 or res["name"] == TABLE:
            continue
        frame = data.load(res["name"], data_dir)
        for record in frame.to_dict("records"):
            index.setdefault(str(record[key[0]]), record)
    return index


def row_numbers(row_ids: object, data_dir: Path = data.DATA_DIR) -> set[float]:
    """Every number the cited rows hold, in a numeric cell or inside their text."""
    index = _row_index(Path(data_dir))
    found: set[float] = set()
    for rid in data.split_ids(row_ids):
        if rid not in index:
            raise KeyError(f"{TABLE}: row id {rid!r} is in no table of the package")
        for value in index[rid].values():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                found.add(round(float(value), 6))
            else:
                found |= numbers(str(value))
    return found


def unsupported_numbers(text: str, row_ids: object, data_dir: Path = data.DATA_DIR) -> list[float]:
    """Numbers of a paragraph that none of its cited rows holds."""
    return sorted(numbers(text) - row_numbers(row_ids, data_dir))
