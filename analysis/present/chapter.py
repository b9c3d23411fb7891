"""The sections every regional chapter shares, written once for all regions.

A chapter is the one template (`analysis/build/templates/region.md`, see `analysis.build.template`): it calls
`start(region_id)` in its hidden first cell (it glues the chapter's numbers), then one function per
section; each returns or displays what the reader sees. Everything regional comes from the data:
« En bref » from the study model (`analysis.study.statements`), the narrative from `narratives.csv`,
the rest from the regional tables.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
from IPython.display import HTML, display
from myst_nb import glue

from analysis.contract import data, dates, labels, typography
from analysis.contract.disclosure import MIN_COUNT
from analysis.interviews import reader as iv
from analysis.present import book, charts, citation, diagram, glossary, statement, tables
from analysis.present import brief as brief_mod
from analysis.present import narrative as narrative_mod
from analysis.study import region, statements

REGION_PAGE = "book/regions/{region_id}"
INTERVIEW_ANNEX = "book/annexes/entrevues"
_SEEN: dict[str, set[str]] = {}
AFTER_2015 = "apres-2015"  # the narrative section the table of later cycles follows
CYCLE_GAP = "non documenté dans les sources publiques"
INTERVIEW_FACT = "etude-entretiens"  # study fact: how many interviews the research made
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
    _SEEN[region_id] = set()  # acronyms already linked to the glossary in this chapter
    narrative_mod.start_page()
    p = region.profile(region_id)
    count = tables.count
    with_amount = int(p.projects["fqis_amount"].notna().sum())
    values = {
        "nom": p.name,
        "sources": count(len(p.sources), "document public"),
        "sources_pagsis": tables.number(int((p.sources["era"] == "pagsis").sum())),
        "montants": count(len(p.funding), "montant"),
        "projets": count(len(p.projects), "projet financé"),
        "projets_montant": tables.number(with_amount) if with_amount else "aucun",
        "segments": count(len(p.coded_segments), "segment"),
        "codes": count(p.coded_segments["code_id"].nunique(), "code distinct"),
        "lacunes": count(len(p.gaps), "lacune"),
        "enveloppe": statement.text(statements.envelope(region_id)),
        "enveloppes_divergentes": count(int((p.funding["scope"] == "enveloppe-regionale").sum()), "présenté"),
    }
    for key, value in values.items():
        glue(key, value, display=False)
    return p


def brief(p: region.Profile) -> HTML:
    """The « En bref » box: one cited point per question a reader asks first."""
    return _html(p, brief_mod.html_for(p))


def narrative(p: region.Profile) -> HTML:
    """The regional narrative, section by section, each paragraph followed by the rows it rests on.

    The « après 2015 » paragraphs are followed by the table of the steps after the plan.
    """
    return _html(p, narrative_mod.html_for(p, after={AFTER_2015: cycles_table(p)}))


def cycles_table(p: region.Profile) -> str:
    """Who took over from the CRÉ and the later Alliances: one row per step, a blank said to be a gap."""
    rows = region.cycles(str(p.region["region_id"]))
    if rows.empty:
        return ("<p class='gap'>Ce qui a suivi 2015 (relève de la CRÉ, Alliances 2017-2023 et 2024-2029) n’est "
                "pas encore relevé pour la région dans la table des cycles.</p>")
    coded = rows
    rows = labels.relabel(rows, "cycles")
    shown = rows.assign(
        envelope=[_envelope(amount, period) for amount, period in zip(rows["envelope"], rows["envelope_period"],
                                                                      strict=True)],
        date=[dates.french(d, precision) or None for d, precision in zip(coded["date"], coded["date_precision"],
                                                                         strict=True)],
    )
    gap_columns = ["mandataire_name", "body_kind", "envelope", "first_projects_fr", "date"]
    shown[gap_columns] = shown[gap_columns].astype(object).where(shown[gap_columns].notna(), CYCLE_GAP)
    return tables.render(shown, {
        "cycle": "Étape", "mandataire_name": "Mandataire", "body_kind": "Type d’instance",
        "envelope": "Enveloppe du FQIS", "first_projects_fr": "Premiers projets", "date": "Date",
        "confidence": "Certitude", "note": "Remarque", "source_ids": "Sources"},
        caption=f"Après 2015 : relève de la CRÉ et Alliances suivantes, {p.name}",
        row_ids=_row_ids(rows["cycle_id"]))


def _envelope(amount: object, period: object) -> str | None:
    if pd.isna(amount):
        return None
    when = f"pour {period}" if not pd.isna(period) else "période non précisée par la source"
    return f"{book.french_number(amount)}\u00a0$ ({when})"


def timeline(p: region.Profile) -> None:
    """Dated facts on a time axis, the plan's period shaded, the end of the CRÉ marked; facts folded below."""
    dated = p.region_facts[p.region_facts["date"].notna()]
    if dated.empty:
        display(HTML("<p class='gap'>Aucun fait daté : la chronologie de la région n'est pas documentée "
                     "dans les sources publiques.</p>"))
    else:
        frame = charts.region_timeline_frame(dated)
        chart = charts.region_timeline(
            frame, data.load("timeline"),
            title=typography.fr(f"{p.name} : faits datés de l'Alliance"),
            description=typography.fr(
                f"Frise chronologique des {len(frame)} faits datés que les sources publiques rapportent pour "
                f"la région {p.name}, de {frame['date_fr'].iloc[0]} à {frame['date_fr'].iloc[-1]}, une ligne "
                "par thème. Une bande grisée couvre la période du plan d'action 2010-2015 ; des traits "
                "verticaux marquent l'annonce de l'abolition des CRÉ et la loi qui les a dissoutes. La forme "
                "et l'opacité de chaque point disent la précision de sa date. Le tableau des faits suit."),
        )
        display(chart)
    display(_html(p, tables.folded(tables.fold_summary(f"Faits sur l'Alliance, {p.name}", len(p.region_facts)),
                                   _facts_table(p), chart_data=not dated.empty)))


