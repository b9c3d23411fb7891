"""The study model: one function per region-level statement that more than one page shows.

Every page that shows one of these statements (« En bref », « Côte à côte », « Gouvernance »,
« Après 2015 », « Synthèse », « L'essentiel ») renders the `Statement` returned here, so two pages
can never disagree. Nothing here returns HTML or formats a number: `analysis.present.statement`
turns a statement into French text and marks it in the page (the built-book test reads the marks).

Functions (each takes a region id and an optional `data_dir`, and returns a `Statement`):

- `lead_body` — the body the ministry signed the Alliance with in 2010-2015 (value: actor ids);
  failing a signature, the body it funded (status: edition's reading).
- `project_choice` — who chose the projects and how the money was shared (governance finding
  `decision`; value: evidence id).
- `decision_sharing` — how decisions were shared between the region and the MRC (finding `role-mrc`).
- `leadership` — single or shared direction (finding `direction`).
- `envelope` — the regional envelope the edition retains for 2010-2015 (quantity in dollars,
  value: funding id).
- `territories` — the region's territories by kind (value: kind ids; quantity: how many).
- `projects_stated` — the largest project count a source states (quantity, value: fact id); shown
  before `projects_named`.
- `projects_named` — how many funded projects the sources name (quantity, value: project ids).
- `priorities` — the regional priorities of the plan when a source states them; otherwise
  undocumented, with the local priorities that are known as notes.
- `tension` — the main tension of 2010-2014 (the region's `bref-tension` paragraph).
- `transition` — who took over when the CRÉ was abolished (the `bref-transition` paragraph).
- `successor` — the mandataire of the 2017-2023 Alliance (`cycles.csv`; value: actor id); the
  cycle row's note comes with it when its confidence is not high (sources that disagree) or when
  the mandataire is unknown.
- `successor_kind` — its kind of body, elected officials or social development (`cycles.csv`
  `body_kind`; the classification is the edition's reading).

Also: `ministry()` (the id of the ministry that signs every Alliance, read from the data),
`KEYS` (statement keys in the order of the `statement` domain of labels.csv), `of_region(region_id)`
(every statement of a region, in that order) and `frame()` (one row per region × statement).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.contract import data, labels

DOCUMENTED, UNDOCUMENTED, READING = "documented", "undocumented", "edition-reading"  # domain statement_status
SIGNS, FUNDS = "signe-avec", "finance"
NATIONAL = "national"
PAGSIS_PHASE = "pagsis"  # tie_phases: the Alliance's implementation, 2010-2015
ENVELOPE_SCOPE = "enveloppe-regionale"
FIRST_NATIONS_KIND = "territoire-autochtone"  # territory kind of a First Nations community
STATED_TOPIC, STATED_UNIT = "nombre-de-projets", "projets"  # a count of organisations is not a count of projects
PRIORITIES_TOPIC = "priorites"  # region_facts and gaps rows about the plan's priorities
NEXT_CYCLE = "alliance-2017-2023"  # cycles.csv: the Alliance that followed the 2010-2015 one
SURE = "elevee"  # confidence of a row read in a primary source: its value needs no note beside it
BRIEF_SECTION = "bref-"  # narratives.csv sections the model reads (tension, transition)
# Statement key -> governance_evidence aspect (its French name is in labels.csv, domain governance_aspect).
GOVERNANCE = {"project-choice": "decision", "decision-sharing": "role-mrc", "leadership": "direction"}


@dataclass(frozen=True)
class Statement:
    """One region-level statement as data.

    `value_ids` name what is stated (actor, evidence, kind, funding, project or paragraph ids);
    `label_fr` says it in French words (empty for a bare quantity, which the present layer formats);
    `row_ids` are the package rows it rests on; `notes_fr` are what a reader needs beside the value
    (a divergent figure, the local priorities when the regional ones are unknown)."""

    region_id: str
    key: str
    status: str
    value_ids: tuple[str, ...] = ()
    label_fr: str = ""
    quantity: float | None = None
    unit: str = ""
    date: str | None = None
    date_precision: str | None = None
    row_ids: tuple[str, ...] = ()
    notes_fr: tuple[str, ...] = ()

    @property
    def documented(self) -> bool:
        return self.status != UNDOCUMENTED

    @property
    def value(self) -> str:
        """What two pages must agree on: the ids stated, or the quantity, or the status."""
        if self.value_ids:
            return ";".join(self.value_ids)
        if self.quantity is not None:
            return f"{self.quantity:g}"
        return self.status


def _gap(region_id: str, key: str, row_ids: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> Statement:
    return Statement(region_id, key, UNDOCUMENTED, row_ids=row_ids, notes_fr=notes)


def _ids(cells) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for cell in cells for i in data.split_ids(cell)))


def _region_actors(region_id: str, data_dir: Path) -> pd.DataFrame:
    actors = data.load("actors", data_dir)
    return actors[actors["region_id"] == region_id].set_index("actor_id")


def _actor_label(actor: pd.Series) -> str:
    """The actor's full name: its acronym may be nowhere else on the page, and print has no tooltip."""
    return str(actor["name"])


