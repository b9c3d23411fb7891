"""« L'essentiel »: the front page for a reader with ten minutes, written from the study model.

Every value on the page is a statement of `analysis.study.statements` (rendered by
`analysis.present.statement`, so the marks the built-book test compares are the same as on the other
pages) or a count of such statements; the study's own figures come from `study_facts`. Each key
message ends with a link to the table or section that holds its evidence. Nothing here is typed by
hand: a region without a documented value shows the gap.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import data, typography
from analysis.present import book, statement, tables
from analysis.study import compare, statements

PAGE = "book/essentiel"
ELECTED = "elus"  # body_kind of a successor made of elected officials (labels.csv, domain body_kind)
STUDY_FACTS = ("etude-entretiens", "etude-observations", "etude-documents")
# Where the evidence of each message is shown: (page, anchor, what the link leads to).
EVIDENCE = {
    "porteur": ("book/comparaison/cote-a-cote", "cote-a-cote-tableau", "le tableau des Alliances côte à côte"),
    "enveloppe": ("book/comparaison/cote-a-cote", "cote-a-cote-tableau", "les enveloppes, région par région"),
    "projets": ("book/comparaison/cote-a-cote", "cote-a-cote-tableau", "les projets annoncés et nommés"),
    "choix": ("book/comparaison/gouvernance", "gouvernance-decisions", "le choix des projets comparé"),
    "tension": ("book/comparaison/cote-a-cote", "cote-a-cote-gouvernance", "la gouvernance côte à côte"),
    "apres": ("book/comparaison/apres-2015", "apres-2015-cycle-suivant", "le cycle suivant, région par région"),
    "etude": ("book/constats", "constats", "les constats de l’étude"),
    "dossier": ("book/methodologie", "methodologie-completude", "la complétude des dossiers régionaux"),
}


def _names(side: pd.DataFrame, mask: pd.Series) -> str:
    """« 2 régions (Lanaudière, Centre-du-Québec) »: how many regions of `side` `mask` holds for, and which
    (names in brackets: a region name alone would need its article, « la Mauricie », « les Laurentides »)."""
    names = list(side.loc[mask, "region"])
    return f"{tables.count(len(names), 'région')} ({', '.join(names)})"


def _quantities(side: pd.DataFrame, key: str) -> pd.Series:
    return side[f"st_{key}"].map(lambda st: st.quantity if st.documented else None).dropna()


def messages(side: pd.DataFrame | None = None) -> list[dict]:
    """The key messages: `key` (its anchor), `text` (plain French) and `href` (its evidence)."""
    side = compare.side_by_side() if side is None else side
    n = len(side)
    count = tables.count
    out = {}

    lead = side["st_lead-body"]
    reading = lead.map(lambda st: st.status == statements.READING)
    signed = lead.map(lambda st: st.status == statements.DOCUMENTED)
    known = int((signed | reading).sum())
    whom = "chaque Alliance" if known == n else f"l'Alliance de {count(known, 'région')} sur {n}"
    text = (f"Le ministère a conclu {whom} avec une instance régionale : une source montre la "
            f"signature dans {signed.sum()} régions sur {n}")
    if reading.any():
        text += f" ; dans {_names(side, reading)}, l'édition déduit l'instance du financement"
    out["porteur"] = text + "."

    envelopes = _quantities(side, "envelope")
    missing = ~compare.documented(side, "envelope")
    text = (f"L'enveloppe régionale 2010-2015 est connue pour {count(len(envelopes), 'région')}, de "
            f"{_money(envelopes.min())} à {_money(envelopes.max())}")
    if missing.any():
        text += f" ; aucune source publique consultée ne la donne dans {_names(side, missing)}"
    text += "."
    out["enveloppe"] = text

    named = side["st_projects-named"].map(lambda st: int(st.quantity or 0))
    stated = side["st_projects-stated"].map(lambda st: st.quantity if st.documented else None)
    fewer = pd.Series([s is not None and m < s for m, s in zip(named, stated, strict=True)], index=side.index)
    out["projets"] = (f"Les documents publics nomment {count(int(named.sum()), 'projet financé')} pour les "
                      f"{n} régions, alors que les sources en annoncent davantage dans "
                      f"{count(int(fewer.sum()), 'région')} : la liste publique des projets reste partielle.")

    choice = compare.documented(side, "project-choice")
    out["choix"] = (f"Qui choisissait les projets, et comment l'argent était réparti entre les territoires, "
                    f"est documenté dans {count(int(choice.sum()), 'région')} ; chaque région a sa formule, "
                    "résumée ci-dessous et comparée dans le chapitre sur la gouvernance.")

    tension = compare.documented(side, "tension")
    text = f"Une tension de la période 2010-2014 est documentée dans {count(int(tension.sum()), 'région')}"
    text += (f" ; dans {_names(side, ~tension)}, les sources publiques consultées n'en rapportent aucune, ce qui "
             "ne veut pas dire qu'il n'y en a pas eu." if (~tension).any() else ".")
    out["tension"] = text

    successor = compare.documented(side, "successor")
    elected = side["st_successor-kind"].map(lambda st: st.value_ids == (ELECTED,))
    text = (f"Après l'abolition des CRÉ, une source nomme l'organisme chargé de l'Alliance suivante dans "
            f"{successor.sum()} régions sur {n}, dont {count(int(elected.sum()), 'instance')} "
            f"d'élus selon le classement de l'édition")
    if (~successor).any():
        text += f" ; dans {_names(side, ~successor)}, le mandataire n'est pas documenté"
    text += "."
    out["apres"] = text

    facts = data.load("study_facts").set_index("fact_id")
    parts = [count(int(facts.loc[f, "value"]), str(facts.loc[f, "unit"]).split(" ")[0].rstrip("s"),
                   str(facts.loc[f, "unit"])) for f in STUDY_FACTS]
    out["etude"] = (f"Les constats de l'étude reposent sur {parts[0]}, {parts[1]} et {parts[2]} ; les "
                    "entrevues sont confidentielles, l'édition rapporte ces constats sans pouvoir les vérifier.")

    out["dossier"] = (f"La trace publique est inégale : de {tables.number(int(side['sources'].min()))} à "
                      f"{count(int(side['sources'].max()), 'document')} par région, et "
                      f"{count(int(side['lacunes'].sum()), 'lacune')} relevées en constituant le corpus.")
    return [{"key": key, "text": typography.fr(text), "href": book.page_href(*EVIDENCE[key][:2]),
             "evidence": EVIDENCE[key][2]} for key, text in out.items()]


def _money(value: float) -> str:
    return book.french_number(value) + "\u00a0$"


def messages_html(side: pd.DataFrame | None = None) -> str:
    """The messages as a numbered list; each item is a citable anchor and ends with its evidence link."""
    items = "".join(
        f"<li id='essentiel-{m['key']}' class='stable-anchor'>{html.escape(m['text'], quote=False)} "
        f"<a class='evidence-link' href='{html.escape(m['href'])}'>"
        f"Preuves\u00a0: {html.escape(m['evidence'])}</a></li>"
        for m in messages(side))
    return f"<ol class='key-messages'>{items}</ol>"


def regions_html(side: pd.DataFrame | None = None) -> str:
    """One line per region: how its Alliance was led, its envelope and who took over, from the study model."""
    side = compare.side_by_side() if side is None else side
    items = []
    for _, row in side.iterrows():
        region_id = row["region_id"]
        href = book.page_href(f"book/regions/{region_id}", f"{region_id}-bref")
        lead, envelope = row["st_leadership"], row["st_envelope"]
        successor, kind = row["st_successor"], row["st_successor-kind"]
        items.append(
            f"<li id='essentiel-{region_id}' class='stable-anchor'><a href='{html.escape(href)}'>"
            f"<strong>{html.escape(row['region'])}</strong></a>\u00a0: {statement.html(lead)} "
            f"Enveloppe 2010-2015\u00a0: {statement.html(envelope)}. "
            f"Après 2015\u00a0: {statement.html(successor)}"
            + (f", {statement.html(kind)}" if kind.documented else "") + ".</li>")
    return f"<ul class='region-lines'>{''.join(items)}</ul>"


def after_table(side: pd.DataFrame | None = None) -> str:
    """Post-2015: successor, its kind of body and the next cycle's envelope with the period it covers."""
    side = compare.side_by_side() if side is None else side
    envelopes = [statements.next_envelope(r) for r in side["region_id"]]
    shown = side.assign(next_envelope=envelopes,
                        period=[st.notes_fr[0] if st.notes_fr else None for st in envelopes])
    shown["html_next"] = shown["next_envelope"].map(statement.html)
    columns = {"region": "Région", "html_successor": statement.heading("successor"),
               "html_kind": statement.heading("successor-kind"),
               "html_next": "Enveloppe de l’Alliance suivante", "period": "Période couverte"}
    shown["html_successor"] = shown["st_successor"].map(statement.html)
    shown["html_kind"] = shown["st_successor-kind"].map(statement.html)
    return tables.render(shown, columns, caption="Après 2015 : qui a pris le relais, et avec quelle enveloppe",
                         raw=("html_successor", "html_kind", "html_next"),
                         row_ids=[f"essentiel-apres-{r}" for r in side["region_id"]])


def population_gap() -> str:
    """Why the table has no amount per inhabitant: no official population figure is in the package."""
    fields = {f["name"] for r in data.descriptor()["resources"] for f in r["schema"]["fields"]}
    if any("population" in name for name in fields):
        raise ValueError("data package: a population field now exists; « L'essentiel » should compute "
                         "the amounts per inhabitant from it")
    return typography.fr("Montant par habitant : non calculé. Le paquet de données ne contient aucun chiffre "
                         "officiel de population par région avec sa source ; l'édition ne divise pas les "
                         "enveloppes par un chiffre qu'elle ne peut pas citer.")

