"""« En bref »: the box at the top of a regional chapter, one cited point per question.

Points drawn from the regional tables (envelope, territories, projects) are computed here; the
others are the region's `bref-*` rows of `narratives.csv`. A point the data does not document says
« non documenté ». Each point has a stable anchor `<region>-bref-<point>` so it can be cited.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import data, dates, labels
from analysis.present import book, narrative, tables, typography
from analysis.study.region import PAGSIS_YEARS

UNDOCUMENTED = "non documenté"
# Point -> heading, for the points computed from the tables (the others take their section label).
COMPUTED = {"enveloppe": "Enveloppe régionale", "territoires": "Territoires", "projets": "Projets"}
# Points whose rows are too many to list: they link to the chapter's table (its section anchor).
TABLE_SECTION = {"territoires": ("territoire", "tableau des territoires"),
                 "projets": ("projets", "tableau des projets")}
ORDER = ["direction", "enveloppe", "territoires", "projets", "priorites", "tension", "transition",
         "cycle-suivant"]
ENVELOPE_SCOPE = "enveloppe-regionale"
MINISTRY, SIGNS = "mess", "signe-avec"  # the Alliance is the ministry's agreement with the lead body


def anchor(region_id: str, point: str) -> str:
    return f"{region_id}-bref-{point}"


def points(p, frame: pd.DataFrame | None = None) -> list[dict]:
    """Each point: key, heading, text (HTML-safe French) and the ids of the rows it rests on."""
    region_id = str(p.region["region_id"])
    written = narrative.rows(region_id, frame)
    names = labels.mapping("narrative_section")
    computed = {"enveloppe": envelope(p), "territoires": territories(p), "projets": projects(p)}
    out = []
    for key in ORDER:
        if key == "direction" and (written["section"] == narrative.BRIEF_PREFIX + key).sum() == 0:
            text, ids = lead_body(p)
            out.append({"key": key, "heading": names[narrative.BRIEF_PREFIX + key], "text": text, "ids": ids})
            continue
        if key in computed:
            text, ids = computed[key]
            out.append({"key": key, "heading": COMPUTED[key], "text": text, "ids": ids})
            continue
        section = narrative.BRIEF_PREFIX + key
        mine = written[written["section"] == section]
        text = " ".join(html.escape(typography.fr(t), quote=False) for t in mine["text_fr"]) or UNDOCUMENTED
        ids = [i for cell in mine["row_ids"] for i in data.split_ids(cell)]
        out.append({"key": key, "heading": names[section], "text": text, "ids": ids})
    return out


def lead_body(p) -> tuple[str, list[str]]:
    """Without a written point: the organisation of the region with which the ministry signed the Alliance."""
    ties = p.ties[(p.ties["source_actor"] == MINISTRY) & (p.ties["relation"] == SIGNS)
                  & p.ties["target_actor"].isin(p.actors["actor_id"])]
    if ties.empty:
        return UNDOCUMENTED, []
    names = p.actors.set_index("actor_id")["name"]
    signers = list(dict.fromkeys(names[t] for t in ties["target_actor"]))
    text = f"{' ; '.join(signers)}, signataire de l'Alliance avec le ministère."
    ids = [i for _, r in ties.iterrows() for i in [r["tie_id"], *data.split_ids(r["source_ids"])]]
    return html.escape(typography.fr(text), quote=False), ids


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


def envelope(p) -> tuple[str, list[str]]:
    """The figure the edition retains, the figures that disagree with it, and those of later cycles."""
    rows = p.funding[p.funding["scope"] == ENVELOPE_SCOPE]
    if rows.empty:
        return UNDOCUMENTED, []
    retained = rows[rows["retained"].fillna(False).astype(bool)]
    rest = rows.drop(retained.index)
    later = rest[rest.apply(_later_cycle, axis=1)] if len(rest) else rest
    rivals = rest.drop(later.index)
    parts = []
    if len(retained):
        r = retained.iloc[0]
        parts.append(f"{_amount(r['amount'])} ({_period(r)}), chiffre retenu par l'édition")
    else:
        parts.append("aucun chiffre n'est retenu par l'édition pour 2010-2015")
    for frame, one, many in ((rivals, "autre chiffre publié pour la même période",
                              "autres chiffres publiés pour la même période"),
                             (later, "chiffre du cycle suivant, après 2015",
                              "chiffres des cycles suivants, après 2015")):
        if len(frame):
            listed = " ; ".join(f"{_amount(r['amount'])} ({_period(r)})" for _, r in frame.iterrows())
            parts.append(f"{one if len(frame) == 1 else many} : {listed}")
    ids = [i for _, r in pd.concat([retained, rivals, later]).iterrows()
           for i in [r["funding_id"], *data.split_ids(r["source_ids"])]]
    return typography.fr(" ; ".join(parts) + "."), ids


def territories(p) -> tuple[str, list[str]]:
    """How many territories of each kind, under the labels of the `territory_kind` domain."""
    if p.territories.empty:
        return UNDOCUMENTED, []
    kinds = labels.mapping("territory_kind")
    counts = p.territories["kind"].value_counts()
    listed = ", ".join(f"{html.escape(label, quote=False)} ({counts[kind]})"
                       for kind, label in kinds.items() if kind in counts)
    total = len(p.territories)
    return typography.fr(f"{total} territoire{'s' if total > 1 else ''} : {listed}."), []


def projects(p) -> tuple[str, list[str]]:
    """Projects the sources name, and the project counts they state (with the date of each)."""
    named = len(p.projects)
    stated = p.stated_project_counts.sort_values(["date", "fact_id"], na_position="last")
    if not named and stated.empty:
        return UNDOCUMENTED, []
    parts = [f"{named} projet{'s' if named > 1 else ''} nommé{'s' if named > 1 else ''} dans les sources"
             if named else "aucun projet nommé dans les sources"]
    if stated.empty:
        parts.append("aucun nombre de projets énoncé par une source")
    else:
        counts = []
        for _, row in stated.iterrows():
            when = dates.french(row["date"], row["date_precision"]) or "date non documentée"
            counts.append(f"{tables.cell(row['value'])} {html.escape(str(row['unit']))} ({when})")
        parts.append("nombres de projets énoncés par les sources : " + " ; ".join(counts))
    ids = [i for _, r in stated.iterrows() for i in [r["fact_id"], *data.split_ids(r["source_ids"])]]
    return typography.fr(" ; ".join(parts) + "."), ids


def html_for(p, frame: pd.DataFrame | None = None) -> str:
    region_id = str(p.region["region_id"])
    shown = narrative.shown_ids(p)
    items = []
    for point in points(p, frame):
        text = point["text"]
        css = " class='gap'" if text == UNDOCUMENTED else ""
        refs = narrative.ref_links(";".join(point["ids"]), shown) if point["ids"] else ""
        if point["key"] in TABLE_SECTION and text != UNDOCUMENTED:
            section, name = TABLE_SECTION[point["key"]]
            refs = f"<a class='bref-table' href='#{region_id}-{section}'>{name}</a> {refs}"
        heading = html.escape(typography.fr(point["heading"]), quote=False)
        items.append(f"<li id='{anchor(region_id, point['key'])}' class='stable-anchor'>"
                     f"<strong>{heading}.</strong> <span{css}>{text}</span> {refs}</li>")
    return (f"<div class='admonition en-bref stable-anchor' id='{region_id}-bref' role='note'>"
            "<p class='admonition-title'>En bref</p>"
            f"<ul class='bref-points'>{''.join(items)}</ul></div>")
