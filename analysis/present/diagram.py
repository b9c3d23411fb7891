"""Governance networks, for readers: the diagram (Altair), the sentence and tables printed beside it.

Everything drawn or counted here comes from `analysis.study.graphs`; French labels of coded values
(level, sector, relation, phase, governance mode) come from `analysis.contract.labels`. Relation families,
dash patterns and shapes are presentation choices and live here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import altair as alt
import networkx as nx
import pandas as pd
from IPython.display import HTML, display

from analysis.contract import data, labels, paths, typography
from analysis.present import book, charts, narrative, sources, tables
from analysis.present.layout import HEADER, layout, level_label, sector_label, territory_names
from analysis.study import graphs
from analysis.study.graphs import LEVELS, SECTORS

# The files the build writes for each region (analysis.build.export, in paths.NETWORKS_DOWNLOAD_DIR), as the
# download links name them.
EXPORT_FORMATS = {".graphml": "GraphML", ".gexf": "GEXF (Gephi)", "-noeuds.csv": "CSV des organisations",
                  "-liens.csv": "CSV des liens"}

SECTOR_SHAPES = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "triangle-right",
                 "triangle-left"]
# Eight relations are too many dash patterns to tell apart: edges are styled by family, the exact
# relation is in the tooltip and the table.
RELATION_FAMILY = {
    "signe-avec": "entente et financement", "mandate": "entente et financement",
    "finance": "entente et financement",
    "coordonne": "coordination et accompagnement", "accompagne": "coordination et accompagnement",
    "siege-a": "participation", "membre-de": "participation", "conteste": "contestation",
}
FAMILIES = ("entente et financement", "coordination et accompagnement", "participation", "contestation")
FAMILY_DASH = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3]]
FAMILY_GREY = ["#333333", "#555555", "#777777", "#D55E00"]
# Dash, shade and width together: a type of tie stays recognisable in grey print and to colour-blind readers.
FAMILY_WIDTH = [2.6, 1.8, 1.1, 2.2]
MAX_MARKERS = 6  # beyond, the summary sentence links to the list of ties instead of citing each one
UNDETERMINED_LIST = ("book/comparaison/gouvernance", "gouvernance-phases")  # where those ties are listed
LABEL_CHARS_PER_SLOT = 95  # characters of a 9-pixel label that fit across the whole drawing (about 640 px)
LABEL_MARGIN = 0.28  # room on the left for the territory names, in units of the drawing's width
# Legends below the drawing: the book's text column is too narrow for them on the side.
_LEGEND = alt.Legend(orient="bottom", direction="vertical", labelLimit=260)

ROLE_LABELS = {"coordinator": "coordonnateur", "itinerant": "itinérant (consultant)",
               "gatekeeper": "gardien (gatekeeper)", "representative": "représentant",
               "liaison": "agent de liaison"}
_SHIFT = book.french_number(graphs.SHIFT, 2)
VARIANT_LABELS = {  # short row headers of the robustness table
    "base": "Règle telle quelle",
    "sans-signature-ministere": "Sans la signature du ministère",
    "sans-eventail-unique": "Sans les liens d'un acteur tirés d'un seul document",
    "sans-financement-seul": "Sans les liens de financement seuls",
    "sans-liste-unique": "Sans les liens tirés d'une seule liste de membres",
    "sans-liens-tardifs": f"Sans les liens attestés seulement à partir de {graphs.TRANSITION_YEAR}",
    "centralisation-moins": f"Seuil de centralisation −{_SHIFT}",
    "centralisation-plus": f"Seuil de centralisation +{_SHIFT}",
    "connexite-moins": f"Part connexe minimale −{_SHIFT}",
    "connexite-plus": f"Part connexe minimale +{_SHIFT}",
}
VARIANT_REASONS = {  # how each variant reads after « le mode change »
    "sans-signature-ministere": "sans la signature de l'Alliance par le ministère",
    "sans-eventail-unique": "sans les liens qu'un seul document attribue à une même organisation",
    "sans-financement-seul": "sans les liens qui ne sont que des financements",
    "sans-liste-unique": "sans les liens qui ne reposent que sur une liste de membres",
    "sans-liens-tardifs": f"sans les liens attestés seulement à partir de {graphs.TRANSITION_YEAR}",
    "centralisation-moins": f"avec le seuil de centralisation abaissé de {_SHIFT}",
    "centralisation-plus": f"avec le seuil de centralisation relevé de {_SHIFT}",
    "connexite-moins": f"avec la part connexe minimale abaissée de {_SHIFT}",
    "connexite-plus": f"avec la part connexe minimale relevée de {_SHIFT}",
}


BASIS_LABELS = {  # what an overturned mode rested on (graphs.mode_basis)
    "construction": "découle de la construction de la règle",
    "document-unique": "repose sur un seul document",
    graphs.FRAGILE: "tient à des liens fragiles ou à un seuil",
}


def relation_label(relation: str) -> str:
    return labels.label("relation", relation)


def phase_label(phase: str) -> str:
    return labels.label("tie_phase", phase)


def mode_label(mode: str) -> str:
    return labels.label("governance_mode", mode)


def french_list(names: list[str], empty: str = "aucune") -> str:
    """`A`, `A et B`, `A, B et C`: names for a sentence."""
    names = list(names)
    if not names:
        return empty
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


# --------------------------------------------------------------------------- diagram

ROW_PX = 34  # pixel height of one row (node plus its label underneath)


def _bands(pos: pd.DataFrame) -> pd.DataFrame:
    """One shaded rectangle per level, its name in the header above its first row."""
    spans = pos.groupby("level_id", sort=False)["y"].agg(["min", "max"])
    return pd.DataFrame([{"niveau": level_label(lv).capitalize() + (" (par territoire)" if lv == "local" else ""),
                          "top": low - HEADER - 0.15, "bottom": high + 0.5, "header": low - HEADER + 0.05,
                          "left": -LABEL_MARGIN, "right": 1.0}
                         for lv, (low, high) in spans.iterrows()],
                        columns=["niveau", "top", "bottom", "header", "left", "right"])


def edge_table(g: nx.MultiDiGraph) -> pd.DataFrame:
    """The edge list readers get as the diagram's table fallback: names, labels, French headers."""
    rows = [{"Lien": d["tie_id"], "De": g.nodes[u]["name"], "Relation": relation_label(d["relation"]),
             "Vers": g.nodes[v]["name"], "Période": d["period"] or "non datée",
             "Phase": phase_label(d["phase"]) if d.get("phase") else "—",
             "Certitude": labels.label("confidence", d["confidence"]),
             "Sources": d["source_ids"].replace(";", ", ")}
            for u, v, d in g.edges(data=True)]
    columns = ["Lien", "De", "Relation", "Vers", "Période", "Phase", "Certitude", "Sources"]
    return pd.DataFrame(rows, columns=columns).sort_values("Lien", ignore_index=True)


