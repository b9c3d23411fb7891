"""The comparative chapters' HTML: finding blocks, per-finding tables, cited passages, the coverage
table and each avenue's evidence. Everything shown is computed by `analysis.study.compare` (and the
study model); this module only writes it for readers, in French.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import data, labels, typography
from analysis.contract.data import split_ids
from analysis.contract.evidence import FINDING_TOPIC
from analysis.present import tables
from analysis.study import compare

MATRIX_PAGE = "comparaison/dynamiques-enjeux.html"  # relative to book/


def finding_block(fact_id: str, facts: pd.DataFrame | None = None, codebook: pd.DataFrame | None = None,
                  page_prefix: str = "") -> str:
    """HTML for one finding: the statement (edition's words), where the summary says it, the grid codes
    it rests on, and a link to its row of the finding × region matrix."""

    found = compare.findings(facts).set_index("fact_id")
    if fact_id not in found.index:
        raise KeyError(f"study_facts.csv: no finding {fact_id!r} (topic {FINDING_TOPIC})")
    codebook = data.load("codebook") if codebook is None else codebook
    by_code = codebook.set_index("code_id")
    row = found.loc[fact_id]
    unknown = [c for c in row["codes"] if c not in by_code.index]
    if unknown:
        raise KeyError(f"study_facts.csv: finding {fact_id} names unknown codes {', '.join(unknown)}")
    codes = ", ".join(html.escape(by_code.loc[c, "label_fr"]) for c in row["codes"])
    href = f"{page_prefix}{MATRIX_PAGE}#matrice-{fact_id}"
    counts = compare.verdict_counts(compare.matrix(facts=facts)).loc[fact_id]
    verdict_names = labels.mapping(compare.VERDICTS)
    tally = ", ".join(f"{verdict_names[v]} {int(counts[v])}" for v in compare.verdict_order())
    return (
        f"<div class='constat' id='bloc-{html.escape(fact_id)}'>"
        f"<p class='constat-enonce'>{html.escape(typography.fr(row['statement_fr']))}</p>"
        f"<p class='constat-source'>Niveau de preuve{typography.NBSP}: étude (résumé). Où dans le résumé"
        f"{typography.NBSP}: {html.escape(typography.fr(row['seed_locator']))}.</p>"
        f"<p class='constat-codes'>Codes de la grille qui le traduisent{typography.NBSP}: {codes}. "
        f"<a href='{html.escape(href)}'>Ce qu'en dit la trace publique de chaque région</a>. "
        f"Verdicts, en nombre de régions{typography.NBSP}: {html.escape(tally)} (niveau de preuve"
        f"{typography.NBSP}: {html.escape(compare.reading_marker())}).</p>"
        "</div>"
    )


SEGMENT_ANCHOR = "passage-"  # id of a coded passage's row on the matrix page


def passage_links(ids: list[str]) -> str:

    if not ids:
        return "aucun passage"
    return ", ".join(f"<a href='#{SEGMENT_ANCHOR}{html.escape(i)}'>{html.escape(i)}</a>" for i in ids)


def counts_text(n_passages: int, n_sources: int) -> str:
    """« 3 passages, 2 documents » — the evidence behind one verdict, in words."""
    return f"{tables.count(n_passages, 'passage')}, {tables.count(n_sources, 'document')}"


def finding_table_html(frame: pd.DataFrame, fact_id: str) -> str:
    """One finding's row of the matrix as a table (one line per region), wrapped in an anchor block."""

    rows = frame[frame["finding_id"] == fact_id].copy()
    if rows.empty:
        raise KeyError(f"finding_assessments.csv: no assessment for {fact_id!r}")
    rows["passages_html"] = rows["segments"].map(passage_links)
    body = tables.render(rows, {"region": "Région", "verdict": "Ce que dit la trace publique",
                                "n_passages": "Passages", "n_sources": "Documents",
                                "note": "Lecture de l'édition", "passages_html": "Passages codés"},
                         caption=typography.fr(f"« {rows['constat'].iloc[0]} » : la trace publique, région par "
                                               f"région (niveau de preuve : {compare.reading_marker()})"),
                         row_ids=list(rows["cell_id"]), raw=("passages_html",))
    return f"<div class='matrice-constat' id='matrice-{html.escape(fact_id)}'>{body}</div>"


def cited_passages(frame: pd.DataFrame, segments: pd.DataFrame | None = None,
                   codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coded passages the matrix names, once each, in region then id order, ready to render."""
    segments = data.load("coded_segments") if segments is None else segments
    codebook = data.load("codebook") if codebook is None else codebook
    ids = {s for cell in frame["segments"] for s in cell}
    rows = segments[segments["segment_id"].isin(ids)].copy()
    names = compare.region_names()
    rows["region"] = rows["region_id"].map(names)
    rows["code"] = rows["code_id"].map(codebook.set_index("code_id")["label_fr"])
    rows["resume"] = rows["summary_fr"].map(typography.fr)
    rows["emplacement"] = rows["locator"].map(typography.fr)
    rows["source_ids"] = rows["source_id"]
    rows["_r"] = rows["region_id"].map({r: i for i, r in enumerate(names)})
    return rows.sort_values(["_r", "segment_id"]).drop(columns="_r").reset_index(drop=True)


def coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """The coverage crosstab with French dimension and region names and the count of regions covered."""
    names = compare.region_names()
    dims = labels.mapping("dimension")
    out = cov.rename(columns=names)
    out.insert(0, "Dimension", [dims[d] for d in cov.index])
    out["Régions couvertes"] = (cov > 0).sum(axis=1).to_numpy()
    return out.reset_index(drop=True)


AVENUE_VERDICT_PREFIX = "pistes-verdict-"  # row ids of the avenue page's table of regional verdicts


def avenue_html(rec_id: str, recommendations: pd.DataFrame | None = None, page_prefix: str = "") -> str:
    """One avenue's evidence: the study's basis (located in the summary), the findings it extends with
    their regional verdicts, and the regional passages during and after the Alliance period."""

    recs = data.load("recommendations") if recommendations is None else recommendations
    rec = recs.set_index("recommendation_id").loc[rec_id]
    basis = compare.avenue_findings(rec_id, recs)
    parts = [
        f"<p class='piste-resume'><strong>{html.escape(typography.fr(rec['title_fr']))}.</strong> "
        f"{html.escape(typography.fr(rec['summary_fr']))}</p>",
        f"<p class='piste-locator'><strong>Appui dans l'étude</strong>{typography.NBSP}: résumé, "
        f"{html.escape(typography.fr(rec['seed_locator']))} (niveau de preuve{typography.NBSP}: étude).</p>",
    ]
    facts = data.load("study_facts").set_index("fact_id")
    invoked = [f for f in split_ids(rec["fact_ids"]) if f in facts.index]
    if invoked:
        items = "".join(f"<li>{html.escape(typography.fr(facts.loc[f, 'statement_fr']))} "
                        f"<span class='fait-locator'>({html.escape(typography.fr(facts.loc[f, 'seed_locator']))})"
                        "</span></li>" for f in invoked)
        parts.append(f"<p>Faits de l'étude sur lesquels elle s'appuie{typography.NBSP}:</p><ul>{items}</ul>")
    if len(basis):
        # each finding's regional verdicts are shown once on the page (avenue_verdicts); here, a link to them
        shown = basis.assign(
            titre=[f"<a href='#{AVENUE_VERDICT_PREFIX}{html.escape(f)}'>{html.escape(typography.fr(t))}</a>"
                   for f, t in zip(basis["fact_id"], basis["value_text"], strict=True)],
            ou=basis["seed_locator"].map(typography.fr),
        )
        parts.append(tables.render(shown, {"titre": "Constat de l'étude (trace régionale : lien)",
                                           "ou": "Où dans le résumé"}, raw=("titre",),
                                   caption=typography.fr(f"Constats que prolonge la piste « {rec['title_fr']} »")))
    regional = compare.avenue_regions(rec_id, recs)
    regional["region_link"] = [
        f"<a href='{page_prefix}regions/{html.escape(r)}.html'>{html.escape(n)}</a>"
        for r, n in zip(regional["region_id"], regional["region"], strict=True)]
    regional["codes_periode"] = regional["codes_periode"].fillna("aucun passage")
    regional["apres"] = regional["apres"].fillna("non documenté")
    parts.append(tables.render(regional, {"region_link": "Région", "n_periode": "Passages codés (jusqu'en 2015)",
                                          "codes_periode": "Codes relevés", "apres": "Après 2015",
                                          "source_ids": "Documents"},
                               caption=typography.fr(f"Trace régionale des codes de la piste "
                                                     f"« {rec['title_fr']} »"),
                               raw=("region_link",)))
    return "\n".join(parts)
