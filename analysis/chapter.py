"""The sections every regional chapter shares, written once for the six regions.

A chapter calls `start(region_id)` in its hidden first cell (it glues the chapter's numbers),
then one function per section; each returns something Jupyter displays.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML, display
from myst_nb import glue

from analysis import book, charts, citation, data, networks, region, tables

REGION_PAGE = "book/regions/{region_id}"
BANNERS = {  # edition -> (admonition classes, title, text); the public one stands in for restricted data
    False: ("warning synthetic-banner", "Données synthétiques",
            "Les entrevues de la recherche sont confidentielles et absentes du dépôt. Ce qui suit est un "
            "substitut fabriqué à partir des seuls agrégats publiés par l'étude, pour montrer la chaîne de "
            "traitement : ce ne sont pas les réponses des personnes interrogées, et aucune conclusion ne "
            "peut en être tirée."),
    True: ("important restricted-banner", "Données d'entrevues (édition restreinte)",
           "Cette édition lit les entrevues codées de la recherche, qui ne sont pas publiques. Seuls des "
           "décomptes de personnes distinctes sont montrés ; un décompte inférieur au seuil, ou qui "
           "permettrait d'en retrouver un, est remplacé par « x »."),
}


def start(region_id: str) -> region.Profile:
    """Load the region's record and glue the values its prose cites."""
    book.setup()
    p = region.profile(region_id)
    envelope = p.retained_envelope
    values = {
        "nom": p.name,
        "n_sources": len(p.sources),
        "n_sources_pagsis": int((p.sources["era"] == "pagsis").sum()),
        "n_territoires": len(p.territories),
        "n_montants": len(p.funding),
        "n_projets": len(p.projects),
        "n_projets_montant": int(p.projects["fqis_amount"].notna().sum()),
        "n_organisations": networks.graphs.summary(region_id).organisations,  # what the diagram draws
        "n_liens": networks.graphs.summary(region_id).liens,
        "n_segments": len(p.coded_segments),
        "n_codes": p.coded_segments["code_id"].nunique(),
        "n_lacunes": len(p.gaps),
        "enveloppe": book.french_number(envelope["amount"]) + " $" if envelope is not None else "non documentée",
        "n_enveloppes_divergentes": int((p.funding["scope"] == "enveloppe-regionale").sum()),
    }
    for key, value in values.items():
        glue(key, value, display=False)
    return p


def territories(p: region.Profile) -> HTML:
    return HTML(tables.render(p.territories, {"name": "Territoire", "kind": "Genre", "note": "Remarque",
                                              "source_ids": "Sources"},
                              caption=f"Territoires de la région {p.name}"))


def funding(p: region.Profile) -> None:
    period = p.pagsis_funding
    if period.empty:
        display(HTML("<p class='gap'>Aucun montant de la période 2010-2015 n'est documenté dans les "
                     "sources publiques.</p>"))
    else:
        _funding_chart(p, period)
    if not p.funding.empty:
        display(HTML(tables.render(p.funding, {
            "funding_id": "Id", "scope": "Portée", "amount": "Montant ($)", "period_start": "Début",
            "period_end": "Fin", "retained": "Retenu", "confidence": "Certitude", "note": "Remarque",
            "source_ids": "Sources"}, caption=f"Montants publiés, {p.name}")))


def _funding_chart(p: region.Profile, period: pd.DataFrame) -> None:
    chart = charts.amounts(
        period,
        title=f"{p.name} : montants publiés pour la période de l'Alliance",
        description=(f"Diagramme en barres des {len(period)} montants que les sources publiques donnent "
                     f"pour la région {p.name} pendant la période 2010-2015 ou sans date ; la barre de "
                     "couleur distincte est l'enveloppe retenue."),
    )
    charts.show(chart, period[["funding_id", "scope", "amount", "period_start", "period_end", "retained",
                               "confidence", "source_ids"]])


def facts(p: region.Profile) -> HTML:
    ordered = p.region_facts.sort_values(["date", "fact_id"], na_position="last")
    return HTML(tables.render(ordered, {"date": "Date", "topic": "Thème", "statement_fr": "Fait",
                                        "confidence": "Certitude", "source_ids": "Sources"},
                              caption=f"Faits datés sur l'Alliance, {p.name}"))


def governance(p: region.Profile) -> None:
    networks.diagram.show(str(p.region["region_id"]), f"{p.name} : organisations et liens documentés")


