"""« L'essentiel »: every region, every message linked to its evidence, values from the study model."""

from __future__ import annotations

import re

import pytest

from analysis.contract import data
from analysis.present import essentials, statement
from analysis.study import compare, statements
from tests.conftest import ROOT

REGIONS = list(data.load("regions")["region_id"])


@pytest.fixture(scope="module")
def side():
    """The comparative table, computed when a test asks for it (not while pytest's workers collect)."""
    return compare.side_by_side()


def test_six_to_eight_messages_each_leading_to_a_labelled_section_of_the_book(side):
    messages = essentials.messages(side)
    assert 6 <= len(messages) <= 8
    for message in messages:
        page, anchor, _ = essentials.EVIDENCE[message["key"]]
        assert message["href"].endswith(f".html#{anchor}")
        assert f"({anchor})=" in (ROOT / f"{page}.md").read_text(encoding="utf-8"), message["key"]
        assert "'" not in message["text"] and not re.search(r"\b1\u00a0\w+s\b", message["text"])


def test_messages_count_what_the_model_documents(side):
    text = {m["key"]: m["text"] for m in essentials.messages(side)}
    missing = [name for name, st in zip(side["region"], side["st_envelope"], strict=True) if not st.documented]
    assert all(name in text["enveloppe"] for name in missing)
    successors = sum(st.documented for st in side["st_successor"])
    assert f"dans {successors} régions sur {len(side)}" in text["apres"]


def test_every_region_has_its_line_and_its_row_after_2015_with_the_model_s_marked_values(side):
    lines, table = essentials.regions_html(side), essentials.after_table(side)
    for region_id in REGIONS:
        assert f"id='essentiel-{region_id}'" in lines and f'id="essentiel-apres-{region_id}"' in table
        model = statements.of_region(region_id)
        for key in ("leadership", "envelope", "successor"):
            assert statement.html(model[key]) in lines
        assert statement.html(statements.next_envelope(region_id)) in table


def test_no_amount_per_inhabitant_without_an_official_population_in_the_package():
    assert "non calculé" in essentials.population_gap()
