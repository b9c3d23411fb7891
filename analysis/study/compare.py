"""The comparative study as data: the study's findings, their assessment region by region, the
coding coverage of the grid, and the Alliances side by side.

Every function reads the package (or frames passed in) and returns a frame; the chapters of Part III
only display them. Nothing here names a region or counts regions by hand: the region list is
`data/regions.csv`.
"""

from __future__ import annotations

import pandas as pd

from analysis.contract import data, dates, evidence, labels, typography
from analysis.contract.data import split_ids
from analysis.contract.evidence import FINDING_PREFIX, FINDING_TOPIC
from analysis.study import region, statements

VERDICTS = "finding_assessment"  # label domain of the verdicts: their order is the order of labels.csv
PERIODS = {"2014-2016": (2014, 2016), "2018-2023": (2018, 2023)}  # what followed, as the issue frames it


# ------------------------------------------------------------------------------------------ basics

def regions() -> pd.DataFrame:
    return data.load("regions")[["region_id", "name"]]


def region_names() -> dict[str, str]:
    frame = regions()
    return dict(zip(frame["region_id"], frame["name"], strict=True))


def dimension_of(codebook: pd.DataFrame) -> pd.Series:
    """code_id -> top-level dimension (the codebook's `dimension` column)."""
    return codebook.set_index("code_id")["dimension"]


def dimension_order(codebook: pd.DataFrame) -> list[str]:
    """Dimensions in the order of their root rows in the codebook."""
    roots = codebook[codebook["parent_id"].isna()]
    return list(dict.fromkeys(roots["dimension"]))


def top_code(codebook: pd.DataFrame) -> pd.Series:
    """code_id -> its ancestor just under the dimension root (a sub-code maps to its code)."""
    parent = codebook.set_index("code_id")["parent_id"]
    roots = set(codebook.loc[codebook["parent_id"].isna(), "code_id"])
    out = {}
    for code in parent.index:
        current = code
        while pd.notna(parent[current]) and parent[current] not in roots:
            current = parent[current]
        out[code] = current
    return pd.Series(out)


# ---------------------------------------------------------------------------------------- findings

