"""« En bref »: the box at the top of a regional chapter, one cited point per question.

Each point renders a statement of the study model (`analysis.study.statements`), the same result the
comparative chapters show; the box adds only what helps a reader beside it (the other published
figures, the other stated counts, the local priorities). A point the sources do not document says
« non documenté dans les sources publiques ». Each point has a stable anchor
`<region>-bref-<point>` so it can be cited.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import data, dates, typography
from analysis.present import book, glossary, narrative, statement, tables
from analysis.study import statements
from analysis.study.region import PAGSIS_YEARS

# Statements the box shows, in the order of the `statement` domain; the others belong to the
# comparative chapters, and the successor's kind of body goes with the successor.
SHOWN = frozenset({"lead-body", "project-choice", "envelope", "territories", "projects-stated",
                   "projects-named", "priorities", "tension", "transition", "successor"})
WITH = {"successor": "successor-kind"}
# Their notes say which territory a value is about, or why a successor is uncertain or unknown.
WITH_NOTES = frozenset({"priorities", "projects-stated", "successor"})
# Anchor of each point (kept from the earlier box, so published links still resolve).
ANCHORS = {"lead-body": "direction", "project-choice": "choix-projets", "envelope": "enveloppe",
           "territories": "territoires", "projects-stated": "projets", "projects-named": "projets-nommes",
           "priorities": "priorites", "tension": "tension", "transition": "transition",
           "successor": "cycle-suivant"}
# Points whose rows are too many to list: they link to the chapter's table (its section anchor).
TABLE_SECTION = {"territories": ("territoire", "tableau des territoires"),
                 "projects-named": ("projets", "tableau des projets")}


def anchor(region_id: str, point: str) -> str:
    return f"{region_id}-bref-{point}"


def points(region_id: str) -> list[dict]:
    """Each point: key (its anchor name), heading, html (marked statements and notes) and row ids."""
    model = statements.of_region(region_id)
    extras = {"envelope": envelope_notes, "projects-stated": other_counts}
    out = []
    for key, st in model.items():
        if key not in SHOWN:
            continue
        parts = [statement.html(st)]
        ids = list(st.row_ids)
        if key in WITH:
            kind = model[WITH[key]]
            parts.append(f"— {statement.html(kind)}")
            ids += [i for i in kind.row_ids if i not in ids]
        notes = list(st.notes_fr) if key in WITH_NOTES else []
        if key in extras:
            note, more = extras[key](region_id, st)
            notes += [note] if note else []
            ids += [i for i in more if i not in ids]
        if notes:
            parts.append(html.escape(statement.curly(typography.fr(" ".join(notes))), quote=False))
        out.append({"key": ANCHORS[key], "statement": key, "heading": statement.heading(key),
                    "html": " ".join(parts), "ids": ids, "documented": st.documented})
    return out


def _amount(value: float) -> str:
    return book.french_number(value) + "\u00a0$"


def _period(row: pd.Series) -> str:
    start, end = row["period_start"], row["period_end"]
    if pd.isna(start) and pd.isna(end):
        return "période non précisée"
    if pd.isna(start):
        return f"jusqu'en {tables.cell(end)}"
    return f"{tables.cell(start)}-{tables.cell(end)}" if not pd.isna(end) else f"dès {tables.cell(start)}"


def _later_cycle(row: pd.Series) -> bool:
    """An amount of a later plan (it starts or ends after the Alliance's period), not a rival figure."""
    start = pd.to_numeric(row["period_start"], errors="coerce")
    end = pd.to_numeric(row["period_end"], errors="coerce")
    last = PAGSIS_YEARS[1]
    return bool((not pd.isna(start) and start > last) or (not pd.isna(end) and end > last + 1))


def envelope_notes(region_id: str, st: statements.Statement) -> tuple[str, list[str]]:
    """Beside the retained figure: the figures that disagree with it, and those of later cycles."""
    funding = data.load("funding")
    rows = funding[(funding["region_id"] == region_id) & (funding["scope"] == statements.ENVELOPE_SCOPE)]
    rest = rows[~rows["funding_id"].isin(st.value_ids)]
    later = rest[rest.apply(_later_cycle, axis=1)] if len(rest) else rest
    rivals = rest.drop(later.index)
    parts = [f"({_period(rows[rows['funding_id'] == st.value_ids[0]].iloc[0])}, chiffre retenu par l'édition)."
             if st.documented else ""]
    for frame, one, many in ((rivals, "Autre chiffre publié pour la même période",
                              "Autres chiffres publiés pour la même période"),
                             (later, "Chiffre du cycle suivant, après 2015",
                              "Chiffres des cycles suivants, après 2015")):
        if len(frame):
            listed = " ; ".join(f"{_amount(r['amount'])} ({_period(r)})" for _, r in frame.iterrows())
            parts.append(f"{one if len(frame) == 1 else many} : {listed}.")
    ids = [i for _, r in pd.concat([rivals, later]).iterrows()
           for i in [r["funding_id"], *data.split_ids(r["source_ids"])]]
    return " ".join(p for p in parts if p), ids


def other_counts(region_id: str, st: statements.Statement) -> tuple[str, list[str]]:
    """The other project counts the sources state, each with its date (the largest is the statement)."""
    stated = statements.stated_counts(region_id)
    rest = stated[~stated["fact_id"].isin(st.value_ids)]
    if rest.empty:
        return "", []
    listed = " ; ".join(f"{statement.count(r['value'], 'projet')} "
                        f"({dates.french(r['date'], r['date_precision']) or 'source non datée'})"
                        for _, r in rest.iterrows())
    ids = [i for _, r in rest.iterrows() for i in [r["fact_id"], *data.split_ids(r["source_ids"])]]
    return f"Autres nombres énoncés, souvent pour un seul territoire : {listed}.", ids


def html_for(p) -> str:
    region_id = str(p.region["region_id"])
    shown = narrative.shown_ids(p)
    items = []
    for point in points(region_id):
        refs = narrative.ref_links(";".join(point["ids"]), shown) if point["ids"] else ""
        if point["statement"] in TABLE_SECTION and point["documented"]:
            section, name = TABLE_SECTION[point["statement"]]
            refs = f"<a class='bref-table' href='#{region_id}-{section}'>{name}</a>"  # its rows are the table
        heading = html.escape(point["heading"], quote=False)
        items.append(f"<li id='{anchor(region_id, point['key'])}' class='stable-anchor'>"
                     f"<strong>{heading}.</strong> {point['html']} {refs}</li>")
    points_html = "".join(items)
    return (f"<div class='admonition en-bref stable-anchor' id='{region_id}-bref' role='note'>"
            "<p class='admonition-title'>En bref</p>"
            f"<ul class='bref-points'>{points_html}</ul>{acronym_legend(points_html)}</div>")


def acronym_legend(markup: str) -> str:
    """The acronyms the box uses, spelled out: a printed page has no tooltip to expand them."""
    used = glossary.expansions(markup)
    if not used:
        return ""
    listed = " ; ".join(f"{a}, {html.escape(e, quote=False)}" for a, e in used)
    return f"<p class='bref-sigles'>{statement.curly(typography.fr(f'Sigles : {listed}.'))}</p>"