def projects(p: region.Profile) -> None:
    if p.projects.empty:
        display(HTML("<p class='gap'>Aucun projet financé n'est nommé dans les sources publiques.</p>"))
        return
    labels = _labels()
    by_theme = (p.projects.assign(theme_label=p.projects["theme"].map(labels))
                .groupby("theme_label").size().rename("n").reset_index())
    chart = charts.counts(
        by_theme, "theme_label", category_title="Thème",
        title=f"{p.name} : projets nommés par thème",
        description=f"Nombre de projets financés que les sources nomment pour la région {p.name}, par thème.",
    )
    charts.show(chart, by_theme.rename(columns={"theme_label": "Thème", "n": "Projets"}))
    shown = p.projects.assign(theme=p.projects["theme"].map(labels))
    display(HTML(tables.render(shown, {
        "title": "Projet", "theme": "Thème", "fqis_amount": "Montant accordé ($)",
        "total_amount": "Coût total ($)", "year_start": "Début", "year_end": "Fin",
        "confidence": "Certitude", "source_ids": "Sources"},
        caption=f"Projets nommés, {p.name}")))


def coding(p: region.Profile) -> None:
    codebook = data.load("codebook").set_index("code_id")
    segments = p.coded_segments.assign(
        code=p.coded_segments["code_id"].map(codebook["label_fr"]),
        dimension=p.coded_segments["code_id"].map(codebook["dimension"]),
    )
    by_dim = segments.groupby("dimension").size().rename("n").reset_index()
    chart = charts.counts(
        by_dim, "dimension", category_title="Dimension",
        title=f"{p.name} : segments documentaires par dimension de la grille",
        description=(f"Nombre de passages de sources publiques codés pour la région {p.name}, "
                     "selon la dimension de la grille d'analyse."),
    )
    charts.show(chart, by_dim.rename(columns={"dimension": "Dimension", "n": "Segments"}))
    segments = segments.assign(source_ids=segments["source_id"])
    display(HTML(tables.render(segments.sort_values(["dimension", "code"]), {
        "dimension": "Dimension", "code": "Code", "summary_fr": "Ce que dit la source (résumé)",
        "locator": "Passage", "source_ids": "Source"}, caption=f"Codage documentaire, {p.name}")))


def interviews(p: region.Profile) -> None:
    """Banner, then one disclosure-controlled chart: distinct interviewees by dimension of the grid."""
    from analysis import interviews as iv
    from analysis.validate import MIN_COUNT

    source = iv.load()
    classes, heading, text = BANNERS[source.restricted]
    display(HTML(f"<div class='admonition {classes}' role='note'><p class='admonition-title'>{heading}</p>"
                 f"<p>{text}</p></div>"))
    frame = iv.region_frame(str(p.region["region_id"]))
    chart = iv.chart(
        frame,
        # The label comes first so it stays visible however narrow the page is.
        title=alt.TitleParams(f"{source.label.capitalize()} — {p.name}",
                              subtitle="Personnes interrogées par dimension de la grille"),
        description=(f"{source.label.capitalize()}. Barres horizontales : pour la région {p.name} et pour "
                     "chaque dimension de la grille, nombre de personnes interrogées distinctes dont l'entrevue "
                     f"touche au moins un de ses codes. Un décompte inférieur à {MIN_COUNT}, ou qui permettrait "
                     "d'en retrouver un à partir des totaux, est masqué et affiché « x »."),
    )
    display(chart)
    shown = frame[["dimension", "shown"]].rename(columns={
        "dimension": "Dimension de la grille", "shown": "Personnes interrogées (distinctes)"})
    fallback = charts.table_fallback(shown, summary=f"Données du graphique (tableau) — {source.label}")
    display(HTML(f"<div class='published-aggregate' data-synthetic='{str(source.synthetic).lower()}'>"
                 f"{fallback}</div>"))


def gaps(p: region.Profile) -> None:
    row = region.completeness([str(p.region["region_id"])]).drop(columns=["region_id", "region"]).iloc[0]
    summary = pd.DataFrame({"Élément": [region.COMPLETENESS_LABELS[k] for k in row.index],
                            "Dans les sources publiques": [_yes_no(v) for v in row.values]})
    display(HTML(tables.render(summary, {"Élément": "Élément", "Dans les sources publiques":
                                         "Dans les sources publiques"}, caption=f"Complétude, {p.name}")))
    display(HTML(tables.render(p.gaps, {"topic": "Thème", "note_fr": "Ce qui manque"},
                               caption=f"Lacunes documentaires, {p.name}")))


def cite(p: region.Profile) -> HTML:
    page = REGION_PAGE.format(region_id=p.region["region_id"])
    return HTML(citation.box(f"{p.name}", page))




def _yes_no(value: object) -> object:
    if pd.api.types.is_bool(value):
        return "oui" if value else "non"
    return value


def _labels() -> pd.Series:
    return data.load("codebook").set_index("code_id")["label_fr"]