def findings(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The study's findings assessed in this book, in file order, with their linked codes as a list."""
    facts = data.load("study_facts") if facts is None else facts
    rows = facts[(facts["topic"] == FINDING_TOPIC) & facts["fact_id"].str.startswith(FINDING_PREFIX)].copy()
    rows["codes"] = rows["items"].map(split_ids)
    return rows.reset_index(drop=True)


def verdict_order() -> list[str]:
    """The verdicts in the order a reader meets them (their rows in labels.csv)."""
    return list(labels.mapping(VERDICTS))


def assessments(table: pd.DataFrame | None = None) -> pd.DataFrame:
    table = data.load("finding_assessments") if table is None else table
    out = table.copy()
    out["segments"] = out["segment_ids"].map(split_ids)
    return out


def cell_evidence(table: pd.DataFrame | None = None, segments: pd.DataFrame | None = None,
                  sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per finding × region: the passages and distinct sources that count under the evidence standard
    (`analysis.contract.evidence`), and whether the cell meets it. The validator holds every stored verdict
    to this; the pages show the counts beside each verdict."""
    table = assessments(table)
    segments = data.load("coded_segments") if segments is None else segments
    sources = data.load("sources") if sources is None else sources
    era = sources.set_index("source_id")["era"]
    by_id = {row.segment_id: evidence.Passage(row.segment_id, row.source_id, era.get(row.source_id, ""),
                                              bool(row.about_abolition))
             for row in segments.itertuples(index=False)}
    cells = [[by_id[s] for s in ids if s in by_id] for ids in table["segments"]]
    counted = [evidence.counts(c) for c in cells]
    return pd.DataFrame({
        "finding_id": table["finding_id"], "region_id": table["region_id"],
        "n_passages": [n for n, _ in counted], "n_sources": [m for _, m in counted],
        "meets_standard": [evidence.meets_standard(c) for c in cells],
    })


def matrix(table: pd.DataFrame | None = None, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per finding × region, with French labels, ready for the matrix chart and its table."""
    found = findings(facts)
    table = assessments(table)
    names = region_names()
    order = {fid: i for i, fid in enumerate(found["fact_id"])}
    region_order = {rid: i for i, rid in enumerate(names)}
    out = table.merge(found[["fact_id", "value_text", "statement_fr", "seed_locator"]], left_on="finding_id",
                      right_on="fact_id", how="left")
    out["constat"] = out["value_text"]
    out["region"] = out["region_id"].map(names)
    out["verdict"] = out["assessment"].map(labels.mapping(VERDICTS))
    out = out.merge(cell_evidence(table), on=["finding_id", "region_id"], how="left")
    out["note"] = out["note_fr"].map(typography.fr)
    out["cell_id"] = "cellule-" + out["finding_id"] + "-" + out["region_id"]
    out = out.assign(_f=out["finding_id"].map(order), _r=out["region_id"].map(region_order))
    return out.sort_values(["_f", "_r"]).drop(columns=["_f", "_r", "fact_id"]).reset_index(drop=True)


def verdict_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Count of each verdict per finding (rows) — every verdict column present, zeros included."""
    counts = pd.crosstab(frame["finding_id"], frame["assessment"]).reindex(columns=verdict_order(), fill_value=0)
    return counts.reindex(list(dict.fromkeys(frame["finding_id"])))


# ------------------------------------------------------------------------------------ coverage

def coverage(segments: pd.DataFrame | None = None, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coded passages per top-level dimension (rows, codebook order) and region (columns, regions.csv)."""
    segments = data.load("coded_segments") if segments is None else segments
    codebook = data.load("codebook") if codebook is None else codebook
    dims = segments["code_id"].map(dimension_of(codebook))
    if dims.isna().any():
        unknown = sorted(set(segments.loc[dims.isna(), "code_id"]))
        raise KeyError(f"coded_segments.csv: codes not in the codebook: {', '.join(unknown)}")
    table = pd.crosstab(dims, segments["region_id"])
    return table.reindex(index=dimension_order(codebook), columns=list(region_names()), fill_value=0)


def record_size() -> pd.DataFrame:
    """How much each region's public record holds (the denominator for every count of passages)."""
    comp = region.completeness()
    return comp[["region_id", "region", "sources", "sources_pagsis", "segments_codes", "projets_nommes",
                 "lacunes"]]


def code_counts(dimension: str, segments: pd.DataFrame | None = None,
                codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coded passages of one dimension per code (sub-codes folded into their code) and region, with the
    share of the region's coded passages they represent. Long format, zero rows included."""
    segments = data.load("coded_segments") if segments is None else segments
    codebook = data.load("codebook") if codebook is None else codebook
    by_id = codebook.set_index("code_id")
    tops = top_code(codebook)
    codes = [c for c in codebook.loc[codebook["dimension"] == dimension, "code_id"]
             if pd.notna(by_id.loc[c, "parent_id"]) and tops[c] == c]
    seg = segments.assign(code=segments["code_id"].map(tops))
    seg = seg[seg["code"].isin(codes)]
    names = region_names()
    totals = segments.groupby("region_id").size().reindex(list(names), fill_value=0)
    grid = pd.MultiIndex.from_product([codes, list(names)], names=["code", "region_id"])
    counts = seg.groupby(["code", "region_id"]).size().reindex(grid, fill_value=0).rename("passages")
    out = counts.reset_index()
    out["code_label"] = out["code"].map(by_id["label_fr"])
    out["region"] = out["region_id"].map(names)
    out["total_region"] = out["region_id"].map(totals)
    out["part"] = out["passages"] / out["total_region"].where(out["total_region"] > 0)
    return out


def theme_counts(projects: pd.DataFrame | None = None, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Named projects per theme and region (long format, zeros included, themes in codebook order)."""
    projects = data.load("projects") if projects is None else projects
    codebook = data.load("codebook") if codebook is None else codebook
    themes = codebook[(codebook["dimension"] == "theme") & codebook["parent_id"].notna()]
    names = region_names()
    grid = pd.MultiIndex.from_product([list(themes["code_id"]), list(names)], names=["theme", "region_id"])
    known = projects.dropna(subset=["theme"])
    counts = known.groupby(["theme", "region_id"]).size().reindex(grid, fill_value=0).rename("projets")
    out = counts.reset_index()
    out["theme_label"] = out["theme"].map(themes.set_index("code_id")["label_fr"])
    out["region"] = out["region_id"].map(names)
    named = projects.groupby("region_id").size().reindex(list(names), fill_value=0)
    out["projets_region"] = out["region_id"].map(named)
    return out


# -------------------------------------------------------------------------------- side by side

def _period_overlaps(period: object, start: int, end: int) -> bool:
    years = [int(y) for y in str(period).split("-") if y.isdigit()] if pd.notna(period) else []
    return bool(years) and years[0] <= end and years[-1] >= start


def after_counts(region_id: str, start: int, end: int, facts: pd.DataFrame, ties: pd.DataFrame,
                 actors: pd.DataFrame) -> int:
    """Dated facts and ties of a region that fall in [start, end]."""
    of_region = facts[facts["region_id"] == region_id]
    years = pd.to_numeric(of_region["date"].str[:4], errors="coerce")
    n_facts = int(years.between(start, end).sum())
    ids = set(actors.loc[actors["region_id"] == region_id, "actor_id"])
    mine = ties[ties["source_actor"].isin(ids) | ties["target_actor"].isin(ids)]
    n_ties = int(mine["period"].map(lambda p: _period_overlaps(p, start, end)).sum())
    return n_facts + n_ties


def side_by_side(segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per region: every statement of the study model (`st_<key>` columns hold `Statement`
    objects), the quantities the small multiples plot, and the size of the region's public record."""
    segments = data.load("coded_segments") if segments is None else segments
    facts, ties, actors = data.load("region_facts"), data.load("ties"), data.load("actors")
    comp = region.completeness().set_index("region_id")
    rows = []
    for region_id, name in region_names().items():
        model = statements.of_region(region_id)
        row = {"region_id": region_id, "region": name, **{f"st_{k}": st for k, st in model.items()}}
        row.update({
            "enveloppe": model["envelope"].quantity if model["envelope"].documented else pd.NA,
            "projets_nommes": int(model["projects-named"].quantity or 0),
            "projets_enonces": model["projects-stated"].quantity if model["projects-stated"].documented else pd.NA,
            "sources": int(comp.loc[region_id, "sources"]),
            "segments": int((segments["region_id"] == region_id).sum()),
            "lacunes": int(comp.loc[region_id, "lacunes"]),
            "fin_de_cycle": after_counts(region_id, *PERIODS["2014-2016"], facts, ties, actors),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def documented(side: pd.DataFrame, key: str) -> pd.Series:
    """Per region (side_by_side rows): whether the statement `key` is documented."""
    return side[f"st_{key}"].map(lambda st: st.documented)


# ------------------------------------------------------------------------------------ after 2015

def end_facts(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facts of topic `fin` (the end of the cycle and what replaced the CRÉ), regions in regions.csv order."""
    facts = data.load("region_facts") if facts is None else facts
    names = region_names()
    rows = facts[facts["topic"] == "fin"].copy()
    rows["region"] = rows["region_id"].map(names)
    rows["quand"] = [dates.french(d, p) or "non daté" for d, p in zip(rows["date"], rows["date_precision"],
                                                                        strict=True)]
    rows["texte"] = rows["statement_fr"].map(typography.fr)
    rows["_r"] = rows["region_id"].map({r: i for i, r in enumerate(names)})
    rows["_d"] = rows["date"].fillna("9999")
    return rows.sort_values(["_r", "_d"]).drop(columns=["_r", "_d"]).reset_index(drop=True)


def later_ties(ties: pd.DataFrame | None = None, actors: pd.DataFrame | None = None,
               start: int = 2015) -> pd.DataFrame:
    """Ties whose period reaches `start` or later, with both ends named and the relation in French."""
    ties = data.load("ties") if ties is None else ties
    actors = data.load("actors") if actors is None else actors
    names = actors.set_index("actor_id")
    keep = ties["period"].map(lambda p: _period_overlaps(p, start, 2100))
    rows = ties[keep].copy()
    rows["region_id"] = [names.loc[s, "region_id"] if pd.notna(names.loc[s, "region_id"])
                         else names.loc[t, "region_id"]
                         for s, t in zip(rows["source_actor"], rows["target_actor"], strict=True)]
    rows = rows.dropna(subset=["region_id"])
    rows["de"] = rows["source_actor"].map(names["name"])
    rows["vers"] = rows["target_actor"].map(names["name"])
    rows["relation_fr"] = rows["relation"].map(labels.mapping("relation"))
    rows["region"] = rows["region_id"].map(region_names())
    return rows.reset_index(drop=True)


def after_summary() -> pd.DataFrame:
    """Per region: end-of-cycle facts, ties still active from 2015, and post-2015 sources."""
    names = region_names()
    ends = end_facts()
    later = later_ties()
    sources = data.load("sources")
    rows = []
    for region_id, name in names.items():
        rows.append({
            "region_id": region_id,
            "region": name,
            "faits_fin": int((ends["region_id"] == region_id).sum()),
            "liens_2015_plus": int((later["region_id"] == region_id).sum()),
            "sources_apres": int(((sources["region_id"] == region_id) & (sources["era"] == "apres-2015")).sum()),
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------- rendering


EVIDENCE_LEVELS = "evidence_level"  # label domain of the evidence markers
READING = "lecture-edition"  # the marker of the edition's own readings (verdicts, modes, inferences)


def reading_marker() -> str:
    """The French words that flag a reading of the edition, distinct from what a source states."""
    return labels.label(EVIDENCE_LEVELS, READING)


SOCIAL_BODY_WORDS = "développement social"  # how the regional social-development bodies name themselves


def social_bodies(actors: pd.DataFrame | None = None, ties: pd.DataFrame | None = None,
                  start: int = 2015) -> pd.DataFrame:
    """Per region: its regional social-development body (if the package has one) and what its ties
    from `start` on say (relation, other end, period)."""
    actors = data.load("actors") if actors is None else actors
    ties = data.load("ties") if ties is None else ties
    names = actors.set_index("actor_id")["name"]
    relation = labels.mapping("relation")
    bodies = actors[(actors["level"] == "regional")
                    & actors["name"].str.contains(SOCIAL_BODY_WORDS, case=False, regex=False)]
    rows = []
    for region_id, region_name in region_names().items():
        mine = bodies[bodies["region_id"] == region_id]
        if mine.empty:
            rows.append({"region_id": region_id, "region": region_name, "organisme": pd.NA, "apres": pd.NA})
            continue
        for body in mine.itertuples(index=False):
            later = ties[((ties["source_actor"] == body.actor_id) | (ties["target_actor"] == body.actor_id))
                         & ties["period"].map(lambda p: _period_overlaps(p, start, 2100))]
            described = [
                f"{names[t.source_actor]} {relation[t.relation]} {names[t.target_actor]} ({t.period})"
                for t in later.itertuples(index=False)
            ]
            rows.append({"region_id": region_id, "region": region_name, "organisme": body.name,
                         "apres": typography.fr(" ; ".join(described)) if described else pd.NA,
                         "source_ids": ";".join(dict.fromkeys(s for cell in later["source_ids"]
                                                              for s in split_ids(cell))) or pd.NA})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- avenues (pistes)

def avenue_findings(rec_id: str, recommendations: pd.DataFrame | None = None,
                    facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The study's findings that share at least one grid code with an avenue (the avenue's basis in the
    summary's results), with the codes they share."""
    recs = data.load("recommendations") if recommendations is None else recommendations
    rec = recs.set_index("recommendation_id").loc[rec_id]
    codes = set(split_ids(rec["code_ids"]))
    found = findings(facts)
    found["partages"] = found["codes"].map(lambda cs: [c for c in cs if c in codes])
    return found[found["partages"].map(bool)].reset_index(drop=True)


def avenue_regions(rec_id: str, recommendations: pd.DataFrame | None = None,
                   segments: pd.DataFrame | None = None, codebook: pd.DataFrame | None = None,
                   sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per region: passages coded on the avenue's codes up to 2015 (period and earlier context) and afterwards."""
    recs = data.load("recommendations") if recommendations is None else recommendations
    segments = data.load("coded_segments") if segments is None else segments
    codebook = data.load("codebook") if codebook is None else codebook
    sources = data.load("sources") if sources is None else sources
    codes = split_ids(recs.set_index("recommendation_id").loc[rec_id, "code_ids"])
    label = codebook.set_index("code_id")["label_fr"]
    era = sources.set_index("source_id")["era"]
    seg = segments[segments["code_id"].isin(codes)].assign(era=lambda f: f["source_id"].map(era))
    rows = []
    for region_id, name in region_names().items():
        mine = seg[seg["region_id"] == region_id]
        during = mine[mine["era"] != "apres-2015"]
        after = mine[mine["era"] == "apres-2015"]
        rows.append({
            "region_id": region_id, "region": name,
            "n_periode": len(during),
            "codes_periode": " ; ".join(label[c] for c in dict.fromkeys(during["code_id"])) or pd.NA,
            "n_apres": len(after),
            "apres": typography.fr(" ".join(after["summary_fr"])) if len(after) else pd.NA,
            "source_ids": ";".join(dict.fromkeys(mine["source_id"])) or pd.NA,
        })
    return pd.DataFrame(rows)


def avenue_verdicts(recommendations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every finding an avenue extends, once: its regional verdicts (one column per region, by name)."""
    recs = data.load("recommendations") if recommendations is None else recommendations
    linked = list(dict.fromkeys(f for rid in recs["recommendation_id"]
                                for f in avenue_findings(rid, recs)["fact_id"]))
    frame = matrix()
    frame = frame[frame["finding_id"].isin(linked)]
    wide = frame.pivot(index="finding_id", columns="region", values="verdict").loc[linked]
    names = list(region_names().values())
    titles = frame.drop_duplicates("finding_id").set_index("finding_id")["value_text"]
    return wide[names].rename_axis(columns=None).assign(constat=titles.loc[linked]).reset_index()