def _facts_table(p: region.Profile) -> str:
    ordered = p.region_facts.sort_values(["date", "fact_id"], na_position="last")
    return tables.render(ordered, {"date": "Date", "date_precision": "Précision de la date", "topic": "Thème",
                                   "statement_fr": "Fait", "confidence": "Certitude", "source_ids": "Sources"},
                         caption=f"Faits sur l'Alliance, {p.name}", table="region_facts",
                         dated={"date": "date_precision"}, row_ids=_row_ids(ordered["fact_id"]), fold=False)


def facts(p: region.Profile) -> HTML:
    """The fact table alone (the timeline section shows it folded under the chart)."""
    return _html(p, _facts_table(p))


def territories(p: region.Profile) -> HTML:
    """What the territory count counts, then every territory with its place in the Alliance."""
    if p.territories.empty:
        return HTML("<p class='gap'>Aucun territoire de la région n’est documenté dans les sources publiques.</p>")
    counts = statements.territory_counts(str(p.region["region_id"]))
    shown = p.territories.assign(place=[_place(kind, alliance) for kind, alliance
                                        in zip(p.territories["kind"], p.territories["alliance_territory"],
                                               strict=True)])
    body = tables.render(shown, {"name": "Territoire", "kind": "Genre", "place": "Place dans l’Alliance 2010-2015",
                                 "note": "Remarque", "source_ids": "Sources"},
                         caption=f"Territoires de la région {p.name}", table="territories",
                         row_ids=_row_ids(p.territories["territory_id"]), fold=False)
    summary = tables.fold_summary(f"Territoires de la région {p.name}", len(p.territories))
    sentence = html.escape(typography.fr(territory_sentence(counts)), quote=False)
    return _html(p, f"<p class='territory-count'>{sentence}</p>" + tables.folded(summary, body))


def territory_sentence(counts: statements.TerritoryCounts) -> str:
    """« N territoires de l'Alliance (…), et M communautés des Premières Nations … », agreed in number."""
    municipal = [t for t in counts.municipal if t in counts.alliance]
    nations = len(counts.first_nations)
    nations_in = [t for t in counts.first_nations if t in counts.alliance]
    communities = tables.count(nations, "communauté") if nations else "aucune communauté"
    text = (f"{tables.count(len(municipal), 'territoire')} de l’Alliance (MRC et territoires équivalents dont une "
            f"source atteste la part du fonds régional), et {communities} des Premières "
            f"Nations {tables.agree(nations, 'située')} dans la région")
    if nations_in:
        counted = tables.agree(len(nations_in), "comptée")
        text += f", dont {len(nations_in)} {counted} comme territoire de l’Alliance"
    elif nations:
        text += (f", {tables.agree(nations, 'listée')} sans être {tables.agree(nations, 'comptée')} comme "
                 f"{tables.agree(nations, 'territoire')} de l’Alliance, faute de source")
    text += "."
    others = len(counts.municipal) - len(municipal)
    if others:
        rest = tables.count(others, "autre MRC ou territoire équivalent", "autres MRC ou territoires équivalents")
        text += (f" {rest} de la région {tables.agree(others, 'est listé', 'sont listés')} sans être "
                 f"{tables.agree(others, 'compté')} : aucune source consultée n’atteste "
                 f"{tables.agree(others, 'sa', 'leur')} part du fonds.")
    return text[0].upper() + text[1:]


