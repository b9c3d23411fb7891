"""The study whole: what the summary says beyond its findings is on the pages, each item located in
the summary; the glosses the findings page used to make are gone; the governance chapter reads in one
sitting, its detailed tables in an annex."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.contract import data
from analysis.present import facts
from analysis.study import graphs

SEED = Path("/work/shared/seed/000_2def8c21a6336fb6.txt")

# fact id -> the page that shows it (relative to book/)
LOCATED = {
    "etude-question": "methodologie", "etude-dimensions": "methodologie", "etude-collaboration": "methodologie",
    "etude-organigrammes": "methodologie", "etude-alliance": "contexte", "etude-question-sociale": "cadre",
    "etude-axe-collectif": "cadre",
}
GLOSSES = ["L'inégalité des résultats", "L’inégalité des résultats", "se ressemblent d'une région",
           "se ressemblent d’une région", "tient, selon l'étude, à l'échelle",
           "tient, selon l’étude, à l’échelle"]
STALE_BANNER = ["un bandeau l'annonce dans\nchaque chapitre régional",
                "bandeau l’annonce dans chaque chapitre régional",
                "a labelled synthetic stand-in for the interviews"]


def _text(page: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).replace("\u00a0", " ")


def test_every_restored_item_is_a_located_study_fact():
    table = data.load("study_facts").set_index("fact_id")
    for fact_id in LOCATED:
        row = table.loc[fact_id]
        assert row["seed_locator"] and row["source_ids"] == "etude-frq", fact_id
        html = facts.block(fact_id)
        assert f"id='fait-{fact_id}'" in html and "Où dans le résumé" in html and "étude (résumé)" in html
    with pytest.raises(KeyError, match="no fact 'inconnu'"):
        facts.block("inconnu")


@pytest.mark.skipif(not SEED.exists(), reason="the study summary is kept outside the repository")
def test_what_the_restored_items_rest_on_is_in_the_summary():
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8")).lower().replace("’", "'")
    for words in ["lisa gauthier", "agent pivot", "sécurité alimentaire", "axe collectif", "annexe 5e",
                  "condition", "question sociale", "logiques d'action et cultures", "multidimensionnel",
                  "ville de montréal", "premières nations"]:
        assert words in seed, words


def test_book_sources_keep_no_gloss_and_no_stale_banner():
    root = data.ROOT / "book"
    constats = (root / "constats.md").read_text(encoding="utf-8")
    assert not [g for g in GLOSSES if g in constats]
    for page in (root / "methodologie.md", root / "annexes" / "english-summary.md"):
        assert not [s for s in STALE_BANNER if s in page.read_text(encoding="utf-8")], page


def test_built_pages_show_each_restored_item(built_html):
    for fact_id, page in LOCATED.items():
        html = (built_html / "book" / f"{page}.html").read_text(encoding="utf-8")
        assert re.search(rf"id=[\"']fait-{fact_id}[\"']", html), fact_id
    constats = _text(built_html / "book" / "constats.html")
    assert "agent pivot" in constats and "condition nécessaire" in constats
    assert not [g for g in GLOSSES if g in constats]
    summary = _text(built_html / "book" / "annexes" / "english-summary.html")
    assert "Lisa Gauthier" in summary and "agent pivot" in summary and "necessary condition" in summary


def test_governance_chapter_shows_the_variants_and_the_annex_holds_the_detail(built_html):
    chapter = _text(built_html / "book" / "comparaison" / "gouvernance.html")
    annex = _text(built_html / "book" / "annexes" / "reseaux.html")
    for heading in ["Sans la signature du ministère", "Sans les liens d’un acteur tirés d’un seul document",
                    "Sans les liens de financement seuls"]:
        assert heading.replace("’", "'") in chapter.replace("’", "'"), heading
    assert "Les modes qui découlent de la règle" in chapter and "dont signatures et financements" in chapter
    captions = ["Rôles de courtage de Gould et Fernandez", "Principal courtier entre niveaux", "Réseaux par phase"]
    for caption in captions:
        assert caption in annex and caption not in chapter, caption
    # every region whose rule-given mode follows from the rule or one document is named in the list
    table = graphs.compare()
    page = (built_html / "book" / "comparaison" / "gouvernance.html").read_text(encoding="utf-8")
    for row in table[table["fondement"] != ""].itertuples():
        assert re.search(rf"<li>{re.escape(row.region)}\s*:", page), row.region
