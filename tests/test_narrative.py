"""The regional narrative and « En bref »: rendering, links to rows, reading French numbers (that a paragraph's
numbers are held by the rows it cites is the validator's `narrative-number` rule, tested in test_validate)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.contract import data, figures, labels
from analysis.present import brief, narrative, statement
from analysis.study import region, statements

REGION_IDS = list(data.load("regions")["region_id"])
FIXTURE = Path(__file__).parent / "fixtures" / "narratives" / "mauricie.csv"
NARRATIVES = data.load("narratives")


def _fixture() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    return frame.assign(position=frame["position"].astype(int))


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_each_region_narrative_has_at_least_300_words(region_id):
    assert not NARRATIVES[NARRATIVES["region_id"] == region_id].empty, f"{region_id}: no narrative rows"
    assert narrative.word_count(region_id) >= narrative.MIN_WORDS


def test_numbers_are_read_the_french_way():
    assert figures.numbers("4 200 000 $ et 4,5 M$ ; 80 % ; 2010-2015") == {4200000.0, 4500000.0, 80.0,
                                                                            2010.0, 2015.0}
    assert figures.numbers("692\u202f303\u00a0$") == {692303.0}


def test_word_count_ignores_brief_points():
    frame = _fixture()
    words = narrative.word_count("mauricie", frame)
    brief_words = len(frame.loc[frame["section"] == "bref-tension", "text_fr"].iloc[0].split())
    total = sum(len(t.split()) for t in frame["text_fr"])
    assert 0 < words <= total - brief_words + 5


def test_narrative_renders_sections_in_order_with_linked_row_ids():
    p = region.profile("mauricie")
    markup = narrative.html_for(p, _fixture())
    headings = re.findall(r"<h3 id='mauricie-recit-([\w-]+)'>", markup)
    assert headings == narrative.sections(brief=False)
    assert markup.index("fx-mau-02") < markup.index("fx-mau-03")  # position order
    # a funding row: a numbered marker leading to its line in the chapter, the id on hover and focus
    marker = re.search(r'<a class="src-marker" data-tip="mau-f-01 — ([^"]+)" aria-label="Renvoi (\d+)\u00a0: '
                       r'ligne mau-f-01 — [^"]+" href="#row-mau-f-01">(\d+)</a>', markup)
    assert marker and marker.group(2) == marker.group(3)
    assert "annexes/sources.html#src-mau-src-02" in markup
    assert "\u00a0:" not in markup.split("fx-mau-01")[0]
    assert "répartie entre six territoires au moment de l’annonce\u202f;" in markup  # typography.fr applied
    assert "Non documenté." in markup  # the sections without rows say so


def test_markers_keep_row_ids_out_of_the_prose_and_paragraphs_have_permalinks():
    p = region.profile("mauricie")
    narrative.start_page()
    markup = narrative.html_for(p, _fixture())
    visible = re.sub(r"<[^>]+>", " ", markup)
    cells = _fixture().query("region_id == 'mauricie'")["row_ids"]
    cited = {rid for cell in cells for rid in data.split_ids(cell)}
    assert cited and not [rid for rid in cited if re.search(rf"(?<![\w-]){re.escape(rid)}(?![\w-])", visible)]
    numbers = [int(n) for n in re.findall(r'class="src-marker"[^>]*>(\d+)<', markup)]
    distinct = len({m for m in re.findall(r'class="src-marker" data-tip="([^" ]+)', markup)})
    assert max(numbers) == distinct  # one number per row, counted from 1 on the page
    for pid in _fixture().query("region_id == 'mauricie' and not section.str.startswith('bref-')")["paragraph_id"]:
        anchor = narrative.row_anchor(pid)
        assert f"<p id='{anchor}' class='stable-anchor'>" in markup
        assert f'href="#{anchor}" title="Lien permanent vers ce paragraphe"' in markup


def test_one_row_keeps_its_marker_number_across_paragraphs():
    narrative.start_page()
    first = narrative.ref_links("mau-f-01;mau-src-02", set())
    again = narrative.ref_links("mau-src-02", set())
    assert re.findall(r">(\d+)</a>", first) == ["1", "2"] and re.findall(r">(\d+)</a>", again) == ["2"]


def test_empty_narrative_is_a_visible_gap():
    p = region.profile("lanaudiere")
    markup = narrative.html_for(p, NARRATIVES.iloc[0:0])
    assert "Récit régional non documenté" in markup and "class='gap" in markup


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_brief_has_every_point_with_its_anchor(region_id):
    p = region.profile(region_id)
    markup = brief.html_for(p)
    for key in brief.SHOWN:
        assert f"id='{region_id}-bref-{brief.ANCHORS[key]}'" in markup
    for point in brief.points(region_id):
        assert point["html"], point
        if point["documented"] and point["statement"] not in brief.TABLE_SECTION:
            assert point["ids"], f"{region_id}: point {point['key']} cites no row"
    raw = r">[^<]*\b(enveloppe-regionale|territoire-autochtone|ville-territoire-equivalent|nan|True)\b"
    assert not re.search(raw, markup)


def test_brief_points_come_in_the_order_of_the_statement_domain():
    order = [k for k in labels.mapping("statement") if k in brief.SHOWN]
    assert [pt["statement"] for pt in brief.points("mauricie")] == order


def test_brief_shows_the_model_statements_themselves():
    """Each point carries the marked span of the study model's statement: no second computation."""
    for point in brief.points("laurentides"):
        st = statements.FUNCTIONS[point["statement"]]("laurentides")
        assert point["html"].startswith(statement.html(st))


def test_brief_envelope_lists_the_retained_and_the_disagreeing_figures():
    points = {pt["statement"]: pt for pt in brief.points("bas-saint-laurent")}
    text = points["envelope"]["html"]
    assert "4\u202f400\u202f000\u00a0$" in text and "4\u202f500\u202f000\u00a0$" in text
    assert "retenu" in text and {"bsl-f-01", "bsl-f-02"} <= set(points["envelope"]["ids"])


def test_brief_states_the_project_count_first_then_the_named_projects():
    points = [pt["statement"] for pt in brief.points("mauricie")]
    assert points.index("projects-stated") < points.index("projects-named")
    stated = {pt["statement"]: pt for pt in brief.points("mauricie")}["projects-stated"]
    assert "7\u00a0projets (11 décembre 2012)" in stated["html"] and "mau-rf-09" in stated["ids"]


def test_brief_says_undocumented_in_the_words_of_the_edition():
    points = {pt["statement"]: pt for pt in brief.points("laurentides")}
    assert "non documenté dans les sources publiques" in points["tension"]["html"]
    assert "class='enonce gap'" in points["priorities"]["html"]
    assert "Deux-Montagnes" in points["priorities"]["html"]  # the local priorities that are known


def test_every_row_id_a_narrative_cites_is_shown_or_is_a_source():
    """Ids of regional tables must be ones the chapter shows with an anchor (links cannot dangle)."""
    for frame in (NARRATIVES, _fixture()):
        for region_id, rows in frame.groupby("region_id"):
            shown = narrative.shown_ids(region.profile(region_id))
            for cell in rows["row_ids"]:
                links = narrative.ref_links(cell, shown)
                for rid in data.split_ids(cell):
                    assert rid in links




def test_brief_spells_out_the_acronyms_it_uses_for_print():
    markup = brief.html_for(region.profile("cote-nord"))
    legend = markup[markup.index("bref-sigles"):]
    assert "CRÉ, Conférence régionale des élus" in legend and "FRSIS, Fonds régional" in legend
    assert brief.acronym_legend("<li>Sans sigle.</li>") == ""