# ---------------------------------------------------------------------------------- the ministry

def ministry(data_dir: Path = data.DATA_DIR) -> str:
    """The national actor that signs the Alliances (the source of every `signe-avec` tie to a region's
    body): read from the data, so its id is written nowhere in the code."""
    return signing_ministry(data.load("actors", data_dir).set_index("actor_id"), data.load("ties", data_dir))


def signing_ministry(actors: pd.DataFrame, ties: pd.DataFrame) -> str:
    """`ministry` on tables already loaded (`actors` indexed by actor_id)."""
    signers = {s for s in ties.loc[ties["relation"] == SIGNS, "source_actor"]
               if s in actors.index and actors.loc[s, "level"] == NATIONAL}
    if len(signers) != 1:
        raise ValueError(f"ties.csv: expected one national actor signing the Alliances, found {sorted(signers)}")
    return signers.pop()


# ---------------------------------------------------------------------------------- 2010-2015

def lead_body(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The region's body the ministry signed the Alliance with during 2010-2015; failing a documented
    signature, the body it funded (then the lead is the edition's reading of the funding)."""
    data_dir = Path(data_dir)
    own = _region_actors(region_id, data_dir)
    ties = data.load("ties", data_dir)
    phases = data.load("tie_phases", data_dir).set_index("tie_id")["phase"]
    mine = ties[(ties["source_actor"] == ministry(data_dir)) & ties["target_actor"].isin(own.index)
                & (ties["tie_id"].map(phases) == PAGSIS_PHASE)]
    for relation, status in ((SIGNS, DOCUMENTED), (FUNDS, READING)):
        chosen = mine[mine["relation"] == relation].sort_values("tie_id")
        if len(chosen):
            targets = tuple(dict.fromkeys(chosen["target_actor"]))
            return Statement(region_id, "lead-body", status, value_ids=targets,
                             label_fr=" ; ".join(_actor_label(own.loc[t]) for t in targets),
                             row_ids=tuple(chosen["tie_id"]) + _ids(chosen["source_ids"]))
    return _gap(region_id, "lead-body")


def _governance(region_id: str, key: str, data_dir: Path) -> Statement:
    table = data.load("governance_evidence", data_dir)
    rows = table[(table["region_id"] == region_id) & (table["aspect"] == GOVERNANCE[key])]
    if rows.empty:
        return _gap(region_id, key)
    return Statement(region_id, key, DOCUMENTED, value_ids=tuple(rows["evidence_id"]),
                     label_fr=" ".join(rows["finding_fr"]), row_ids=_ids(rows["row_ids"]))


def project_choice(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """Who chose the projects and shared the money, as the governance chapter establishes it."""
    return _governance(region_id, "project-choice", Path(data_dir))


def decision_sharing(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """How decisions were shared between the region and its MRC."""
    return _governance(region_id, "decision-sharing", Path(data_dir))


def leadership(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """Whether one body or several led the regional approach."""
    return _governance(region_id, "leadership", Path(data_dir))


def envelope(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The envelope figure the edition retains for the region (the `retained` row of funding)."""
    funding = data.load("funding", data_dir)
    rows = funding[(funding["region_id"] == region_id) & (funding["scope"] == ENVELOPE_SCOPE)]
    retained = rows[rows["retained"].fillna(False).astype(bool)]
    if retained.empty:
        return _gap(region_id, "envelope", row_ids=tuple(rows["funding_id"]))
    r = retained.iloc[0]
    return Statement(region_id, "envelope", DOCUMENTED, value_ids=(r["funding_id"],), quantity=float(r["amount"]),
                     unit="$", row_ids=(r["funding_id"], *data.split_ids(r["source_ids"])))


@dataclass(frozen=True)
class TerritoryCounts:
    """A region's territories split the way the book counts them (ids in table order)."""
    municipal: list[str]  # MRC, cities exercising MRC powers, agglomerations
    alliance: list[str]  # territories a source says shared the regional Alliance fund
    first_nations: list[str]  # First Nations communities located in the region


def territory_counts(region_id: str, data_dir: Path = data.DATA_DIR) -> TerritoryCounts:
    """Alliance territories and First Nations communities of one region, never one counted as the other."""
    table = data.load("territories", data_dir)
    rows = table[table["region_id"] == region_id]
    nations = rows["kind"] == FIRST_NATIONS_KIND
    return TerritoryCounts(
        municipal=list(rows.loc[~nations, "territory_id"]),
        alliance=list(rows.loc[rows["alliance_territory"].astype(bool), "territory_id"]),
        first_nations=list(rows.loc[nations, "territory_id"]),
    )


def territories(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The Alliance's territories (`territory_counts`), counted by kind in the order of the
    `territory_kind` domain; the region's other territories and its First Nations communities outside the
    count are notes, never counted with them."""
    split = territory_counts(region_id, data_dir)
    if not split.municipal and not split.first_nations:
        return _gap(region_id, "territories")
    kind_of = data.load("territories", data_dir).set_index("territory_id")["kind"]
    counts = kind_of.loc[split.alliance].value_counts()
    names = labels.mapping("territory_kind", data_dir)
    kinds = [k for k in names if k in counts]
    notes = []
    others = len([t for t in split.municipal if t not in split.alliance])
    if others:
        notes.append(f"{others} autre{'s' * (others > 1)} territoire{'s' * (others > 1)} de la région "
                     f"sans source sur {'leur' if others > 1 else 'sa'} part du fonds")
    outside = len([t for t in split.first_nations if t not in split.alliance])
    if outside:
        notes.append(f"{outside} communauté{'s' * (outside > 1)} des Premières Nations située"
                     f"{'s' * (outside > 1)} dans la région, hors de ce compte")
    return Statement(region_id, "territories", DOCUMENTED, value_ids=tuple(f"{k}:{counts[k]}" for k in kinds),
                     label_fr=" ; ".join(f"{names[k]} ({counts[k]})" for k in kinds),
                     quantity=float(len(split.alliance)), row_ids=tuple(split.alliance), notes_fr=tuple(notes))


def stated_counts(region_id: str, data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Every project count a source states for the region, oldest first (undated last)."""
    facts = data.load("region_facts", data_dir)
    rows = facts[(facts["region_id"] == region_id) & (facts["topic"] == STATED_TOPIC)
                 & (facts["unit"] == STATED_UNIT)]
    return rows.sort_values(["date", "fact_id"], na_position="last").reset_index(drop=True)


def projects_stated(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The largest project count a source states (ties broken by the latest date), with its date."""
    rows = stated_counts(region_id, data_dir).dropna(subset=["value"])
    if rows.empty:
        return _gap(region_id, "projects-stated")
    top = rows.sort_values(["value", "date"], ascending=False, na_position="last").iloc[0]
    return Statement(region_id, "projects-stated", DOCUMENTED, value_ids=(top["fact_id"],),
                     quantity=float(top["value"]), unit=STATED_UNIT,
                     date=None if pd.isna(top["date"]) else str(top["date"]),
                     date_precision=None if pd.isna(top["date_precision"]) else str(top["date_precision"]),
                     row_ids=(top["fact_id"], *data.split_ids(top["source_ids"])),
                     notes_fr=(str(top["statement_fr"]),))


def projects_named(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """How many funded projects the sources name for the region."""
    projects = data.load("projects", data_dir)
    mine = projects[projects["region_id"] == region_id]
    if mine.empty:
        return _gap(region_id, "projects-named")
    return Statement(region_id, "projects-named", DOCUMENTED, quantity=float(len(mine)), unit=STATED_UNIT,
                     row_ids=tuple(mine["project_id"]))


def priorities(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The plan's priorities when a source states them and no gap row says they are unreadable;
    otherwise undocumented, with the local priorities that are known as notes."""
    facts = data.load("region_facts", data_dir)
    gaps = data.load("gaps", data_dir)
    mine = facts[(facts["region_id"] == region_id) & (facts["topic"] == PRIORITIES_TOPIC)]
    gap = gaps[(gaps["region_id"] == region_id) & (gaps["topic"] == PRIORITIES_TOPIC)]
    if len(mine) and gap.empty:
        return Statement(region_id, "priorities", DOCUMENTED, value_ids=tuple(mine["fact_id"]),
                         label_fr=" ".join(mine["statement_fr"]),
                         row_ids=tuple(mine["fact_id"]) + _ids(mine["source_ids"]))
    # a gap row says the plan's priorities are unreadable: the facts that remain are local ones
    return _gap(region_id, "priorities", row_ids=tuple(gap["gap_id"]) + tuple(mine["fact_id"]),
                notes=tuple(mine["statement_fr"]))


def _paragraph(region_id: str, key: str, section: str, data_dir: Path) -> Statement:
    table = data.load("narratives", data_dir)
    rows = table[(table["region_id"] == region_id) & (table["section"] == BRIEF_SECTION + section)]
    if rows.empty:
        return _gap(region_id, key)
    rows = rows.sort_values("position")
    return Statement(region_id, key, DOCUMENTED, value_ids=tuple(rows["paragraph_id"]),
                     label_fr=" ".join(rows["text_fr"]), row_ids=_ids(rows["row_ids"]))


def tension(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The main tension of the Alliance's years (2010-2014), as the region's brief paragraph states it."""
    return _paragraph(region_id, "tension", "tension", Path(data_dir))


def transition(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """What happened when the CRÉ was abolished, as the region's brief paragraph states it."""
    return _paragraph(region_id, "transition", "transition", Path(data_dir))


# ---------------------------------------------------------------------------------- after 2015

def _next_cycle(region_id: str, data_dir: Path) -> pd.Series | None:
    cycles = data.load("cycles", data_dir)
    rows = cycles[(cycles["region_id"] == region_id) & (cycles["cycle"] == NEXT_CYCLE)]
    return rows.iloc[0] if len(rows) else None


def successor(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The mandataire of the Alliance that followed (2017-2023), from cycles.csv."""
    data_dir = Path(data_dir)
    row = _next_cycle(region_id, data_dir)
    if row is None or pd.isna(row["mandataire_actor"]):
        ids = () if row is None else (row["cycle_id"],)
        return _gap(region_id, "successor", row_ids=ids, notes=() if row is None else (str(row["note"]),))
    actors = data.load("actors", data_dir).set_index("actor_id")
    actor = str(row["mandataire_actor"])
    return Statement(region_id, "successor", DOCUMENTED, value_ids=(actor,),
                     label_fr=_actor_label(actors.loc[actor]),
                     date=None if pd.isna(row["date"]) else str(row["date"]),
                     date_precision=None if pd.isna(row["date_precision"]) else str(row["date_precision"]),
                     row_ids=(row["cycle_id"], *data.split_ids(row["source_ids"])),
                     notes_fr=() if row["confidence"] == SURE else (str(row["note"]),))


def successor_kind(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The successor's kind of body (elected officials, social development): the edition's classification."""
    data_dir = Path(data_dir)
    row = _next_cycle(region_id, data_dir)
    if row is None or pd.isna(row["body_kind"]):
        return _gap(region_id, "successor-kind", row_ids=() if row is None else (row["cycle_id"],))
    return Statement(region_id, "successor-kind", READING, value_ids=(str(row["body_kind"]),),
                     label_fr=labels.label("body_kind", row["body_kind"], data_dir),
                     row_ids=(row["cycle_id"], *data.split_ids(row["source_ids"])))


def next_envelope(region_id: str, data_dir: Path = data.DATA_DIR) -> Statement:
    """The regional envelope of the Alliance that followed (2017-2023 cycle), from cycles.csv: quantity in
    dollars; the period the amount covers, when the source gives one, is its note. Shown by « L'essentiel »
    only, so it is not one of the `statement` keys the comparative tables list."""
    data_dir = Path(data_dir)
    row = _next_cycle(region_id, data_dir)
    if row is None or pd.isna(row["envelope"]):
        return _gap(region_id, "next-envelope", row_ids=() if row is None else (row["cycle_id"],))
    period = () if pd.isna(row["envelope_period"]) else (str(row["envelope_period"]),)
    return Statement(region_id, "next-envelope", DOCUMENTED, quantity=float(row["envelope"]), unit="$",
                     row_ids=(row["cycle_id"], *data.split_ids(row["source_ids"])), notes_fr=period)


# ---------------------------------------------------------------------------------- all of them

FUNCTIONS = {"lead-body": lead_body, "project-choice": project_choice, "decision-sharing": decision_sharing,
             "leadership": leadership, "envelope": envelope, "territories": territories,
             "projects-stated": projects_stated, "projects-named": projects_named, "priorities": priorities,
             "tension": tension, "transition": transition, "successor": successor,
             "successor-kind": successor_kind}


def keys(data_dir: Path = data.DATA_DIR) -> list[str]:
    """Statement keys in the order of the `statement` domain of labels.csv (the order pages show them)."""
    order = list(labels.mapping("statement", data_dir))
    if set(order) != set(FUNCTIONS):
        raise ValueError(f"labels.csv: domain statement lists {sorted(order)}, the model computes "
                         f"{sorted(FUNCTIONS)}")
    return order


def of_region(region_id: str, data_dir: Path = data.DATA_DIR) -> dict[str, Statement]:
    return dict(_of_region(region_id, Path(data_dir)))


@lru_cache(maxsize=64)
def _of_region(region_id: str, data_dir: Path) -> dict[str, Statement]:
    """Every statement of a region, worked out once per package folder, like the tables `data.load` reads: the
    regional chapter and four comparative pages each ask for them (the statements cannot change)."""
    return {key: FUNCTIONS[key](region_id, data_dir) for key in keys(data_dir)}


def frame(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row per region (regions.csv order) and statement key (labels order), the Statement in `statement`."""
    rows = [{"region_id": region_id, "key": key, "statement": st}
            for region_id in data.load("regions", data_dir)["region_id"]
            for key, st in of_region(region_id, data_dir).items()]
    return pd.DataFrame(rows)
