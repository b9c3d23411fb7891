"""Disclosure control: primary (< 5) and secondary suppression, on small hand-made tables."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from analysis.contract import disclosure
from analysis.contract.disclosure import MIN_COUNT
from analysis.contract.disclosure import SUPPRESSED as X


def table(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))],
                        columns=[f"c{j}" for j in range(len(rows[0]))])


def shown(published: disclosure.Published) -> list[list[object]]:
    return published.table.to_numpy().tolist()


def test_nothing_to_suppress():
    published = disclosure.suppress(table([[5, 9], [12, 30]]))
    assert shown(published) == [[5, 9], [12, 30]]
    assert published.suppressed.empty
    assert published.exposed_totals == []


def test_primary_cells_are_hidden_and_recorded_without_their_value():
    published = disclosure.suppress(table([[4, 9, 7], [3, 8, 6], [10, 11, 12]]))
    # 4 and 3 share column c0: the column is safe; each row then has one x -> its smallest cell goes too.
    assert shown(published) == [[X, 9, X], [X, 8, X], [10, 11, 12]]
    rules = {(r.row, r.column): r.rule for r in published.suppressed.itertuples()}
    assert rules[("r0", "c0")].startswith("primaire") and rules[("r1", "c0")].startswith("primaire")
    assert rules[("r0", "c2")].startswith("secondaire") and rules[("r1", "c2")].startswith("secondaire")
    assert set(published.suppressed.columns) == {"row", "column", "rule"}  # no hidden value in the record


def test_secondary_suppression_protects_row_and_column_totals():
    # One small cell: its row and its column each need a second x, then the new x's need partners too.
    published = disclosure.suppress(table([[2, 20, 30], [15, 6, 40], [25, 35, 7]]))
    # row r0 -> its smallest other cell (20); column c0 -> 15; column c1 now has one x -> 6.
    assert shown(published) == [[X, X, 30], [X, X, 40], [25, 35, 7]]
    assert disclosure.lines_with_one_suppressed(published.table) == []


def test_secondary_choice_is_the_smallest_published_cell_first_on_ties():
    published = disclosure.suppress(table([[1, 8, 6, 6], [9, 9, 9, 9]]))
    assert shown(published)[0] == [X, 8, X, 6]
    assert shown(published)[1] == [X, 9, X, 9]


def test_zero_is_suppressed_like_any_small_count():
    published = disclosure.suppress(table([[0, 10], [10, 10]]))
    assert shown(published) == [[X, X], [X, X]]


def test_all_suppressed():
    published = disclosure.suppress(table([[1, 2], [3, 4]]))
    assert shown(published) == [[X, X], [X, X]]
    assert (published.suppressed["rule"].str.startswith("primaire")).all()
    assert len(published.suppressed) == 4


def test_single_column_table_reports_the_total_it_cannot_protect():
    published = disclosure.suppress(table([[3], [12]]))
    assert shown(published) == [[X], [X]]  # the column total would give the 3 away: 12 goes too
    assert published.exposed_totals == ["row r0", "row r1"]


def test_threshold_is_the_package_rule():
    assert MIN_COUNT == 5
    assert shown(disclosure.suppress(table([[MIN_COUNT - 1, 50], [50, 50]])))[0][0] == X
    assert shown(disclosure.suppress(table([[MIN_COUNT, 50], [50, 50]])))[0][0] == MIN_COUNT


@pytest.mark.parametrize("seed", range(300))
def test_property_no_line_ever_has_exactly_one_suppressed_cell(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 7), rng.randint(1, 9)
    counts = table([[rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40]) for _ in range(cols)]
                    for _ in range(rows)])
    published = disclosure.suppress(counts)
    assert disclosure.lines_with_one_suppressed(published.table) == []
    published_cells = published.table.to_numpy().ravel()
    assert all(v == X or v >= MIN_COUNT for v in published_cells)
    # nothing is invented: every published number is the count itself
    keep = ~published.mask.to_numpy()
    assert (published.table.to_numpy()[keep] == counts.to_numpy()[keep]).all()
    # the record lists exactly the hidden cells
    assert len(published.suppressed) == int(published.mask.to_numpy().sum())


def test_counts_are_distinct_interviewees_not_code_applications():
    interviews = pd.DataFrame({"interview_id": ["a", "b"], "region_id": ["r", "r"], "actor_group": ["g", "g"]})
    codes = pd.DataFrame({"interview_id": ["a", "a", "a", "b"], "code_id": ["k1", "k2", "k3", "m1"]})
    codebook = pd.DataFrame({"code_id": ["k1", "k2", "k3", "m1"], "dimension": ["k", "k", "k", "m"]})
    counts = disclosure.interviewees_by_dimension(interviews, codes, codebook, ["r", "s"])
    assert counts.loc["r"].tolist() == [1, 1]  # three codes of one interview count once
    assert counts.loc["s"].tolist() == [0, 0]  # a region with no interview is a row of zeros
    assert disclosure.interviewees_by_group(interviews, ["g", "h"], ["r"]).loc["r"].tolist() == [2, 0]


def test_long_form_keeps_hidden_cells_as_x():
    published = disclosure.suppress(table([[3, 10], [10, 10]]))
    frame = disclosure.long_form(published, "r1")
    assert frame["shown"].tolist() == [X, X]
    assert frame["n"].isna().all()
