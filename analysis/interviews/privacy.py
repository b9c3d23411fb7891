"""Privacy scan of a built book: e-mail addresses, North American phone numbers, deny-listed names.

`python -m analysis privacy-scan DIR [--deny-list FILE]` reads every page (`.html`), notebook
(`.ipynb`), source copy and download under DIR, and every PDF when `pypdf` is installed (otherwise it
says that PDFs were skipped). Theme and library assets (`_static/`) are not content and are skipped.
It exits 2 on any finding. The deny-list defaults to `deny-list.txt` of the restricted interview folder
(analysis/interviews/restricted.py) when `ALLIANCES_INTERVIEWS_DIR` is set; a finding names the list's line
number, never the name itself, so the scan's own output does not spread it.

Nothing is whitelisted silently: a legitimate match (an organisation's generic contact address in a
public source, say) must be listed in `privacy_allowlist.csv` beside this module, with the exact text
and the reason; an allow-list entry that no longer matches anything is itself reported, so the list
cannot go stale.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.contract.report import report
from analysis.interviews import restricted

ALLOWLIST = Path(__file__).with_name("privacy_allowlist.csv")
SKIPPED_DIRS = {"_static"}
TEXT_SUFFIXES = {".html", ".ipynb", ".txt", ".md", ".csv", ".json", ".js", ".graphml", ".gexf", ".qdc", ".xml"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# 418 555-0123, (418) 555-0123, 418.555.0123, +1 418-555-0123, 1 800 555-0123, and a bare 555-0123.
PHONE = re.compile(r"(?<![\w.-])(?:(?:\+?1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-]))?\d{3}[\s.-]\d{4}(?![\w-])")


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


def _texts(path: Path) -> list[str] | None:
    """The text of a file as lines (HTML entities decoded), or None for a PDF that cannot be read."""
    if path.suffix == ".pdf":
        try:
            from pypdf import PdfReader
        except ImportError:
            return None
        return [line for page in PdfReader(path).pages for line in (page.extract_text() or "").splitlines()]
    return html.unescape(path.read_text(encoding="utf-8", errors="replace")).splitlines()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not SKIPPED_DIRS & set(p.relative_to(root).parts)
                  and (p.suffix in TEXT_SUFFIXES or p.suffix == ".pdf"))


def scan(root: Path, deny: list[str] | None = None) -> tuple[list[Finding], list[str]]:
    """(findings, notes) for every file under `root`; notes say what could not be read."""
    root = Path(root)
    names = [(number, restricted.normalise(name)) for number, name in enumerate(deny or [], start=1)]
    findings, notes = [], []
    for path in _files(root):
        lines = _texts(path)
        rel = path.relative_to(root).as_posix()
        if lines is None:
            notes.append(f"{rel}: PDF skipped (pypdf is not installed)")
            continue
        for number, line in enumerate(lines, start=1):
            findings += [Finding(rel, number, "email", m.group(0)) for m in EMAIL.finditer(line)]
            findings += [Finding(rel, number, "phone", m.group(0).strip()) for m in PHONE.finditer(line)]
            if names:
                plain = f" {restricted.normalise(line)} "
                findings += [Finding(rel, number, "deny-list", f"name on line {n} of the deny-list")
                             for n, key in names if key and f" {key} " in plain]
    return findings, notes


def check(root: Path, deny: list[str] | None = None, allowed: dict | None = None) -> tuple[list[str], list[str]]:
    """(problems, notes): findings not on the allow-list, plus allow-list entries that matched nothing."""
    allowed = allowlist() if allowed is None else allowed
    findings, notes = scan(root, deny)
    problems = [str(f) for f in findings if (f.kind, f.text) not in allowed]
    used = {(f.kind, f.text) for f in findings}
    problems += [f"{ALLOWLIST.name}: {kind} {text!r} is allowed but no longer found: remove the entry"
                 for (kind, text) in allowed if (kind, text) not in used]
    notes += [f"allowed {kind} {text!r}: {reason}" for (kind, text), reason in allowed.items()
              if (kind, text) in used]
    return problems, notes


def main(root: Path, deny_list: Path | None = None) -> int:
    if deny_list is not None:
        deny = restricted.deny_list_file(deny_list)
    else:
        deny = restricted.deny_list(restricted.folder_from_env())
    problems, notes = check(root, deny)
    return report(problems, f"privacy problem(s) in {root}",
                  f"{root}: no e-mail address, phone number or deny-listed name ({len(deny)} name(s) on the "
                  "deny-list)", notes)