def _place(kind: str, alliance: object) -> str:
    """The territory's place in the Alliance as the sources state it (never a raw boolean)."""
    if bool(alliance):
        return "territoire de l’Alliance : une source atteste sa part du fonds"
    if kind == statements.FIRST_NATIONS_KIND:
        return "communauté des Premières Nations située dans la région ; place dans l’Alliance non documentée"
    return "part du fonds non attestée par les sources consultées"


def funding(p: region.Profile) -> None:
    period = p.pagsis_funding
    if period.empty:
        display(HTML("<p class='gap'>Aucun montant de la période 2010-2015 n'est documenté dans les "
                     "sources publiques.</p>"))
    else:
        _funding_chart(p, period)
    if not p.funding.empty:
        body = tables.render(p.funding, {
            "scope": "Portée", "amount": "Montant ($)", "period_start": "Début", "period_end": "Fin",
            "date_stated": "Date du montant", "retained": "Retenu par l'édition", "confidence": "Certitude",
            "note": "Remarque", "source_ids": "Sources"}, caption=f"Montants publiés, {p.name}", table="funding",
            dated={"date_stated": "date_stated_precision"}, row_ids=_row_ids(p.funding["funding_id"]), fold=False)
        display(_html(p, tables.folded(tables.fold_summary(f"Montants publiés, {p.name}", len(p.funding)), body)))


def _funding_chart(p: region.Profile, period: pd.DataFrame) -> None:
    shown = labels.relabel(period, "funding")
    chart = charts.amounts(
        shown,
        title=typography.fr(f"{p.name} : montants publiés pour la période de l'Alliance"),
        description=(f"Diagramme en barres des {len(period)} montants que les sources publiques donnent "
                     f"pour la région {p.name} pendant la période 2010-2015 ou sans date ; la barre de "
                     "couleur distincte est l'enveloppe retenue."),
    )
    fallback = shown.assign(retained=shown["retained"].map(
        lambda v: "enveloppe retenue" if not pd.isna(v) and bool(v) else "autre montant"))
    charts.show(chart, fallback[["scope", "amount", "period_start", "period_end", "retained", "confidence"]]
                .rename(columns={"scope": "Portée", "amount": "Montant ($)", "period_start": "Début",
                                 "period_end": "Fin", "retained": "Statut", "confidence": "Certitude"}))


def governance(p: region.Profile) -> None:
    diagram.show(str(p.region["region_id"]), f"{p.name} : organisations et liens documentés",
                          markup=lambda html: _html(p, html).data)


def projects(p: region.Profile) -> None:
    if p.projects.empty:
        display(HTML("<p class='gap'>Aucun projet financé n'est nommé dans les sources publiques.</p>"))
        return
    themes = _labels()
    by_theme = (p.projects.assign(theme_label=p.projects["theme"].map(themes))
                .groupby("theme_label").size().rename("n").reset_index())
    chart = charts.counts(
        by_theme, "theme_label", category_title="Thème",
        title=typography.fr(f"{p.name} : projets nommés par thème"),
        description=f"Nombre de projets financés que les sources nomment pour la région {p.name}, par thème.",
    )
    charts.show(chart, by_theme.rename(columns={"theme_label": "Thème", "n": "Projets"}))
    shown = p.projects.assign(theme=p.projects["theme"].map(themes))
    body = tables.render(shown, {
        "title": "Projet", "theme": "Thème", "fqis_amount": "Montant accordé ($)",
        "total_amount": "Coût total ($)", "year_start": "Début", "year_end": "Fin",
        "confidence": "Certitude", "source_ids": "Sources"},
        caption=f"Projets nommés, {p.name}", table="projects", row_ids=_row_ids(p.projects["project_id"]),
        fold=False)
    display(_html(p, tables.folded(tables.fold_summary(f"Projets nommés, {p.name}", len(p.projects)), body)))


