"""Acronyms of the glossary (`data/glossary.csv`), and links from a chapter to their entry on first use."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from analysis.contract import data

# An acronym: three capitals or more, accented capitals included (CRÉ, CPÉRL, CÉPAM).
ACRONYM = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-ÞŒ]{3,}(?![\w-])")
ANNEX = "book/annexes/glossaire"
ANCHOR_PREFIX = "glossaire-"  # the same as analysis.present.annexes.GLOSSARY_PREFIX (its anchors)
_SKIP = {"a", "script", "style", "code", "pre", "summary", "h1", "h2", "h3", "h4", "abbr", "caption", "th"}
_TAG = re.compile(r"(<[^>]+>)")


@lru_cache(maxsize=4)
def _acronyms(data_dir: Path) -> dict[str, tuple[str, str]]:
    terms = data.load("glossary", data_dir)
    found: dict[str, tuple[str, str]] = {}
    for row in terms.itertuples():
        expansion = "" if row.expansion_fr is None or str(row.expansion_fr) in {"", "<NA>", "nan"} else \
            str(row.expansion_fr)
        for acronym in ACRONYM.findall(str(row.term)):
            found.setdefault(acronym, (row.term_id, expansion))
    for acronym, entry in list(found.items()):  # the same acronym written without its accent (CRE for CRÉ)
        plain = unicodedata.normalize("NFKD", acronym).encode("ascii", "ignore").decode()
        found.setdefault(plain, entry)
    return found


def acronyms(data_dir: Path = data.DATA_DIR) -> dict[str, str]:
    """Acronym -> glossary term id, for every acronym a glossary term spells (« MESS, MTESS » gives two)."""
    return {a: term for a, (term, _) in _acronyms(Path(data_dir)).items()}


def expansions(text: str, data_dir: Path = data.DATA_DIR) -> list[tuple[str, str]]:
    """(acronym, expansion) of each glossary acronym `text` uses, in order of first use: for a legend
    printed beside the text, where a tooltip does not survive."""
    known = _acronyms(Path(data_dir))
    used = dict.fromkeys(a for a in ACRONYM.findall(_TAG.sub(" ", text)) if a in known and known[a][1])
    return [(a, known[a][1]) for a in used]


def link_first(markup: str, seen: set[str], href: str, data_dir: Path = data.DATA_DIR) -> str:
    """Link the first use of each glossary acronym in `markup` not already in `seen` (which is updated).

    Text inside links, headings, summaries, captions, table headers and code is left alone.
    """
    known = _acronyms(Path(data_dir))
    out, stack = [], []
    for part in _TAG.split(markup):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag = name.group(1).lower() if name else ""
            if part.startswith("</"):
                if tag in stack:
                    while stack and stack.pop() != tag:
                        pass
            elif not part.endswith("/>") and tag in _SKIP:
                stack.append(tag)
            out.append(part)
            continue
        if stack:
            out.append(part)
            continue

        def replace(match: re.Match) -> str:
            word = match.group()
            if word not in known or word in seen:
                return word
            seen.add(word)
            term_id, expansion = known[word]
            title = f' title="{html.escape(expansion)}"' if expansion else ""
            target = f"{html.escape(href)}#{ANCHOR_PREFIX}{term_id}"
            return f'<a class="glossary-term" href="{target}"{title}>{word}</a>'

        out.append(ACRONYM.sub(replace, part))
    return "".join(out)
