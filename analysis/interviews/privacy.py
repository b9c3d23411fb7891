"""The privacy rule, written once: e-mail addresses, phone numbers, deny-listed names, interview ids.

`personal_details(text, deny, ids)` is the rule. It is applied to every free-text cell of the
restricted folder before any page is written (analysis/interviews/restricted.py: the build gate,
`validate-restricted`, `import-qdpx`) and to every file of a built book (`scan`, below), which every
restricted build runs on its own output.

`python -m analysis privacy-scan DIR [--deny-list FILE]` reads every page (`.html`), notebook
(`.ipynb`), source copy and download under DIR, and every PDF when `pypdfium2` is installed (otherwise it
says that PDFs were skipped). Theme and library assets (`_static/`) are not content and are skipped.
It exits 2 on any finding. The deny-list defaults to `deny-list.txt` of the restricted interview folder
when `ALLIANCES_INTERVIEWS_DIR` is set (its interview ids are then looked for too); a finding names the
list's line number, never the name itself, so the scan's own output does not spread it.

Nothing is whitelisted silently: a legitimate match (an organisation's generic contact address in a
public source, say) must be listed in `privacy_allowlist.csv` beside this module, with the exact text
and the reason; an allow-list entry that no longer matches anything is itself reported, so the list
cannot go stale.
"""

from __future__ import annotations

import csv
import html
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.contract import env
from analysis.contract.report import EXIT_INVALID, report

