"""One region's public record, gathered from every table, and the completeness of that record."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.contract import data, labels
from analysis.study import statements

# Tables that carry a region_id column, in the order a chapter presents them.
REGIONAL_TABLES = ["territories", "funding", "region_facts", "actors", "projects", "coded_segments", "gaps",
                   "cycles"]
PAGSIS_YEARS = (2010, 2015)
# A signature date is known only to the day or the month: a year from one article, or a year the edition
# deduced, places the signature no more precisely than the plan's five years.
SIGNATURE_PRECISIONS = ("jour", "mois")


@dataclass(frozen=True)
class Profile:
    region: pd.Series
    sources: pd.DataFrame
    territories: pd.DataFrame
    funding: pd.DataFrame
    region_facts: pd.DataFrame
    actors: pd.DataFrame
    ties: pd.DataFrame
    projects: pd.DataFrame
    coded_segments: pd.DataFrame
    gaps: pd.DataFrame
    cycles: pd.DataFrame

    @property
    def name(self) -> str:
        return str(self.region["name"])

    @property
    def pagsis_funding(self) -> pd.DataFrame:
        """Amounts of the 2010-2015 period; undated amounts are kept (they may belong to it)."""
        start = pd.to_numeric(self.funding["period_start"], errors="coerce")
        return self.funding[start.isna() | start.between(*PAGSIS_YEARS)]


def cycles(region_id: str) -> pd.DataFrame:
    """The region's steps after 2015 in cycle order, with the mandataire's name (blank when unnamed)."""
    rows = _of_region(data.load("cycles"), region_id)
    order = {c: i for i, c in enumerate(labels.mapping(labels.domain_of("cycles", "cycle")))}
    names = data.load("actors").set_index("actor_id")["name"]
    return (rows.assign(mandataire_name=rows["mandataire_actor"].map(names), _order=rows["cycle"].map(order))
            .sort_values("_order").drop(columns="_order").reset_index(drop=True))


def signature_known(facts: pd.DataFrame) -> bool:
    """True when a signature fact is dated to the day or the month."""
    signed = facts[facts["topic"] == "signature"]
    return bool((signed["date"].notna() & signed["date_precision"].isin(SIGNATURE_PRECISIONS)).any())


def profile(region_id: str) -> Profile:
    regions = data.load("regions").set_index("region_id", drop=False)
    if region_id not in regions.index:
        raise KeyError(f"unknown region {region_id!r}; known: {', '.join(regions.index)}")
    tables = {name: _of_region(data.load(name), region_id) for name in REGIONAL_TABLES}
    sources = data.load("sources")
    return Profile(
        region=regions.loc[region_id],
        sources=sources[sources["region_id"] == region_id].reset_index(drop=True),
        ties=_ties_of(tables["actors"], data.load("ties")),
        **tables,
    )


def _of_region(frame: pd.DataFrame, region_id: str) -> pd.DataFrame:
    return frame[frame["region_id"] == region_id].reset_index(drop=True)


def _ties_of(actors: pd.DataFrame, ties: pd.DataFrame) -> pd.DataFrame:
    """Ties with at least one end among the region's organisations."""
    ids = set(actors["actor_id"])
    keep = ties["source_actor"].isin(ids) | ties["target_actor"].isin(ids)
    return ties[keep].reset_index(drop=True)


# French labels of the completeness columns, shared by the regional chapters and the methodology.
COMPLETENESS_LABELS = {
    "sources": "Sources (documents régionaux)",
    "sources_pagsis": "dont sources de la période 2010-2015",
    "territoires": "Territoires (MRC et équivalents)",
    "territoires_alliance": "dont territoires de l'Alliance (part du fonds attestée)",
    "communautes": "Communautés des Premières Nations situées dans la région",
    "montants": "Montants publiés",
    "enveloppe_retenue": "Enveloppe régionale 2010-2015 connue",
    "signature_documentee": "Date de signature de l'Alliance connue",
    "projets_nommes": "Projets financés nommés",
    "projets_annonces": "Plus grand nombre de projets énoncé par une source",
    "organisations": "Organisations",
    "liens": "Liens documentés entre organisations",
    "segments_codes": "Segments codés",
    "lacunes": "Lacunes relevées",
}


def completeness(region_ids: list[str] | None = None) -> pd.DataFrame:
    """What each region's public record documents: counts per table and the key facts found or not."""
    region_ids = region_ids or list(data.load("regions")["region_id"])
    return pd.DataFrame([_completeness_row(region_id) for region_id in region_ids])


@lru_cache(maxsize=64)
def _completeness_row(region_id: str) -> dict:
    """One region's row, counted once like the tables `data.load` reads: the regional chapter, the method and
    four comparative pages each ask for it (`completeness` copies it into its frame)."""
    p = profile(region_id)
    pagsis_sources = p.sources[p.sources["era"] == "pagsis"]
    counts = statements.territory_counts(region_id)
    return {
        "region_id": region_id,
        "region": p.name,
        "sources": len(p.sources),
        "sources_pagsis": len(pagsis_sources),
        "territoires": len(counts.municipal),
        "territoires_alliance": len(counts.alliance),
        "communautes": len(counts.first_nations),
        "montants": len(p.funding),
        "enveloppe_retenue": statements.envelope(region_id).documented,
        "signature_documentee": signature_known(p.region_facts),
        "projets_nommes": len(p.projects),
        "projets_annonces": _quantity(statements.projects_stated(region_id)),
        "organisations": len(p.actors),
        "liens": len(p.ties),
        "segments_codes": len(p.coded_segments),
        "lacunes": len(p.gaps),
    }


def _quantity(st: statements.Statement) -> object:
    return int(st.quantity) if st.documented else pd.NA
