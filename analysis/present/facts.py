"""The study's own statements (`etude` tier) that are not findings: one block per `study_facts` row,
in the same form as a finding (statement in the edition's words, then where the summary says it)."""

from __future__ import annotations

import html
from pathlib import Path

from analysis.contract import data, typography


def block(fact_id: str, data_dir: Path = data.DATA_DIR) -> str:
    """HTML for one study fact: its statement and its place in the summary; an unknown id is an error."""
    facts = data.load("study_facts", data_dir).set_index("fact_id")
    if fact_id not in facts.index:
        raise KeyError(f"study_facts.csv: no fact {fact_id!r}")
    row = facts.loc[fact_id]
    statement, locator = (typography.fr(row[c]).replace("'", "’") for c in ("statement_fr", "seed_locator"))
    return (f"<div class='constat etude-fait' id='fait-{html.escape(fact_id)}'>"
            f"<p class='constat-enonce'>{html.escape(statement, quote=False)}</p>"
            f"<p class='constat-source'>Niveau de preuve{typography.NBSP}: étude (résumé). Où dans le résumé"
            f"{typography.NBSP}: {html.escape(locator, quote=False)}.</p></div>")
