"""The data-dictionary annex is rendered from datapackage.json: every table and field shows up."""

from __future__ import annotations

import re

import pytest

from analysis.contract import data, dictionary
from tests.conftest import HTML

PAGE = HTML / "book" / "annexes" / "dictionnaire.html"


def test_every_table_and_field_is_in_the_dictionary():
    text = dictionary.tables()
    for res in data.descriptor()["resources"]:
        assert f":name: dictionnaire-{res['name']}" in text
        for field in res["schema"]["fields"]:
            assert f"| `{field['name']}` |" in text, (res["name"], field["name"])


def test_overview_links_every_table():
    text = dictionary.overview()
    for res in data.descriptor()["resources"]:
        assert f"<dictionnaire-{res['name']}>" in text


def test_enums_and_rules_are_listed():
    text = dictionary.tables()
    assert "`page-officielle`" in text  # an enum value of sources.kind
    assert "au moins un identifiant ; chacun existe dans `sources`" in text


def test_pipes_in_patterns_do_not_break_table_rows():
    assert dictionary.cell("a|b") == "a\\|b"


def test_built_page_shows_every_field(built_html):
    if not PAGE.exists():
        pytest.fail(f"{PAGE} was not built")
    text = re.sub(r"<[^>]+>", " ", PAGE.read_text(encoding="utf-8"))
    for res in data.descriptor()["resources"]:
        for field in res["schema"]["fields"]:
            assert field["name"] in text, (res["name"], field["name"])
