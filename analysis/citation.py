"""Per-chapter citations (APA, BibTeX, RIS) built from CITATION.cff and the chapter's metadata."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.data import ROOT


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


def reference(chapter: str, page: str) -> Reference:
    meta = metadata()
    return Reference(
        chapter=chapter,
        page=page,
        book=meta["title"],
        authors=meta["authors"][0]["name"],
        version=str(meta["version"]),
        year=str(meta["date-released"])[:4],
        url=meta["url"].rstrip("/") + f"/{page}.html",
    )


def apa(ref: Reference) -> str:
    return (f"{ref.authors}. ({ref.year}). {ref.chapter}. Dans {ref.book} (version {ref.version}). "
            f"{ref.url}")


def bibtex(ref: Reference) -> str:
    return (f"@incollection{{{ref.key},\n"
            f"  author    = {{{{{ref.authors}}}}},\n"
            f"  title     = {{{ref.chapter}}},\n"
            f"  booktitle = {{{ref.book}}},\n"
            f"  edition   = {{{ref.version}}},\n"
            f"  year      = {{{ref.year}}},\n"
            f"  url       = {{{ref.url}}},\n"
            f"  language  = {{french}}\n}}")


def ris(ref: Reference) -> str:
    lines = [("TY", "CHAP"), ("AU", ref.authors), ("TI", ref.chapter), ("T2", ref.book),
             ("ET", ref.version), ("PY", ref.year), ("UR", ref.url), ("LA", "fr"), ("ER", "")]
    return "\n".join(f"{tag}  - {value}" for tag, value in lines)


def box(chapter: str, page: str) -> str:
    """HTML cite box: the APA line, then BibTeX and RIS ready to copy."""
    ref = reference(chapter, page)
    blocks = "".join(
        f"<details><summary>{label}</summary><pre>{html.escape(text)}</pre></details>"
        for label, text in (("BibTeX", bibtex(ref)), ("RIS", ris(ref)))
    )
    return (f"<div class='cite-box' role='note' aria-label='Citer ce chapitre'>"
            f"<p><strong>APA</strong> — {html.escape(apa(ref))}</p>{blocks}</div>")
