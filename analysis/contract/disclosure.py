"""Disclosure control for interview aggregates: what may be published, and what must show `x`.

Unit of counting: distinct interviewees (one per `interview_id` in the interview tables), never coded
segments or code applications — an interviewee who touches five codes of one dimension counts once in
that dimension.

Rules, applied to a whole two-way table (e.g. regions × code dimensions) before any part is shown:
1. primary suppression: a cell resting on fewer than `MIN_COUNT` (5) distinct interviewees, zero
   included, is published as `x`;
2. secondary suppression: a reader must not recover a suppressed cell from a row or column total, so
   whenever a row or a column holds exactly one suppressed cell, the smallest published cell of that
   line (the first one, in table order, on a tie) is suppressed too; this is repeated until no row or
   column holds exactly one suppressed cell. A line of a single cell cannot be protected this way: it is
   listed in `Published.exposed_totals` and its total must not be published.

The functions return the published table (`x` in suppressed cells) and a record of every suppressed
cell (row, column and which rule suppressed it); the record never holds the hidden values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs a third of a second to import: `validate` never needs it
    import pandas as pd

# The one definition of the disclosure rule: the validator, the chapters and the tests import these.
MIN_COUNT = 5        # fewest distinct interviewees a published count may rest on
SUPPRESSED = "x"     # what a suppressed cell shows

PRIMARY = "primaire (< {min} personnes)"
SECONDARY = "secondaire (protège un total)"


@dataclass(frozen=True)
class Published:
    """A disclosure-controlled table and the record of what was hidden."""

    table: pd.DataFrame          # same shape as the counts; suppressed cells hold "x"
    suppressed: pd.DataFrame     # one row per hidden cell: row, column, rule
    exposed_totals: list[str]    # single-cell lines whose total would reveal a hidden cell

    @property
    def mask(self) -> pd.DataFrame:
        return self.table == SUPPRESSED


def suppress(counts: pd.DataFrame, threshold: int = MIN_COUNT) -> Published:
    """Primary then secondary suppression of a table of counts (rows × columns of integers)."""
    import pandas as pd

    values = counts.astype("int64")
    hidden = values < threshold
    rule = {cell: PRIMARY.format(min=threshold) for cell in _cells(hidden)}
    changed = True
    while changed:
        changed = False
        for by_row in (True, False):
            lines = hidden.index if by_row else hidden.columns
            for key in lines:
                line = hidden.loc[key] if by_row else hidden[key]
                if len(line) < 2 or int(line.sum()) != 1:
                    continue
                open_cells = (values.loc[key] if by_row else values[key])[~line]
                target = open_cells.idxmin()  # the smallest published cell; the first one on a tie
                cell = (key, target) if by_row else (target, key)
                hidden.loc[cell] = True
                rule[cell] = SECONDARY
                changed = True
    table = values.astype(object).mask(hidden, SUPPRESSED)
    record = pd.DataFrame(
        [{"row": r, "column": c, "rule": rule[(r, c)]} for r, c in _cells(hidden)],
        columns=["row", "column", "rule"],
    )
    exposed = [f"row {key}" for key in hidden.index if hidden.shape[1] == 1 and hidden.loc[key].any()]
    exposed += [f"column {key}" for key in hidden.columns if hidden.shape[0] == 1 and hidden[key].any()]
    return Published(table, record, exposed)


def _cells(mask: pd.DataFrame) -> list[tuple]:
    """(row, column) of the true cells, in table order (row by row)."""
    return [(r, c) for r in mask.index for c in mask.columns if bool(mask.loc[r, c])]


def lines_with_one_suppressed(table: pd.DataFrame) -> list[str]:
    """Rows/columns (of two cells or more) where exactly one cell is `x`: must be empty once published."""
    mask = table == SUPPRESSED
    bad = [f"row {key}" for key in mask.index if mask.shape[1] > 1 and int(mask.loc[key].sum()) == 1]
    bad += [f"column {key}" for key in mask.columns if mask.shape[0] > 1 and int(mask[key].sum()) == 1]
    return bad


# ---------------------------------------------------------------------------------------------------
# Counting distinct interviewees
# ---------------------------------------------------------------------------------------------------

def interviewees_by(interviews: pd.DataFrame, column: str, categories: list[str],
                    regions: list[str]) -> pd.DataFrame:
    """Distinct interviewees per region × `column` of `interviews` (absent cells count 0)."""
    counts = interviews.groupby(["region_id", column])["interview_id"].nunique().unstack(fill_value=0)
    return counts.reindex(index=regions, columns=categories, fill_value=0).astype("int64")


def interviewees_by_dimension(interviews: pd.DataFrame, codes: pd.DataFrame, codebook: pd.DataFrame,
                              regions: list[str]) -> pd.DataFrame:
    """Distinct interviewees per region × code dimension (an interviewee counts once per dimension)."""
    dimensions = codebook.drop_duplicates("dimension")["dimension"].tolist()
    coded = (codes[["interview_id", "code_id"]]
             .merge(codebook[["code_id", "dimension"]], on="code_id", how="inner")
             .merge(interviews[["interview_id", "region_id"]], on="interview_id", how="inner"))
    return interviewees_by(coded, "dimension", dimensions, regions)


def interviewees_by_group(interviews: pd.DataFrame, groups: list[str], regions: list[str]) -> pd.DataFrame:
    """Distinct interviewees per region × actor group."""
    return interviewees_by(interviews, "actor_group", groups, regions)


def long_form(published: Published, row: str, value_name: str = "n") -> pd.DataFrame:
    """One region's row as a long table: category, published count (NA when hidden), shown text."""
    import pandas as pd

    line = published.table.loc[row]
    frame = pd.DataFrame({"category": list(line.index), "shown": [str(v) for v in line.values]})
    frame[value_name] = pd.array([None if v == SUPPRESSED else int(v) for v in line.values], dtype="Int64")
    return frame
