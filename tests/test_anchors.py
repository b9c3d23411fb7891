"""Stable addresses: every page#anchor in book/anchors.txt still answers; renamed sections keep old anchors."""

from __future__ import annotations

import pytest
from docutils import nodes

from analysis.build import anchors, notebooks
from tests.conftest import HTML, ROOT


def test_every_published_anchor_is_still_in_the_built_book(built_html):
    registry = anchors.read()
    assert len(registry) > len(notebooks.chapters())
    gone = anchors.missing(built_html, registry)
    assert gone == [], (f"{len(gone)} published address(es) vanished: {gone[:10]}. Map a renamed section "
                        "in book/anchors-moved.txt (`page.html#old-anchor new-anchor`); never delete a line.")


def test_every_page_of_the_table_of_contents_is_registered(built_html):
    """A new page must be registered when it is merged: `make anchors` after `make book`."""
    registry = set(anchors.read())
    unregistered = [f"{d}.html" for d in notebooks.chapters() if f"{d}.html" not in registry]
    assert unregistered == [], f"run `make anchors` to register {unregistered}"


def test_registry_lines_are_unique_and_well_formed():
    registry = anchors.read()
    assert len(registry) == len(set(registry))
    for entry in registry:
        page, _, anchor = entry.partition("#")
        assert page.startswith("book/") and page.endswith(".html"), entry
        assert " " not in entry, entry


def test_a_renamed_section_still_answers_to_its_old_anchor(built_html):
    mapping = anchors.moved()
    assert mapping, "book/anchors-moved.txt maps at least one real rename"
    for docname, pairs in mapping.items():
        page = anchors.parse(HTML / f"{docname}.html")
        text = (HTML / f"{docname}.html").read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in page.ids and new in page.ids, (docname, old, new)
            assert f"{docname}.html#{old}" in anchors.read(), "an old anchor stays in the registry"
            if f'<section id="{old}">' in text:
                continue  # a section of the page carries the old anchor again: the link lands there
            # the old id is written inside the element that carries the new one
            start = text.index(f'id="{new}"')
            assert text.index(f'id="{old}"') - start < 400, (docname, old, new)


def test_old_ids_are_added_to_the_node_that_carries_the_new_anchor():
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from stable_anchors import add_old_ids

    tree = nodes.section(ids=["nouveau-titre", "label-stable"])
    tree += nodes.section(ids=["autre", "revenu"])
    unresolved = add_old_ids(tree, [("ancien-titre", "label-stable"), ("perdu", "absent"),
                                    ("revenu", "label-stable")])
    assert tree["ids"] == ["nouveau-titre", "label-stable", "ancien-titre"]
    assert tree.children[0]["ids"] == ["autre", "revenu"]  # an old anchor the page holds again stays where it is
    assert unresolved == [("perdu", "absent")]


def test_a_malformed_mapping_line_names_its_file_and_line(tmp_path):
    bad = tmp_path / "anchors-moved.txt"
    bad.write_text("# comment\nbook/x.html#old\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"anchors-moved.txt:2:1:"):
        anchors.moved(bad)


def test_update_adds_new_anchors_and_keeps_old_ones(tmp_path):
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "book/a.html").write_text('<section id="a"><span id="label-a"></span><h1>A</h1>'
                                      '<section id="id1"><h2>dup</h2></section>'
                                      '<li class="stable-anchor" id="point-1">x</li><p id="bref-mauricie-2">y</p>'
                                      '<div id="altair-1"></div></section>', encoding="utf-8")
    registry = tmp_path / "anchors.txt"
    registry.write_text("book/a.html#gone\n", encoding="utf-8")
    added, missing = anchors.update(html, ["book/a"], registry)
    assert added == ["book/a.html", "book/a.html#a", "book/a.html#label-a", "book/a.html#point-1",
                     "book/a.html#bref-mauricie-2"]
    assert missing == ["book/a.html#gone"]
    assert "book/a.html#gone" in anchors.read(registry)