def coding(p: region.Profile) -> None:
    codebook = data.load("codebook").set_index("code_id")
    dimension_names = labels.mapping("dimension")
    segments = p.coded_segments.assign(
        code=p.coded_segments["code_id"].map(codebook["label_fr"]),
        dimension=p.coded_segments["code_id"].map(codebook["dimension"]).map(dimension_names),
    )
    by_dim = segments.groupby("dimension").size().rename("n").reset_index()
    chart = charts.counts(
        by_dim, "dimension", category_title="Dimension",
        title=typography.fr(f"{p.name} : segments documentaires par dimension de la grille"),
        description=(f"Nombre de passages de sources publiques codés pour la région {p.name}, "
                     "selon la dimension de la grille d'analyse."),
    )
    charts.show(chart, by_dim.rename(columns={"dimension": "Dimension", "n": "Segments"}))
    segments = segments.assign(source_ids=segments["source_id"]).sort_values(["dimension", "code"])
    body = tables.render(segments, {
        "dimension": "Dimension", "code": "Code", "summary_fr": "Ce que dit la source (résumé)",
        "locator": "Passage", "source_ids": "Source"}, caption=f"Codage documentaire, {p.name}",
        row_ids=_row_ids(segments["segment_id"]), fold=False)
    summary = tables.fold_summary(f"Codage documentaire, {p.name}", len(segments), "segment")
    display(_html(p, tables.folded(summary, body)))


def interviews(p: region.Profile) -> None:
    """Public edition: what the interviews cover and where the pipeline is shown. Restricted: the aggregates."""
    source = iv.load()
    display(_html(p, _interview_note(source.restricted)))
    if source.restricted:
        _interview_aggregates(p, source)


def _interview_note(restricted: bool) -> str:
    facts = data.load("study_facts").set_index("fact_id")
    fact = facts.loc[INTERVIEW_FACT]
    annex = book.page_href(INTERVIEW_ANNEX)
    count = tables.number(int(fact["value"]))
    shown = ("Cette édition restreinte lit les entrevues codées : les décomptes de la région suivent, "
             "après contrôle de divulgation." if restricted else
             "Ces entrevues sont confidentielles : l'édition publique n'en montre aucun décompte régional.")
    return (f"<p class='interview-note'>La recherche s'appuie aussi sur {count} entrevues menées dans "
            f"l'ensemble des régions étudiées avec des personnes jugées clés dans la mise en œuvre"
            f"{narrative_mod.ref_links(fact['source_ids'], set())}. {typography.fr(shown)} L'annexe "
            f"<a href='{annex}'>Entrevues</a> montre, sur des données synthétiques, comment elles sont "
            "décomptées et comment les petits nombres sont masqués.</p>")


def _interview_aggregates(p: region.Profile, source) -> None:
    """Banner, then one disclosure-controlled chart: distinct interviewees by dimension of the grid."""
    classes, heading, text = BANNERS[source.restricted]
    display(HTML(f"<div class='admonition {classes}' role='note'><p class='admonition-title'>{heading}</p>"
                 f"<p>{typography.fr(text)}</p></div>"))
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
    summaries = team_summaries(str(p.region["region_id"]))
    if summaries:
        display(_html(p, summaries))


def team_summaries(region_id: str) -> str:
    """The research team's summaries for the region (restricted edition), only where their cell is published."""
    rows = iv.published_summaries(region_id)
    if rows.empty:
        return ""
    codes = data.load("codebook").set_index("code_id")["label_fr"]
    items = "".join(f"<li><strong>{html.escape(codes[row.code_id])}</strong>\u00a0: "
                    f"{html.escape(typography.fr(row.summary_fr))}</li>" for row in rows.itertuples())
    return ("<div class='team-summaries'><p>Résumés rédigés par l'équipe de recherche, montrés seulement pour "
            f"les codes dont le décompte de la région est publié\u00a0:</p><ul>{items}</ul></div>")


def gaps(p: region.Profile) -> None:
    row = region.completeness([str(p.region["region_id"])]).drop(columns=["region_id", "region"]).iloc[0]
    summary = pd.DataFrame({"element": [region.COMPLETENESS_LABELS[k] for k in row.index],
                            "value": list(row.values)})
    display(HTML(tables.render(summary, {"element": "Élément", "value": "Dans les sources publiques"},
                               caption=f"Complétude, {p.name}")))
    display(_html(p, tables.render(p.gaps, {"topic": "Thème", "note_fr": "Ce qui manque"},
                                   caption=f"Lacunes documentaires, {p.name}", table="gaps",
                                   row_ids=_row_ids(p.gaps["gap_id"]))))


def cite(p: region.Profile) -> HTML:
    page = REGION_PAGE.format(region_id=p.region["region_id"])
    return HTML(citation.box(f"{p.name}", page))


def _html(p: region.Profile, markup: str) -> HTML:
    """Chapter HTML with each glossary acronym linked to its entry the first time the chapter uses it."""
    seen = _SEEN.setdefault(str(p.region["region_id"]), set())
    return HTML(glossary.link_first(markup, seen, book.page_href(glossary.ANNEX)))


def _row_ids(ids: pd.Series) -> list[str]:
    return [narrative_mod.row_anchor(i) for i in ids]


def _labels() -> pd.Series:
    return data.load("codebook").set_index("code_id")["label_fr"]
