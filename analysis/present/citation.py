"""Per-chapter citations (APA, BibTeX, RIS) built from CITATION.cff and the chapter's metadata."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

import analysis
from analysis.contract import typography
from analysis.contract.data import ROOT

# A title written with French typography carries no-break spaces; a citation manager or BibTeX wants
# plain ones (they would otherwise print as odd characters or stop a line from breaking).
NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@lru_cache(maxsize=1)
def metadata(path: Path = ROOT / "CITATION.cff") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Reference:
    chapter: str
    page: str  # path of the page in the book, e.g. "book/regions/mauricie"
    book: str
    authors: str
    version: str
    year: str
    url: str

    @property
    def key(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.page.split("/")[-1].lower()).strip("-")
        return f"alliances{self.year}{slug}"


def edition() -> str:
    """The edition number: pyproject.toml's, read from the installed package (analysis.__version__)."""
    return analysis.__version__


def plain(text: str) -> str:
    return text.translate(NO_BREAK_SPACES)


def reference(chapter: str, page: str) -> Reference:
    meta = metadata()
    return Reference(
        chapter=plain(chapter),
        page=page,
        book=plain(meta["title"]),
        authors=meta["authors"][0]["name"],
        version=edition(),
        year=str(meta["date-released"])[:4],
        url=meta["url"].rstrip("/") + f"/{page}.html",
    )


def apa(ref: Reference) -> str:
    return (f"{ref.authors}. ({ref.year}). {ref.chapter}. Dans {ref.book} (version {ref.version}). "
            f"{ref.url}")


def bibtex(ref: Reference) -> str:
    """A BibTeX entry that `plain` and `apalike` print without a warning.

    The edition number goes in `version` (biblatex) and `note` (BibTeX): styles print `edition` as
    « 0.2.0 edition ». The book is published by its own contributors, hence `publisher`. Double braces
    keep the French capitalisation of the titles.
    """
    return (f"@incollection{{{ref.key},\n"
            f"  author    = {{{{{ref.authors}}}}},\n"
            f"  title     = {{{{{ref.chapter}}}}},\n"
            f"  booktitle = {{{{{ref.book}}}}},\n"
            f"  publisher = {{{{{ref.authors}}}}},\n"
            f"  year      = {{{ref.year}}},\n"
            f"  version   = {{{ref.version}}},\n"
            f"  note      = {{Édition {ref.version}}},\n"
            f"  url       = {{{ref.url}}},\n"
            f"  language  = {{french}}\n}}")


def ris(ref: Reference) -> str:
    lines = [("TY", "CHAP"), ("AU", ref.authors), ("TI", ref.chapter), ("T2", ref.book), ("PB", ref.authors),
             ("ET", ref.version), ("PY", ref.year), ("UR", ref.url), ("LA", "fr"), ("ER", "")]
    return "\n".join(f"{tag}  - {value}" for tag, value in lines)


def study() -> dict:
    """The original study, as CITATION.cff's first reference describes it (authors named)."""
    return metadata()["references"][0]


def initials(given: str) -> str:
    """« Marie-Pier » -> « M.-P. »."""
    return "-".join(f"{part[0]}." for part in given.split("-"))


def study_apa(ref: dict | None = None) -> str:
    """APA line of the original study: its authors, no date (the summary carries none), title, number."""
    ref = ref or study()
    names = [f"{a['family-names']}, {initials(a['given-names'])}" for a in ref["authors"]]
    authors = ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else names[0]
    return (f"{authors} (s. d.). {ref['title']} (projet {ref['number']}). {ref['institution']['name']} ; "
            f"{ref['publisher']['name']}. {ref['url']}")


def box(chapter: str, page: str) -> str:
    """HTML cite box: the APA line, then BibTeX and RIS ready to copy, then the study to cite with it."""
    ref = reference(chapter, page)
    blocks = "".join(
        f"<details><summary>{label}</summary><pre>{html.escape(text)}</pre></details>"
        for label, text in (("BibTeX", bibtex(ref)), ("RIS", ris(ref)))
    )
    origin = html.escape(typography.fr(study_apa()))
    return (f"<div class='cite-box' role='note' aria-label='Citer ce chapitre'>"
            f"<p><strong>APA</strong> — {html.escape(typography.fr(apa(ref)))}</p>{blocks}"
            f"<p class='cite-study'>Citez aussi l'étude d'origine — {origin}</p></div>")
