"""The « Entrevues » annex: the interview pipeline shown on the synthetic stand-in, for all regions.

Whatever the edition, the annex reads the synthetic tables (`interviews.stand_in`): it explains how
distinct interviewees are counted and which cells the two suppression rules hide. Only the
published table (with « x ») and the record of hidden cells (rule, never the value) are shown.
"""

from __future__ import annotations

import html

import pandas as pd

from analysis.contract import data, disclosure, typography
from analysis.contract.validate import MIN_COUNT
from analysis.interviews import reader as interviews
from analysis.present import tables


def _names() -> tuple[dict[str, str], dict[str, str]]:
    regions = data.load("regions").set_index("region_id")["name"].to_dict()
    return regions, interviews.dimension_labels()


def published_table() -> pd.DataFrame:
    """Regions × dimensions of the stand-in, as published (« x » in hidden cells), French headers."""
    _, published = interviews.stand_in()
    regions, dimensions = _names()
    table = published.table.rename(index=regions, columns=dimensions)
    table.index.name = "Région"
    table.columns.name = None  # else pandas prints the axis name as an extra header cell
    return table.reset_index()


def suppressed_table() -> pd.DataFrame:
    """Which cells are hidden and by which rule (the record holds no hidden value)."""
    _, published = interviews.stand_in()
    regions, dimensions = _names()
    record = published.suppressed
    return pd.DataFrame({"Région": record["row"].map(regions),
                         "Dimension de la grille": record["column"].map(dimensions), "Règle": record["rule"]})


def counts() -> dict[str, int]:
    """Numbers the annex prose cites."""
    stand_in, published = interviews.stand_in()
    rules = published.suppressed["rule"]
    return {"n_entrevues": len(stand_in.interviews), "n_regions": published.table.shape[0],
            "n_dimensions": published.table.shape[1], "n_cellules": int(published.table.size),
            "n_primaires": int(rules.str.startswith("primaire").sum()),
            "n_secondaires": int(rules.str.startswith("secondaire").sum()), "seuil": MIN_COUNT}


def region_frame(region_id: str) -> pd.DataFrame:
    """One region's published row of the stand-in, in the form `interviews.chart` draws."""
    _, published = interviews.stand_in()
    frame = disclosure.long_form(published, region_id)
    names = interviews.dimension_labels()
    return frame.assign(dimension=frame["category"].map(names).fillna(frame["category"]), synthetic=True,
                        edition=interviews.LABEL_SYNTHETIC)


def published_html() -> str:
    """The published table, marked as a synthetic aggregate (the built-page checks read this marker)."""
    table = published_table()
    body = tables.render(table, {c: c for c in table.columns},
                         caption="Données synthétiques : personnes interrogées distinctes par région et par "
                                 "dimension de la grille, après contrôle de divulgation")
    return f"<div class='published-aggregate' data-synthetic='true'>{body}</div>"


def banner() -> str:
    text = typography.fr("Tout ce qui suit est fabriqué : ce sont des données synthétiques, tirées au hasard à "
                         "partir des seuls agrégats que l'étude a publiés. Elles montrent la chaîne de traitement "
                         "et aucune conclusion ne peut en être tirée.")
    return ("<div class='admonition warning synthetic-banner' role='note'><p class='admonition-title'>"
            f"Données synthétiques</p><p>{html.escape(text, quote=False)}</p></div>")
