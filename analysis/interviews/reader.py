"""The one way to read the interview tables: synthetic stand-in (public) or restricted files.

Public edition (default): `data/synthetic/interviews.csv` and `interview_codes.csv`, labelled
« données synthétiques », validated with the rest of the package by `python -m analysis validate`.

Restricted edition: set `ALLIANCES_INTERVIEWS_DIR` to a folder holding the real `interviews.csv` and
`interview_codes.csv` (same schema as the synthetic tables, `synthetic` false on every row). They are
validated here with the same rules (types, enums, keys, foreign keys to regions and codebook) and the
fail-closed rules of analysis/interviews/restricted.py before anything is drawn; nothing of them is ever copied
into the repository. Only disclosure-controlled aggregates (analysis/contract/disclosure.py) reach the book.
Any problem raises `RestrictedDataError` with a generic message: a chapter's traceback never quotes
the folder, its ids or its values (the details: `python -m analysis validate-restricted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.contract import data, disclosure, env
from analysis.contract.data import DATA_DIR
from analysis.interviews import restricted
from analysis.interviews.synthetic import FILES, SUBDIR

LABEL_SYNTHETIC = "données synthétiques"
LABEL_RESTRICTED = "données d'entrevues (édition restreinte)"


@dataclass(frozen=True)
class Interviews:
    interviews: pd.DataFrame
    codes: pd.DataFrame
    restricted: bool
    directory: Path

    @property
    def label(self) -> str:
        return LABEL_RESTRICTED if self.restricted else LABEL_SYNTHETIC

    @property
    def synthetic(self) -> bool:
        return not self.restricted


def directory(data_dir: Path = DATA_DIR) -> tuple[Path, bool]:
    """Where the interview tables are read from, and whether they are the restricted ones."""
    given = env.interviews_dir()
    if given is not None:
        return given, True
    return Path(data_dir) / SUBDIR, False


def load(data_dir: Path = DATA_DIR) -> Interviews:
    """Both interview tables, typed by the package schema, from the directory `directory()` names."""
    folder, is_restricted = directory(data_dir)
    return _load(folder, is_restricted, Path(data_dir))


@lru_cache(maxsize=4)
def _load(folder: Path, is_restricted: bool, data_dir: Path) -> Interviews:
    if not is_restricted:
        tables = {name: data.load(name, data_dir) for name in FILES}
    else:
        tables = restricted.read_checked(folder, data_dir)
    return Interviews(tables["interviews"], tables["interview_codes"], is_restricted, folder)


# ---------------------------------------------------------------------------------------------------
# What the chapters show: disclosure-controlled aggregates only
# ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _by_dimension(folder: Path, is_restricted: bool, data_dir: Path):
    tables = _load(folder, is_restricted, data_dir)
    codebook = data.load("codebook", data_dir)
    regions = data.load("regions", data_dir)["region_id"].tolist()
    counts = disclosure.interviewees_by_dimension(tables.interviews, tables.codes, codebook, regions)
    return disclosure.suppress(counts)


def published_by_dimension(data_dir: Path = DATA_DIR):
    """Distinct interviewees per region × code dimension, disclosure-controlled (`disclosure.Published`)."""
    folder, is_restricted = directory(data_dir)
    return _by_dimension(folder, is_restricted, Path(data_dir))


def stand_in() -> tuple[Interviews, object]:
    """The synthetic tables and their published aggregate, whatever the edition (for the methods chapter)."""
    folder = DATA_DIR / SUBDIR
    return _load(folder, False, DATA_DIR), _by_dimension(folder, False, DATA_DIR)


def dimension_labels(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Dimension -> French name, from the root codes of the codebook (in codebook order)."""
    codebook = data.load("codebook", data_dir)
    roots = codebook[codebook["parent_id"].isna()]
    return dict(zip(roots["dimension"], roots["label_fr"], strict=True))


def region_frame(region_id: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """One region's published row: dimension label, count (NA when hidden), shown text, labels."""
    source = load(data_dir)
    frame = disclosure.long_form(published_by_dimension(data_dir), region_id)
    labels = dimension_labels(data_dir)
    return frame.assign(dimension=frame["category"].map(labels).fillna(frame["category"]),
                        synthetic=source.synthetic, edition=source.label)


def chart(frame: pd.DataFrame, title: str, description: str):
    """Bars of published counts; a hidden cell keeps its row and shows « x » instead of a bar."""
    import altair as alt

    data_ = frame[["dimension", "n", "shown", "synthetic", "edition"]].astype({"n": "float64"})  # NA -> null
    y = alt.Y("dimension:N", title="Dimension de la grille", sort=None)
    base = alt.Chart(data_).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("n:Q", title="Personnes interrogées (distinctes)", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("dimension:N", title="Dimension"), alt.Tooltip("shown:N", title="Personnes"),
                 alt.Tooltip("edition:N", title="Données")],
    )
    labels = base.transform_calculate(pos="isValid(datum.n) ? datum.n : 0").mark_text(
        align="left", dx=4).encode(x="pos:Q", text="shown:N")
    return (bars + labels).properties(title=title, description=description, width="container",
                                      height=alt.Step(22))


def published_summaries(region_id: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The team's summaries (restricted edition only) whose region × code cell passes disclosure control.

    A summary describes what interviewees of a region said about a code; it is shown only where the
    count of distinct interviewees behind that region × code cell is published (not suppressed,
    primary or secondary). The public edition has none.
    """
    folder, is_restricted = directory(data_dir)
    empty = pd.DataFrame(columns=list(restricted.SUMMARY_COLUMNS))
    if not is_restricted or not (folder / restricted.SUMMARIES_FILE).is_file():
        return empty
    tables = load(data_dir)  # fails closed: the summaries are checked with the rest of the folder
    summaries = pd.read_csv(folder / restricted.SUMMARIES_FILE, dtype="string", keep_default_na=False)
    linked = tables.codes.merge(tables.interviews[["interview_id", "region_id"]], on="interview_id")
    counts = (linked.groupby(["region_id", "code_id"])["interview_id"].nunique().unstack(fill_value=0))
    regions = data.load("regions", data_dir)["region_id"].tolist()
    codebook = data.load("codebook", data_dir)
    codable = codebook.loc[codebook["is_codable"].fillna(False).astype(bool), "code_id"].tolist()
    # The full region × codable-code table, zeros included, is what suppression must protect.
    published = disclosure.suppress(counts.reindex(index=regions, columns=codable, fill_value=0))
    shown = [c in published.table.columns and published.table.loc[r, c] != disclosure.SUPPRESSED
             for r, c in zip(summaries["region_id"], summaries["code_id"], strict=True)]
    keep = summaries[pd.Series(shown, index=summaries.index, dtype=bool) & (summaries["region_id"] == region_id)]
    return keep.reset_index(drop=True) if len(keep) else empty
