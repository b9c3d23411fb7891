"""The evidence standard for the finding × region verdicts (`finding_assessments`): one definition, enforced
by the validator (`analysis.contract.validate`) and applied by the study layer (`analysis.study.compare`).

A coded passage counts towards a verdict when its source belongs to the plan's period (`sources.era`) and
the passage is not about the 2014-2016 abolition of the CRÉ (`coded_segments.about_abolition`): the study
observed the process from 2010 to 2014, and the abolition came after it. A silence names no passage; every
other verdict names only passages that count. An isolated clue (`indice-isole`) rests on fewer passages or
sources than the standard asks; every other verdict meets the standard.
"""

from __future__ import annotations

from dataclasses import dataclass

FINDING_TOPIC = "resultats"  # study_facts rows that are findings of the study (not design or corpus)
FINDING_PREFIX = "constat-"  # findings assessed region by region (the other `resultats` rows are counts)
PERIOD_ERA = "pagsis"  # sources.era of the 2010-2015 plan
MIN_PASSAGES = 2  # passages that count, for any verdict other than a silence or an isolated clue
MIN_SOURCES = 2  # ... drawn from this many distinct sources
SILENCE = "silence"
ISOLATED = "indice-isole"
MIN_REGIONS = 3  # a dimension of the grid is "covered" when coded passages exist in this many regions


@dataclass(frozen=True)
class Passage:
    """What the standard needs to know about one coded passage."""

    segment_id: str
    source_id: str
    era: str
    about_abolition: bool


def exclusion(passage: Passage) -> str | None:
    """Why a passage cannot support a verdict, or None when it counts."""
    if passage.era != PERIOD_ERA:
        return f"its source {passage.source_id!r} is not of the 2010-2015 period (era {passage.era!r})"
    if passage.about_abolition:
        return "it is about the 2014-2016 abolition of the CRÉ, not about the process the study observed"
    return None


def counts(passages: list[Passage]) -> tuple[int, int]:
    """(passages, distinct sources) among the passages that count."""
    kept = [p for p in passages if exclusion(p) is None]
    return len(kept), len({p.source_id for p in kept})


def meets_standard(passages: list[Passage]) -> bool:
    n_passages, n_sources = counts(passages)
    return n_passages >= MIN_PASSAGES and n_sources >= MIN_SOURCES


def breaches(verdict: str, passages: list[Passage]) -> list[str]:
    """What is wrong with `verdict` resting on `passages` (empty when it meets the standard)."""
    ids = ", ".join(p.segment_id for p in passages)
    if verdict == SILENCE:
        return [f"a silence names passages ({ids}); a silence names none"] if passages else []
    if not passages:
        return [f"verdict {verdict!r} names no passage; name its passages or grade it {SILENCE!r}"]
    problems = [f"passage {p.segment_id!r} cannot support a verdict: {reason}"
                for p in passages if (reason := exclusion(p))]
    n_passages, n_sources = counts(passages)
    if verdict == ISOLATED and meets_standard(passages):
        problems.append(f"verdict {ISOLATED!r} rests on {n_passages} passages from {n_sources} sources, which "
                        "meets the standard: an isolated clue has fewer; grade what the passages say")
    elif verdict != ISOLATED and not meets_standard(passages):
        problems.append(f"verdict {verdict!r} needs at least {MIN_PASSAGES} passages from {MIN_SOURCES} distinct "
                        f"sources of 2010-2015 (not about the abolition); it has {n_passages} from {n_sources}: "
                        f"grade it {ISOLATED!r} or name more passages")
    return problems