def _runs_through(pos: pd.DataFrame, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """Whether the straight segment passes (within a node's half-width) over a node of a row in between."""
    (x1, y1), (x2, y2) = start, end
    between = pos[(pos["y"] - min(y1, y2) > 0.5) & (max(y1, y2) - pos["y"] > 0.5)]
    on_line = x1 + (x2 - x1) * (between["y"] - y1) / (y2 - y1)
    return bool(((between["x"] - on_line).abs() < 0.03).any())


def _edge_paths(g: nx.MultiDiGraph, pos: pd.DataFrame) -> pd.DataFrame:
    """Three points per tie. A tie within one row bows gently upwards, into the gap above the row; a tie
    that would run through an organisation of a row in between bows sideways, more the more rows it
    spans, so that the ties to a column of one-organisation territories do not run on top of each other."""
    xy = pos.set_index("actor_id")[["x", "y"]]
    rows = []
    for u, v, d in sorted(g.edges(data=True), key=lambda e: e[2]["tie_id"]):
        (x1, y1), (x2, y2) = xy.loc[u], xy.loc[v]
        mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
        if y1 == y2:
            mid_y -= min(0.2 + 0.5 * abs(x2 - x1), 0.55)
        elif _runs_through(pos, (x1, y1), (x2, y2)):
            mid_x += (1 if mid_x <= 0.5 else -1) * min(0.035 * abs(y2 - y1), 0.25)
        mid = (mid_x, mid_y)
        common = {"tie_id": d["tie_id"], "relation": relation_label(d["relation"]),
                  "famille": RELATION_FAMILY[d["relation"]],
                  "de": g.nodes[u]["name"], "vers": g.nodes[v]["name"], "periode": d["period"] or "non daté",
                  "sources": d["source_ids"].replace(";", ", ")}
        for order, (x, y) in enumerate([(x1, y1), mid, (x2, y2)]):
            rows.append({**common, "order": order, "x": round(float(x), 6), "y": round(float(y), 6)})
    return pd.DataFrame(rows)


def draw(g: nx.MultiDiGraph, title: str, names: dict[str, str] | None = None) -> alt.LayerChart:
    """Levels as three shaded bands (local split by territory), sector as colour and shape, relation
    family as dash; the height grows with the number of rows. Same graph, same spec."""
    pos = layout(g, names)
    bands = _bands(pos)
    top, bottom = (float(bands["top"].min()), float(bands["bottom"].max())) if len(bands) else (0.0, 1.0)
    x_scale = alt.Scale(domain=[-LABEL_MARGIN, 1.0], nice=False, zero=False)
    x = alt.X("x:Q", axis=None, scale=x_scale)
    left = alt.X("left:Q", axis=None, scale=x_scale)  # the margin where band and territory names go
    y_scale = alt.Scale(domain=[top, bottom], nice=False, zero=False, reverse=True)  # national on top
    y = alt.Y("y:Q", axis=None, scale=y_scale)
    # Pixel width of one x unit, so that labels are cut (with an ellipsis) where the next one begins.
    unit = f"(width / {1 + LABEL_MARGIN})"
    shading = alt.Chart(bands).mark_rect(fill="#F2F2F2", cornerRadius=3).encode(
        x=left, x2="right:Q", y=alt.Y("top:Q", scale=y_scale, axis=None), y2="bottom:Q")
    headers = alt.Chart(bands).mark_text(align="left", baseline="top", fontWeight="bold", fontSize=11,
                                         color="#333333", dx=4).encode(
        x=left, y=alt.Y("header:Q", scale=y_scale, axis=None), text="niveau:N")
    names_data = pos.loc[pos["row_label"] != "", ["y", "row_label"]].drop_duplicates().assign(left=-LABEL_MARGIN)
    row_labels = alt.Chart(names_data).mark_text(
        align="left", baseline="middle", fontSize=10, color="#444444", dx=4,
        limit=alt.expr(f"{LABEL_MARGIN} * {unit} - 8")).encode(
        x=left, y=y, text="row_label:N")
    edges = alt.Chart(_edge_paths(g, pos)).mark_line(interpolate="basis", strokeWidth=1.2, opacity=0.5).encode(
        x=x, y=y, detail="tie_id:N", order="order:Q",
        strokeDash=alt.StrokeDash("famille:N", title="Type de lien", legend=_LEGEND,
                                  scale=alt.Scale(domain=list(FAMILIES), range=FAMILY_DASH)),
        color=alt.Color("famille:N", title="Type de lien", legend=_LEGEND,
                        scale=alt.Scale(domain=list(FAMILIES), range=FAMILY_GREY)),
        strokeWidth=alt.StrokeWidth("famille:N", title="Type de lien", legend=_LEGEND,
                                    scale=alt.Scale(domain=list(FAMILIES), range=FAMILY_WIDTH)),
        tooltip=[alt.Tooltip("de:N", title="De"), alt.Tooltip("relation:N", title="Relation"),
                 alt.Tooltip("vers:N", title="Vers"), alt.Tooltip("periode:N", title="Période"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    sectors = [sector_label(s) for s in SECTORS]
    nodes = alt.Chart(pos).mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=0.8).encode(
        x=x, y=y,
        fill=alt.Fill("sector:N", title="Secteur", legend=_LEGEND,
                      scale=alt.Scale(domain=sectors, range=charts.PALETTE)),
        shape=alt.Shape("sector:N", title="Secteur", legend=_LEGEND,
                        scale=alt.Scale(domain=sectors, range=SECTOR_SHAPES)),
        tooltip=[alt.Tooltip("name:N", title="Organisation"), alt.Tooltip("level:N", title="Niveau"),
                 alt.Tooltip("territory:N", title="Territoire"), alt.Tooltip("sector:N", title="Secteur"),
                 alt.Tooltip("role_fr:N", title="Rôle"), alt.Tooltip("source_ids:N", title="Sources")],
    )
    # Labels under the nodes, wrapped to their slot rather than cut: every word stays readable.
    pos = pos.assign(label=[wrap_label(t, s) for t, s in zip(pos["label"], pos["slot"], strict=True)])
    labels = alt.Chart(pos).mark_text(fontSize=9, baseline="top", dy=7, color="#222222", lineBreak="\n").encode(
        x=x, y=y, text="label:N", tooltip=alt.Tooltip("name:N", title="Organisation"))
    height = round((bottom - top) * ROW_PX)
    return alt.layer(shading, headers, row_labels, edges, nodes, labels).properties(
        title=title, description=_description(g), width="container", height=height)


def wrap_label(label: str, slot: float) -> str:
    """The label on as many lines as its slot needs (words are never cut; `\n` breaks the lines)."""
    import textwrap

    width = max(8, int(slot * LABEL_CHARS_PER_SLOT))
    return "\n".join(textwrap.wrap(str(label), width=width, break_long_words=False)) or str(label)


def _description(g: nx.MultiDiGraph) -> str:
    levels = pd.Series(dict(g.nodes(data="level"))).value_counts()
    parts = ", ".join(f"{levels.get(lv, 0)} au niveau {level_label(lv)}" for lv in LEVELS)
    top, middle, bottom = (level_label(lv) for lv in LEVELS)
    return typography.fr(
        f"Diagramme de réseau : {g.number_of_nodes()} organisations ({parts}), placées sur trois bandes "
        f"horizontales ({top} en haut, {middle} au milieu, {bottom} en bas, une ligne par territoire), "
        f"reliées par {g.number_of_edges()} liens documentés dont le tracé indique le type. La liste des "
        f"liens suit le graphique sous forme de tableau.")


# --------------------------------------------------------------------------- beside the diagram


def sentence(s: graphs.Summary) -> str:
    """What the diagram draws, in words, from its summary (the same object the diagram draws)."""
    national = s.by_level.get("national", 0)
    quebec = (f", dont {tables.count(national, 'organisation')} de niveau "
              f"{level_label('national')}" if national else "")
    text = (f"Le diagramme suivant montre les liens de la phase « {phase_label(s.phase)} » : il relie "
            f"{tables.count(s.organisations, 'organisation')}{quebec}, par {tables.count(s.liens, 'lien')}.")
    others = [f"{n} de la phase « {phase_label(p)} »" for p, n in s.other_phases.items() if n]
    if others:
        text += f" Il laisse de côté les liens des autres phases ({french_list(others, '')})"
        text += "" if s.undetermined else "."
    if s.undetermined:
        text += (" et " if others else " Il laisse de côté ") + (
            f"{tables.count(len(s.undetermined), 'lien')} dont la source ne permet pas d'établir la phase")
        text = html.escape(typography.fr(text), quote=False)
        if len(s.undetermined) > MAX_MARKERS:  # a row of markers is no easier to read than a row of ids
            listed = book.page_href(*UNDETERMINED_LIST)
            return text + f" (<a href='{html.escape(listed)}'>liste dans le chapitre sur la gouvernance</a>)."
        # the ties' ids go into markers (row id and source on hover), not into the sentence
        return text + narrative.ref_links(";".join(s.undetermined), set()) + "."
    return html.escape(typography.fr(text), quote=False)


def show(region_id: str, title: str, data_dir: Path = data.DATA_DIR,
         markup: Callable[[str], str] = str) -> graphs.Summary:
    """The sentence, the diagram and its edge table, all from one drawn graph; returns its summary.

    `markup` filters the HTML shown around the chart (a chapter links its glossary terms with it).
    """
    drawn = graphs.drawn(region_id, data_dir=data_dir)
    display(HTML(markup(f"<p class='network-summary' data-region='{region_id}' data-organisations="
                        f"'{drawn.summary.organisations}' data-liens='{drawn.summary.liens}'>"
                        f"{sentence(drawn.summary)}</p>")))
    display(draw(drawn.graph, typography.fr(title), territory_names(Path(data_dir))))
    display(HTML(markup(charts.table_fallback(edge_table(drawn.graph)))))
    return drawn.summary


def decimal(value: float) -> str:
    return book.french_number(value, 2)


def percent(value: float) -> str:
    return f"{book.french_number(100 * value)}\u00a0%"


SHARES = ["part_plus_grand_ensemble", "part_liens_entre_niveaux", "part_circuit_entre_niveaux"]


def measures_table(table: pd.DataFrame) -> str:
    """The measures of graphs.compare for readers."""
    shown = table.assign(**{c: table[c].map(decimal) for c in
                            ["densite", "centralisation_degre", "centralisation_intermediarite"]},
                         **{c: table[c].map(percent) for c in SHARES},
                         mode=table["mode"].map(mode_label), mode_retenu=table["mode_retenu"].map(mode_label))
    return tables.render(shown, {
        "region": "Région", "acteurs": "Organisations", "liens": "Liens", "densite": "Densité",
        "centralisation_degre": "Centralisation de degré",
        "centralisation_intermediarite": "Centralisation d'intermédiarité",
        "part_plus_grand_ensemble": "Plus grand ensemble connexe",
        "part_liens_entre_niveaux": "Liens entre niveaux",
        "part_circuit_entre_niveaux": "dont signatures et financements",
        "acteur_central_nom": "Organisation la plus reliée",
        "mode": "Mode selon la règle", "mode_retenu": "Mode retenu après vérification"},
        caption=typography.fr(f"Mesures des réseaux, phase « {phase_label(graphs.MAIN_PHASE)} »"))


def robustness_table(stacked: pd.DataFrame) -> str:
    """Variant x region: the mode each variant gives, a changed mode marked; the last rows give the mode
    kept and what an overturned mode rested on."""
    columns = {}
    for (region, _), group in stacked.groupby(["region", "region_id"], sort=False):
        group = group.reset_index(drop=True)
        cells = [f"{mode_label(r.mode)} (change)" if r.change else mode_label(r.mode)
                 for r in group.itertuples()]
        shown, changed = graphs.robust_mode(group)
        basis = graphs.mode_basis(changed)
        columns[region] = cells + [mode_label(shown),
                                   BASIS_LABELS[basis] if basis else "aucune variante ne le change"]
    order = stacked.drop_duplicates("variante")["variante"]
    first = [VARIANT_LABELS[v] for v in order] + ["Mode retenu", "Le mode selon la règle"]
    frame = pd.DataFrame({"Variante": first} | columns)
    return tables.render(frame, {c: c for c in frame.columns}, caption=typography.fr(
        "Vérification des modes : le mode recalculé sous chaque variante"))


def _document_link(source_id: str, titles: pd.Series) -> str:
    """« Title », linked to the document's row in the sources annex (its address when there is none)."""
    title = html.escape(typography.fr(titles[source_id]).replace("'", "\u2019"), quote=False)
    href = sources.annex_href(source_id) or ""
    return f"<a href='{html.escape(href)}'>« {title} »</a>" if href else f"« {title} »"


def mode_reasons(table: pd.DataFrame, data_dir: Path = data.DATA_DIR) -> str:
    """One sentence per region whose mode a variant overturns: the rule's mode, what it rested on, the
    variants that changed it and, where it rests on one document, which (`table` is graphs.compare)."""
    titles = data.load("sources", data_dir).set_index("source_id")["title"]
    items = []
    for r in table.itertuples():
        if not r.fondement:
            continue
        variants = french_list([VARIANT_REASONS[v] for v in r.variantes_divergentes.split(";")], "")
        text = (f"{r.region} : {mode_label(r.mode)} selon la règle, un mode qui {BASIS_LABELS[r.fondement]} ; "
                f"il change {variants}.")
        text = html.escape(typography.fr(text).replace("'", "’"), quote=False)
        if r.fondement == "document-unique" and r.liens_document_unique:
            documents = french_list([_document_link(sid, titles) for sid in r.documents_uniques.split(";")], "")
            text += html.escape(f" L’organisation la plus reliée, {r.acteur_central_nom}, tient "
                                f"{r.liens_document_unique} de ses liens d’un seul document : ",
                                quote=False) + documents + "."
        items.append(f"<li>{text}</li>")
    return f"<ul class='mode-reasons'>{''.join(items)}</ul>" if items else ""


def download_links(root: str, data_dir: Path = data.DATA_DIR) -> str:
    """An HTML table linking each region's exported files; `root` leads from the page to the HTML root."""
    rows = []
    for r in graphs.regions(data_dir).itertuples():
        stem = f"{root}{paths.NETWORKS_DOWNLOAD_DIR}/reseau-{r.region_id}"
        cells = "".join(f'<td><a href="{stem}{suffix}" download aria-label="{label}, {r.name}">{label}</a></td>'
                        for suffix, label in EXPORT_FORMATS.items())
        rows.append(f"<tr><th scope='row'>{r.name}</th>{cells}</tr>")
    head = "".join(f"<th scope='col'>{label}</th>" for label in EXPORT_FORMATS.values())
    return (f"<table class='table network-downloads'><caption>Réseaux à télécharger, par région</caption>"
            f"<thead><tr><th scope='col'>Région</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
