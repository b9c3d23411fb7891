"""The evidence standard for finding × region verdicts (analysis.contract.evidence), case by case."""

from __future__ import annotations

import pytest

from analysis.contract import evidence, labels
from analysis.contract.evidence import ISOLATED, SILENCE, Passage


def passage(seg: str, source: str, era: str = evidence.PERIOD_ERA, abolition: bool = False) -> Passage:
    return Passage(seg, source, era, abolition)


TWO_SOURCES = [passage("a-seg-1", "a-src-1"), passage("a-seg-2", "a-src-2")]
ONE_SOURCE = [passage("a-seg-1", "a-src-1"), passage("a-seg-2", "a-src-1")]


@pytest.mark.parametrize("verdict", ["corrobore", "nuance", "contredit"])
def test_a_graded_verdict_needs_two_passages_from_two_sources(verdict):
    assert evidence.breaches(verdict, TWO_SOURCES) == []
    for thin in (ONE_SOURCE, TWO_SOURCES[:1]):
        (problem,) = evidence.breaches(verdict, thin)
        assert f"verdict {verdict!r} needs at least 2 passages from 2 distinct sources" in problem


def test_an_isolated_clue_is_only_for_what_falls_short():
    assert evidence.breaches(ISOLATED, ONE_SOURCE) == []
    assert evidence.breaches(ISOLATED, TWO_SOURCES[:1]) == []
    (problem,) = evidence.breaches(ISOLATED, TWO_SOURCES)
    assert "meets the standard" in problem


def test_abolition_and_later_passages_do_not_count_and_are_named():
    later = passage("a-seg-3", "a-src-3", era="apres-2015")
    abolition = passage("a-seg-4", "a-src-4", abolition=True)
    assert evidence.counts([*TWO_SOURCES[:1], later, abolition]) == (1, 1)
    problems = evidence.breaches("corrobore", [TWO_SOURCES[0], later, abolition])
    assert any("'a-seg-3'" in p and "era 'apres-2015'" in p for p in problems)
    assert any("'a-seg-4'" in p and "abolition" in p for p in problems)
    assert any("it has 1 from 1" in p for p in problems)


def test_silence_names_no_passage_and_a_verdict_names_some():
    assert evidence.breaches(SILENCE, []) == []
    assert "a silence names passages" in evidence.breaches(SILENCE, ONE_SOURCE)[0]
    assert "names no passage" in evidence.breaches("corrobore", [])[0]


def test_the_verdicts_of_the_standard_are_labelled_values():
    assert {SILENCE, ISOLATED} <= set(labels.mapping("finding_assessment"))
    assert labels.label("evidence_level", "lecture-edition") == "lecture de l’édition"
