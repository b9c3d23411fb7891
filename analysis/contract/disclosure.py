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
    # Plain lists: the tables are small and read cell by cell (through pandas' indexing, 3.2 ms a table).
    grid = values.to_numpy().tolist()
    hidden = [[v < threshold for v in row] for row in grid]
    n_rows, n_cols = values.shape
    rule = {(i, j): PRIMARY.format(min=threshold) for i in range(n_rows) for j in range(n_cols) if hidden[i][j]}
    changed = True
    while changed:
        changed = False
        for by_row in (True, False):
            for key in range(n_rows if by_row else n_cols):
                line = [(key, j) for j in range(n_cols)] if by_row else [(i, key) for i in range(n_rows)]
                if len(line) < 2 or sum(hidden[i][j] for i, j in line) != 1:
                    continue
                # the smallest published cell; the first one on a tie
                cell = min((c for c in line if not hidden[c[0]][c[1]]), key=lambda c: grid[c[0]][c[1]])
                hidden[cell[0]][cell[1]] = True
                rule[cell] = SECONDARY
                changed = True
    shown = [[SUPPRESSED if hidden[i][j] else grid[i][j] for j in range(n_cols)] for i in range(n_rows)]
    table = pd.DataFrame(shown, index=values.index, columns=values.columns, dtype=object)
    rows, columns = list(values.index), list(values.columns)
    record = pd.DataFrame(
        [{"row": rows[i], "column": columns[j], "rule": rule[(i, j)]} for i, j in sorted(rule)],
        columns=["row", "column", "rule"],
    )
    exposed = [f"row {rows[i]}" for i in range(n_rows) if n_cols == 1 and any(hidden[i])]
    exposed += [f"column {columns[j]}" for j in range(n_cols) if n_rows == 1 and any(r[j] for r in hidden)]
    return Published(table, record, exposed)


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
