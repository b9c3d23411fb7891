"""The generated parts of the annexes: source inventory, glossary, versions, edition, command line."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from analysis.contract import data, dates, labels, typography
from analysis.present import citation, sources, tables

QUEBEC = "quebec"
GLOSSARY_PREFIX = "glossaire-"
LOCK = data.ROOT / "requirements.lock"
CHANGELOG = data.ROOT / "CHANGELOG.md"
# The versions a re-runner most needs to match, in the order the page lists them.
KEY_PINS = ("jupyter-book", "Sphinx", "myst-nb", "pandas", "altair", "vl-convert-python", "networkx",
            "frictionless", "pytest", "playwright", "ruff")


def eras() -> dict[str, str]:
    """Era code -> French label, in chronological order (the labels table's order)."""
    return labels.mapping(labels.domain_of("sources", "era"))


def region_order() -> list[str]:
    """Provincial documents first, then the six regions in the book's order."""
    return [QUEBEC, *data.load("regions")["region_id"]]


def region_names() -> dict[str, str]:
    regions = data.load("regions")
    return {QUEBEC: "Québec", **dict(zip(regions["region_id"], regions["name"], strict=True))}


def source_counts(inventory: pd.DataFrame | None = None) -> pd.DataFrame:
    """Documents per region (rows, book order) and era (columns), with totals."""
    inventory = data.load("sources") if inventory is None else inventory
    counts = (pd.crosstab(inventory["region_id"], inventory["era"])
              .reindex(index=region_order(), columns=list(eras()), fill_value=0))
    counts["total"] = counts.sum(axis=1)
    counts.loc["total"] = counts.sum()
    return counts.astype(int)


def source_counts_table(counts: pd.DataFrame) -> str:
    names = {**region_names(), "total": "Ensemble"}
    shown = counts.reset_index(names="region_id").assign(region=lambda f: f["region_id"].map(names))
    columns = {"region": "Portée", **{era: label.capitalize() for era, label in eras().items()},
               "total": "Total"}
    return tables.render(shown, columns, caption="Documents de l'inventaire, par portée et par période")


def source_table(region_id: str, inventory: pd.DataFrame | None = None) -> str:
    """Every document of one region (or `quebec`), one row each with the HTML id `src-<id>`.

    The document cell holds the title, linked to the document's address, then the organisation and
    the site's name; genre and period share one cell so the table fits the page.
    """
    inventory = data.load("sources") if inventory is None else inventory
    rows = inventory[inventory["region_id"] == region_id].sort_values(["date", "source_id"], na_position="last")
    shown = labels.relabel(rows, "sources", ["kind", "era"])
    rows = rows.assign(document=[_document_cell(r) for r in rows.itertuples()],
                       shown_date=[dates.french(d, p) or None for d, p in zip(rows["date"], rows["date_precision"],
                                                                              strict=True)],
                       documents_fr=rows["documents_fr"].map(typography.fr),
                       kind_era=[f"{k} ; {e}" for k, e in zip(shown["kind"], shown["era"], strict=True)])
    team = sources.co_produced(inventory)
    mark = f"<br><strong class='source-coproduite'>{sources.CO_PRODUCED.capitalize()}</strong>"
    rows = rows.assign(document=[cell + (mark if sid in team else "")
                                 for cell, sid in zip(rows["document"], rows["source_id"], strict=True)])
    return tables.render(rows, {
        "source_id": "Identifiant", "document": "Document et adresse", "shown_date": "Date",
        "kind_era": "Genre ; période", "documents_fr": "Ce que le document établit"},
        caption=f"Documents — {region_names()[region_id]}",
        row_ids=[sources.anchor(sid) for sid in rows["source_id"]], raw=("document",))


def _document_cell(row) -> str:
    # An English title is marked as such (screen readers, and French checks do not apply to it).
    lang = f' lang="{row.language}"' if row.language != "fr" else ""
    title = row.title if lang else typography.fr(row.title)
    parts = [f'<a href="{html.escape(row.url)}"{lang}>{html.escape(title)}</a>']
    if not pd.isna(row.organisation):
        parts.append(f"<em>{html.escape(typography.fr(row.organisation))}</em>")
    site = html.escape(urlparse(row.url).netloc.removeprefix("www."))
    parts.append(f"<small>{site}{' (en anglais)' if row.language == 'en' else ''}</small>")
    return "<br>".join(parts)


def rereading_note(region_id: str, rereadings: pd.DataFrame | None = None) -> str:
    """When the region's rows were re-read against their sources, what was re-read and what changed."""
    rereadings = data.load("rereadings") if rereadings is None else rereadings
    mine = rereadings[rereadings["region_id"] == region_id].sort_values("date", ascending=False)
    if mine.empty:
        text = typography.fr("Relecture des lignes de la région contre leurs sources : aucune n’est enregistrée.")
        return f"<p class='rereading gap'>{html.escape(text, quote=False)}</p>"
    parts = []
    for i, row in enumerate(mine.itertuples()):
        title = typography.fr(f"{'Dernière relecture' if i == 0 else 'Relecture'} des lignes de la région contre "
                              f"leurs sources : {dates.french(row.date, 'jour')}")
        parts.append(f"<p><strong>{html.escape(title, quote=False)}</strong></p><dl>"
                     + "".join(f"<dt>{label}</dt><dd>{html.escape(typography.fr(text), quote=False)}</dd>"
                               for label, text in (("Ce qui a été relu", row.scope_fr),
                                                   ("Ce qui a changé", row.changes_fr)))
                     + "</dl>")
    return f"<div class='rereading'>{''.join(parts)}</div>"


def glossary_anchor(term_id: str) -> str:
    return GLOSSARY_PREFIX + term_id


def glossary_html(terms: pd.DataFrame | None = None) -> str:
    """The glossary as a definition list, in alphabetical order, each term with its own anchor."""
    terms = data.load("glossary") if terms is None else terms
    terms = terms.assign(_key=terms["term"].map(_sort_key)).sort_values("_key")
    items, link = [], sources.linker()
    for row in terms.itertuples():
        expansion = ("" if pd.isna(row.expansion_fr)
                     else f" <span class='expansion'>({html.escape(typography.fr(row.expansion_fr))})</span>")
        items.append(
            f"<dt id='{glossary_anchor(row.term_id)}'><strong>{html.escape(row.term)}</strong>{expansion}</dt>"
            f"<dd><p>{html.escape(typography.fr(row.definition_fr))}</p>"
            f"<p class='glossary-sources'>Sources\u00a0: {link(row.source_ids)}</p></dd>")
    return f"<dl class='glossary'>{''.join(items)}</dl>"


def _sort_key(term: str) -> str:
    return unicodedata.normalize("NFD", term).encode("ascii", "ignore").decode().lower()


def pins(names: tuple[str, ...] = KEY_PINS, lock: Path = LOCK) -> pd.DataFrame:
    """The exact versions `requirements.lock` fixes for the named packages (case-insensitive)."""
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            found[_norm(match.group(1))] = (match.group(1), match.group(2))
    missing = [n for n in names if _norm(n) not in found]
    if missing:
        raise KeyError(f"not pinned in {lock.name}: {', '.join(missing)}")
    return pd.DataFrame([found[_norm(n)] for n in names], columns=["package", "version"])


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def python_version(lock: Path = LOCK) -> str:
    """The Python version stated in the lock's header line."""
    match = re.search(r"Python (\d+\.\d+)", lock.read_text(encoding="utf-8").splitlines()[0])
    if not match:
        raise ValueError(f"{lock.name}: no Python version in the header line")
    return match.group(1)


def edition() -> dict[str, str]:
    """Edition number (the installed package's) and its release date (CITATION.cff's)."""
    return {"version": citation.edition(), "date": str(citation.metadata()["date-released"])}


def changelog_versions(path: Path = CHANGELOG) -> list[str]:
    """The released versions a Keep-a-Changelog file lists, newest first (`Unreleased` left out)."""
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\]", path.read_text(encoding="utf-8"), flags=re.M)


def changes(version: str, path: Path = CHANGELOG) -> list[tuple[str, int]]:
    """Entries per kind (« Ajouts », « Corrections »…) in one version's section, in the file's order."""
    text = path.read_text(encoding="utf-8")
    start = re.search(rf"^## \[{re.escape(version)}\].*$", text, flags=re.M)
    if not start:
        raise KeyError(f"{path.name}: no section for {version}")
    following = re.search(r"^## ", text[start.end():], flags=re.M)
    section = text[start.end():start.end() + following.start()] if following else text[start.end():]
    kinds = re.split(r"^### (.+)$", section, flags=re.M)[1:]
    pairs = zip(kinds[::2], kinds[1::2], strict=True)
    return [(kind.strip(), len(re.findall(r"^- ", body, flags=re.M))) for kind, body in pairs]
