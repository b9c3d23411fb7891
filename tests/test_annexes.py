"""The generated annexes: source inventory and its anchors, links into it, glossary, versions, pins."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.build import cli
from analysis.contract import data
from analysis.present import annexes, sources, tables
from tests.conftest import ROOT


def test_source_counts_cover_every_source_once():
    counts = annexes.source_counts()
    inventory = data.load("sources")
    assert list(counts.index) == [*annexes.region_order(), "total"]
    assert counts.loc["total", "total"] == len(inventory)
    assert counts.drop(index="total")["total"].sum() == len(inventory)
    assert annexes.region_order()[0] == "quebec"


@pytest.mark.parametrize("region_id", annexes.region_order())
def test_source_table_gives_every_row_its_anchor(region_id):
    markup = annexes.source_table(region_id)
    expected = data.load("sources").query("region_id == @region_id")["source_id"]
    ids = re.findall(r'<tr id="src-([^"]+)">', markup)
    assert sorted(ids) == sorted(expected)
    assert markup.count("<a href=") >= len(expected)  # the address of each document is a link


def test_links_lead_to_the_annex_relative_to_the_page(tmp_path):
    frame = data.load("sources")
    book_dir = ROOT / "book"
    assert sources.links("qc-loi-2002", frame, page_dir=book_dir) == (
        '<a href="annexes/sources.html#src-qc-loi-2002" '
        'title="Loi visant à lutter contre la pauvreté et l&#x27;exclusion sociale (RLRQ c. L-7)">qc-loi-2002</a>')
    assert 'href="../annexes/sources.html#src-mau-src-01"' in sources.links("mau-src-01", frame,
                                                                           page_dir=book_dir / "regions")
    assert 'href="sources.html#src-mau-src-01"' in sources.links("mau-src-01", frame,
                                                                page_dir=book_dir / "annexes")
    # outside the repository there is no annex: the document's own address instead
    assert f'href="{frame.set_index("source_id").loc["mau-src-01", "url"]}"' in sources.links(
        "mau-src-01", frame, page_dir=tmp_path)


def test_render_row_ids_must_match_the_rows():
    frame = pd.DataFrame({"a": [1, 2]})
    assert '<tr id="x">' in tables.render(frame, {"a": "A"}, row_ids=["x", "y"])
    with pytest.raises(ValueError, match="1 row ids for 2 rows"):
        tables.render(frame, {"a": "A"}, row_ids=["x"])


def test_glossary_terms_have_anchors_and_sources():
    terms = data.load("glossary")
    markup = annexes.glossary_html(terms)
    assert sorted(re.findall(r"<dt id='glossaire-([^']+)'>", markup)) == sorted(terms["term_id"])
    assert markup.count("#src-") >= len(terms)
    assert {"CRÉ", "MRC", "FQIS", "PAGSIS", "ATI", "Mandataire"} <= set(terms["term"])


def test_glossary_is_alphabetical_ignoring_accents():
    terms = pd.DataFrame({"term_id": ["b", "e", "a"], "term": ["Écho", "Ding", "Alpha"],
                          "expansion_fr": [pd.NA] * 3, "definition_fr": ["x"] * 3,
                          "source_ids": ["etude-frq"] * 3})
    assert re.findall(r"<dt id='glossaire-(\w)'>", annexes.glossary_html(terms)) == ["a", "e", "b"]


def test_pins_read_the_lock(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header. Python 3.11.\nFoo_Bar==1.2\nbaz==3.0.post1\n", encoding="utf-8")
    assert annexes.pins(("foo-bar", "baz"), lock).values.tolist() == [["Foo_Bar", "1.2"], ["baz", "3.0.post1"]]
    assert annexes.python_version(lock) == "3.11"
    with pytest.raises(KeyError, match="qux"):
        annexes.pins(("qux",), lock)


def test_key_pins_are_all_in_the_real_lock():
    assert len(annexes.pins()) == len(annexes.KEY_PINS)


def test_changelog_edition_and_data_package_agree():
    versions = annexes.changelog_versions()
    assert versions and versions[0] == annexes.edition()["version"] == data.descriptor()["version"]
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").count("<!-- versions -->") == 1


def test_cli_help_lists_the_commands():
    text = cli.help_text()
    for command in ["validate", "rehash", "export-networks", "export-qdc"]:
        assert command in text


def test_the_study_is_cited_under_its_authors():
    from analysis.present import citation

    authors = [a["family-names"] for a in citation.study()["authors"]]
    assert authors == ["Lesemann", "St-Germain", "Fordin", "St-Louis"]
    line = citation.study_apa()
    assert all(name in line for name in authors) and "2012-PC-164517" in line
    bib = (data.ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    assert "@misc{lesemann_stgermain_resume," in bib and "Fonds de recherche du Québec -- Société" not in bib
    assert "bourque_2003" in bib
    assert "Citez aussi l'étude d'origine" in citation.box("Accueil", "book/index")


def test_source_dates_are_shown_at_their_precision():
    inventory = data.load("sources")
    page = annexes.source_table("centre-du-quebec", inventory)
    assert "vers 2014 (année déduite)" in page  # cdq-src-02: the year is inferred, the month is not stated
    assert not re.search(r"<td>\d{4}-\d{2}(-\d{2})?</td>", page)  # never the stored ISO form


# --------------------------------------------------------------------------- documents the study team co-produced


def _inventory(independent: list | None) -> pd.DataFrame:
    frame = pd.DataFrame({
        "source_id": ["r-src-01", "r-src-02"], "title": ["Bilan de la démarche", "Article de presse"],
        "organisation": ["Centre de recherche", "Journal"], "date": ["2014-10-01", "2013-05-02"],
        "date_precision": ["mois", "jour"], "kind": ["bilan", "presse"], "region_id": ["lanaudiere"] * 2,
        "url": ["https://example.org/bilan", "https://example.org/article"], "language": ["fr", "fr"],
        "era": ["pagsis", "pagsis"], "documents_fr": ["Le bilan.", "L'article."], "accessed": ["2026-11-25"] * 2})
    return frame if independent is None else frame.assign(independent=pd.array(independent, dtype="boolean"))


def test_a_co_produced_source_says_so_wherever_it_is_cited():
    inventory = _inventory([False, True])
    assert sources.co_produced(inventory) == {"r-src-01"}
    links = sources.links("r-src-01;r-src-02", inventory)
    assert links.count(sources.CO_PRODUCED) == 1
    assert links.index(sources.CO_PRODUCED) < links.index("r-src-02")  # beside the first link, not the second
    titles = sources.cited(pd.DataFrame({"source_ids": ["r-src-02;r-src-01"]}), inventory)["title"].tolist()
    assert titles == ["Article de presse", f"Bilan de la démarche ({sources.CO_PRODUCED})"]
    table = annexes.source_table("lanaudiere", inventory)
    # rows by date: the 2013 article first, then the 2014 bilan, which alone carries the mark
    first, second = table.index("src-r-src-02"), table.index("src-r-src-01")
    article, bilan = table[first:second], table[second:]
    assert sources.CO_PRODUCED.capitalize() in bilan and sources.CO_PRODUCED.capitalize() not in article


def test_without_the_column_no_source_is_marked():
    inventory = _inventory(None)
    assert sources.co_produced(inventory) == set()
    assert sources.CO_PRODUCED not in sources.links("r-src-01", inventory)
    assert sources.CO_PRODUCED.capitalize() not in annexes.source_table("lanaudiere", inventory)


def test_the_real_co_produced_documents_are_marked_but_not_the_study_itself():
    inventory = data.load("sources")
    team = sources.co_produced(inventory)
    if "independent" in inventory.columns:
        flagged = set(inventory.loc[inventory["independent"].astype("boolean").eq(False), "source_id"])
        study = set(data.load("study_facts")["source_ids"])
        assert team == flagged - study and team  # the CRSA's Lanaudière bilan is one of them
        assert "lan-src-01" in team