ALLOWLIST = Path(__file__).with_name("privacy_allowlist.csv")
DENY_LIST = "deny-list.txt"  # in the restricted folder: one name per line, `#` starts a comment
SKIPPED_DIRS = {"_static"}
TEXT_SUFFIXES = {".html", ".ipynb", ".txt", ".md", ".csv", ".json", ".js", ".graphml", ".gexf", ".qdc", ".xml"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# 418 555-0123, (418) 555-0123, 418.555.0123, +1 418-555-0123, 1 800 555-0123, and a bare 555-0123.
# Separators are blanks (a no-break space included), dots and dashes, never the narrow no-break space
# (U+202F) that groups the thousands of a French amount: « 525 560 » followed by a year is not a number.
PHONE = re.compile(r"(?<![\w.\u202f-])(?:(?:\+?1[ \t\u00a0.-])?(?:\(\d{3}\)[ \t\u00a0]?|\d{3}[ \t\u00a0.-]))?"
                   r"\d{3}[ \t\u00a0.-]\d{4}(?![\w-])")
PHONE_CORE = re.compile(r"\d{3}[ \t\u00a0.-]\d{4}")  # the part of PHONE that every match holds
# What a finding says of each kind, without the value it found.
KINDS = {"email": "an e-mail address", "phone": "a phone number", "deny-list": "a name of the deny-list",
         "interview-id": "an interview id"}


WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, no accents, every run of non-letters as one space: how names and ids are compared."""
    if not text.isascii():  # ASCII is its own NFKD form: most lines of a page skip the decomposition
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(WORD.findall(text.lower()))


def deny_list_file(path: Path) -> list[str]:
    """One name per line; `#` starts a comment."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def deny_list(folder: Path | None) -> list[str]:
    """Names of the deny-list shipped with the restricted data (empty when there is none)."""
    if folder is None or not (Path(folder) / DENY_LIST).is_file():
        return []
    return deny_list_file(Path(folder) / DENY_LIST)


@dataclass(frozen=True)
class Match:
    kind: str    # a key of KINDS
    text: str    # what matched (e-mail, phone) — never printed for deny-listed names or ids
    label: str   # what may be printed: the kind, and for a name its line on the deny-list


def personal_details(text: str, deny: list[str] = (), ids: list[str] = ()) -> list[Match]:
    """Every e-mail address, phone number, deny-listed name and interview id in `text` (accents, case,
    hyphens and underscores ignored for names and ids)."""
    # Cheap tests first, as most text holds neither: every address has an @, every number PHONE_CORE.
    found = [Match("email", m.group(0), KINDS["email"]) for m in EMAIL.finditer(text)] if "@" in text else []
    if PHONE_CORE.search(text):
        found += [Match("phone", m.group(0).strip(), KINDS["phone"]) for m in PHONE.finditer(text)]
    if not deny and not ids:
        return found  # the public book: no names to look for, so no text to normalise
    plain = f" {normalise(text)} "
    for number, key in enumerate(_normalised(tuple(deny)), start=1):
        if key and f" {key} " in plain:
            found.append(Match("deny-list", f"name on line {number} of the deny-list",
                               f"{KINDS['deny-list']} (its line {number})"))
    first_words, keys = _id_keys(tuple(ids))
    if not first_words.isdisjoint(plain.split()):  # a key is in the text only if its first word is
        found += [Match("interview-id", "an interview id of the restricted folder", KINDS["interview-id"])
                  for key in keys if key in plain]
    return found


@lru_cache(maxsize=16)
def _normalised(items: tuple[str, ...]) -> tuple[str, ...]:
    """Each item normalised, once per list: a scan checks thousands of texts against the same few lists."""
    return tuple(normalise(item) for item in items)


@lru_cache(maxsize=16)
def _id_keys(ids: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The ids' distinct non-empty keys as ` key ` (whole words), and their first words: a scan tests
    thousands of lines against a hundred ids, and most lines hold none of those words."""
    keys = tuple(f" {key} " for key in dict.fromkeys(_normalised(ids)) if key)
    return frozenset(key.split()[0] for key in keys), keys


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.text}"


def allowlist(path: Path = ALLOWLIST) -> dict[tuple[str, str], str]:
    """(kind, exact text) -> reason; a row without a reason is an error, not an allowance."""
    if not path.exists():
        return {}
    allowed = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if not (row.get("kind") and row.get("text") and (row.get("reason") or "").strip()):
                raise ValueError(f"{path}:{number}: an allowance needs a kind, the exact text and a reason")
            allowed[(row["kind"], row["text"])] = row["reason"]
    return allowed


# pdfium's mark for a hyphen ending a line, where it read the word's two parts as one (« Bas-Saint-Laurent »).
PDFIUM_HYPHEN = "\ufffe"


def _texts(path: Path) -> list[str] | None:
    """The text of a file as lines (HTML entities decoded), or None for a PDF when pypdfium2 is not installed."""
    if path.suffix == ".pdf":
        try:
            import pypdfium2
        except ImportError:
            return None
        lines = []
        with pypdfium2.PdfDocument(path) as document:
            for page in document:
                lines += page.get_textpage().get_text_range().replace(PDFIUM_HYPHEN, "-").splitlines()
        return lines
    return html.unescape(path.read_text(encoding="utf-8", errors="replace")).splitlines()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not SKIPPED_DIRS & set(p.relative_to(root).parts)
                  and (p.suffix in TEXT_SUFFIXES or p.suffix == ".pdf"))


def scan(root: Path, deny: list[str] | None = None, ids: list[str] = ()) -> tuple[list[Finding], list[str]]:
    """(findings, notes) for every file under `root`; notes say what could not be read."""
    root = Path(root)
    findings, notes = [], []
    for path in _files(root):
        lines = _texts(path)
        rel = path.relative_to(root).as_posix()
        if lines is None:
            notes.append(f"{rel}: PDF skipped (pypdfium2 is not installed)")
            continue
        for number, line in enumerate(lines, start=1):
            findings += [Finding(rel, number, m.kind, m.text) for m in personal_details(line, deny or [], ids)]
    return findings, notes


def check(root: Path, deny: list[str] | None = None, allowed: dict | None = None,
          ids: list[str] = ()) -> tuple[list[str], list[str]]:
    """(problems, notes): findings not on the allow-list, plus allow-list entries that matched nothing."""
    allowed = allowlist() if allowed is None else allowed
    findings, notes = scan(root, deny, ids)
    problems = [str(f) for f in findings if (f.kind, f.text) not in allowed]
    used = {(f.kind, f.text) for f in findings}
    problems += [f"{ALLOWLIST.name}: {kind} {text!r} is allowed but no longer found: remove the entry"
                 for (kind, text) in allowed if (kind, text) not in used]
    notes += [f"allowed {kind} {text!r}: {reason}" for (kind, text), reason in allowed.items()
              if (kind, text) in used]
    return problems, notes


def main(root: Path, deny_file: Path | None = None, ids: list[str] = ()) -> int:
    root = Path(root).expanduser()
    if not root.is_dir():
        print(f"{root}: no such folder: build the book first", file=sys.stderr)
        return EXIT_INVALID
    deny = deny_list_file(deny_file) if deny_file is not None else deny_list(env.interviews_dir())
    problems, notes = check(root, deny, ids=ids)
    return report(problems, f"privacy problem(s) in {root}",
                  f"{root}: no e-mail address, phone number or deny-listed name ({len(deny)} name(s) on the "
                  "deny-list)", notes)
