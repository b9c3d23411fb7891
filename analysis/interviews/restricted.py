"""Fail closed on the restricted interview folder (`ALLIANCES_INTERVIEWS_DIR`).

Any problem with the folder stops the build before any page is written: missing or unreadable, a file
that breaks the package schema, an interview id that is not an opaque code, a personal detail in any
cell (an e-mail address, a phone number, a name of the folder's `deny-list.txt`, an interview id in a
free-text field — the one rule of analysis/interviews/privacy.py), a team summary that does not name a
region and a codable code of the import, a region with too few interviewees to publish anything.

`problems()` reports every problem at once, root causes first; checks that need a table which failed
to load are skipped with one line saying so. A problem names the file, row and column and the rule,
never the personal detail it found. Even so, the details stay on the terminal of the person who holds
the data (`make validate-restricted`); what a build sees is `GENERIC_MESSAGE`, nothing else.

Folder contents: `interviews.csv` and `interview_codes.csv` (the schema of the synthetic stand-in,
`synthetic` false), optionally `code_summaries.csv` (the team's summaries, `SUMMARY_COLUMNS`) and
`deny-list.txt` (one name per line, `#` starts a comment).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis.contract import data, disclosure
from analysis.contract.data import DATA_DIR, DESCRIPTOR
from analysis.contract.validate import rehash, validate
from analysis.interviews import privacy
from analysis.interviews.synthetic import FILES

DENY_LIST = privacy.DENY_LIST
SUMMARIES_FILE = "code_summaries.csv"
SUMMARY_COLUMNS = ("region_id", "code_id", "summary_fr")
NEEDED = ("regions", "codebook")  # the public tables the interview tables refer to
STAGED_DIR = "restricted"  # where the staged package holds the folder's files
# A restricted interview id is an opaque code: up to four letters, a hyphen, a number (`ent-017`).
ID_PATTERN = re.compile(r"[a-z]{1,4}-[0-9]{1,6}")
GENERIC_MESSAGE = ("the restricted interview folder is invalid: run `make validate-restricted DIR=…` on the "
                   "data holder's terminal to see the details")


class RestrictedDataError(RuntimeError):
    """Raised by builds and chapters; its message never quotes the restricted folder or its contents."""

    def __init__(self, message: str = GENERIC_MESSAGE):
        super().__init__(message)


# ---------------------------------------------------------------------------------------------------
# The folder's tables as a small data package, checked by the package's own validator
# ---------------------------------------------------------------------------------------------------

def restricted_package(present: set[str], data_dir: Path = DATA_DIR) -> dict:
    """A descriptor with the referenced tables and the restricted files `present` in place of the stand-in."""
    package = data.descriptor(Path(data_dir))
    keep = set(NEEDED) | present
    resources = []
    for res in copy.deepcopy(package["resources"]):
        if res["name"] not in keep:
            continue
        res.pop("hash", None)
        res.pop("bytes", None)
        if res["name"] in FILES:
            res["path"] = f"{STAGED_DIR}/{FILES[res['name']]}"
            res["synthetic"] = False
            res["title"] = res["title"].replace("données synthétiques", "édition restreinte")
        keys = res["schema"].get("foreignKeys", [])
        res["schema"]["foreignKeys"] = [k for k in keys if k["reference"]["resource"] in keep | {""}]
        resources.append(res)
    return {**{k: v for k, v in package.items() if k != "resources"}, "resources": resources}


@contextmanager
def staged(folder: Path, data_dir: Path = DATA_DIR):
    """A temporary package: the referenced tables plus the folder's interview files, hashes re-recorded."""
    present = {name for name, file in FILES.items() if (Path(folder) / file).is_file()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        package = restricted_package(present, data_dir)
        for res in package["resources"]:
            source = folder / FILES[res["name"]] if res["name"] in FILES else Path(data_dir) / res["path"]
            (root / res["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / res["path"])
        (root / DESCRIPTOR).write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
        rehash(root)
        try:
            yield root
        finally:  # the loader's caches must not keep a folder that is about to disappear
            data.descriptor.cache_clear()
            data._read.cache_clear()


def read_valid(folder: Path, data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Both restricted tables, typed; only for a folder `problems` found valid."""
    with staged(Path(folder), data_dir) as root:
        return {name: data.load(name, root) for name in FILES}


# ---------------------------------------------------------------------------------------------------
# Every problem at once
# ---------------------------------------------------------------------------------------------------

def problems(folder: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem of the restricted folder as `file:row:column: rule: message`, root causes first.

    Files are named relative to the folder; no message quotes a personal detail."""
    folder = Path(folder)
    if not folder.is_dir():
        return ["(folder):0:0: missing-folder: the restricted folder does not exist or is not a folder"]
    data_dir = Path(data_dir)
    found = [f"{file}:0:0: missing-file: the restricted folder has no {file}"
             for file in FILES.values() if not (folder / file).is_file()]
    try:
        deny = privacy.deny_list(folder)
    except (OSError, UnicodeError):
        deny = []
        found.append(f"{DENY_LIST}:0:0: unreadable: the deny-list is not a UTF-8 text file")
    with staged(folder, data_dir) as root:
        schema = [_local(p) for p in validate(root)]
        found += [str(p) for p in schema if p.rule != "skipped"]  # said below, with what waits
        broken = {p.file for p in schema} | {f for f in FILES.values() if not (folder / f).is_file()}
        tables = {name: data.load(name, root) for name, file in FILES.items() if file not in broken}
        for name, frame in tables.items():
            found += _label_problems(FILES[name], frame)
    rows = {file: _rows(folder / file) for file in [*FILES.values(), SUMMARIES_FILE] if (folder / file).is_file()}
    ids = [row.get("interview_id", "") for row in rows.get(FILES["interviews"], [])]
    found += _personal_details(rows, deny, ids)
    summaries = rows.get(SUMMARIES_FILE)
    found += _summary_problems(summaries, data_dir) if summaries is not None else []

    needs = {"interviews": "ids, interviewees per region, published cells",
             "interview_codes": "codable codes, published cells, summaries' cells"}
    missing = [name for name in FILES if name not in tables]
    found += [f"{FILES[name]}:0:0: skipped: checks of the {needs[name]} wait until the problems above are "
              f"fixed in {FILES[name]}" for name in missing]
    if "interviews" in tables:
        found += _id_problems(tables["interviews"])
    if "interview_codes" in tables:
        found += _codable_problems(tables["interview_codes"], data_dir)
    if not missing:
        found += _structure_problems(tables, data_dir)
        if summaries is not None:
            found += _summary_cell_problems(summaries, tables)
    return [_redacted(line, deny) for line in found]


def _redacted(line: str, deny: list[str]) -> str:
    """A message that quotes a cell (an unknown value, say) never repeats a personal detail it holds."""
    line = privacy.PHONE.sub("…", privacy.EMAIL.sub("…", line))
    if privacy.personal_details(line, deny):
        line = re.sub(r"'[^']*'", "'…'", line)
    return line


def _local(problem):
    """A problem of the staged package, named as the file of the restricted folder."""
    return type(problem)(problem.file.removeprefix(f"{STAGED_DIR}/"), problem.row, problem.column,
                         problem.rule, problem.message)


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows as text (undecodable bytes replaced: the encoding is the validator's report)."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error:
        return []  # broken quoting: the validator names the row


def _personal_details(rows: dict[str, list[dict[str, str]]], deny: list[str], ids: list[str]) -> list[str]:
    """Every cell holding a personal detail (privacy.personal_details), named by file, row and column only.

    Interview ids are expected in the id columns, and looked for in every other cell.
    Each file, then each row of a file with a finding, is first checked whole, one cell a line: whatever the
    rule finds in a cell it finds in that text too (no pattern matches a line break, names and ids are
    compared word by word), so only the rows with a finding are checked cell by cell."""
    def clean(records: list[dict[str, str]]) -> bool:
        cells = [(name, cell) for record in records for name, cell in record.items()
                 if isinstance(cell, str) and cell]
        ids_cells = "\n".join(cell for name, cell in cells if name == "interview_id")
        other_cells = "\n".join(cell for name, cell in cells if name != "interview_id")
        return not (privacy.personal_details(other_cells, deny, ids) or privacy.personal_details(ids_cells, deny))

    found = []
    for file, records in rows.items():
        if clean(records):
            continue
        for number, record in enumerate(records, start=2):
            if clean([record]):
                continue
            for column, (name, cell) in enumerate(record.items(), start=1):
                if not isinstance(cell, str) or not cell:
                    continue
                matches = privacy.personal_details(cell, deny, [] if name == "interview_id" else ids)
                for kind in dict.fromkeys(m.kind for m in matches):
                    label = next(m.label for m in matches if m.kind == kind)
                    found.append(f"{file}:{number}:{column}: {kind}: field {name!r} holds {label}; "
                                 "nothing personal may be published")
    return found


def _label_problems(file: str, frame: pd.DataFrame) -> list[str]:
    """Real rows say synthetic=false."""
    wrong = [number for number, flag in enumerate(frame["synthetic"], start=2) if pd.isna(flag) or bool(flag)]
    if not wrong:
        return []
    return [f"{file}:{wrong[0]}:{len(frame.columns)}: restricted-label: {len(wrong)} row(s) say synthetic=true; "
            "a restricted file must say false on every row (is this the synthetic stand-in?)"]


def _codable(data_dir: Path) -> list[str]:
    codebook = data.load("codebook", data_dir)
    return codebook.loc[codebook["is_codable"].fillna(False).astype(bool), "code_id"].tolist()


def _codable_problems(codes: pd.DataFrame, data_dir: Path) -> list[str]:
    """The codes applied to interviews are codable codes of the codebook."""
    codable = set(_codable(data_dir))
    return [f"{FILES['interview_codes']}:{number}:2: codable: {code!r} is a grouping code of the codebook, "
            "not a codable one" for number, code in enumerate(codes["code_id"], start=2) if code not in codable]


def _id_problems(interviews: pd.DataFrame) -> list[str]:
    """Ids are opaque codes; a malformed one is not quoted (it may be a person's name)."""
    return [f"{FILES['interviews']}:{number}:1: opaque-id: the id is not an opaque code such as 'ent-017' "
            "(up to four letters, a hyphen, a number); never put a name in an id"
            for number, value in enumerate(interviews["interview_id"], start=2)
            if not ID_PATTERN.fullmatch(str(value))]


def _summary_problems(rows: list[dict[str, str]], data_dir: Path) -> list[str]:
    """The team's summaries: the header, a known region, a codable code, a text."""
    header = tuple(rows[0].keys()) if rows else SUMMARY_COLUMNS
    if header != SUMMARY_COLUMNS:
        return [f"{SUMMARIES_FILE}:1:1: header: the columns must be {','.join(SUMMARY_COLUMNS)}"]
    regions = set(data.load("regions", data_dir)["region_id"])
    codable = set(_codable(data_dir))
    found = []
    for number, row in enumerate(rows, start=2):
        if row["region_id"] not in regions:
            found.append(f"{SUMMARIES_FILE}:{number}:1: region-exists: {row['region_id']!r} is not a region id "
                         "of regions.csv")
        if row["code_id"] not in codable:
            found.append(f"{SUMMARIES_FILE}:{number}:2: codable: {row['code_id']!r} is not a codable code of "
                         "the codebook")
        if not (row["summary_fr"] or "").strip():
            found.append(f"{SUMMARIES_FILE}:{number}:3: required: the summary is empty")
    return found


def _summary_cell_problems(rows: list[dict[str, str]], tables: dict[str, pd.DataFrame]) -> list[str]:
    """A summary describes a region × code cell the interviews actually reach."""
    regions = tables["interviews"][["interview_id", "region_id"]]
    linked = tables["interview_codes"].merge(regions, on="interview_id")
    present = set(zip(linked["region_id"], linked["code_id"], strict=True))
    return [f"{SUMMARIES_FILE}:{number}:1: summary-cell: no interview of region {row['region_id']!r} is coded "
            f"{row['code_id']!r}" for number, row in enumerate(rows, start=2)
            if (row.get("region_id"), row.get("code_id")) not in present]


def _structure_problems(tables: dict, data_dir: Path) -> list[str]:
    """A region with fewer interviewees than the threshold, or a published table that cannot be protected."""
    found = []
    per_region = tables["interviews"].groupby("region_id")["interview_id"].nunique()
    for region, n in per_region.items():
        if n < disclosure.MIN_COUNT:
            found.append(f"{FILES['interviews']}:0:2: under-threshold: region {region!r} has {n} distinct "
                         f"interviewee(s), fewer than {disclosure.MIN_COUNT}: nothing about it could be published")
    codebook = data.load("codebook", data_dir)
    regions = data.load("regions", data_dir)["region_id"].tolist()
    counts = disclosure.interviewees_by_dimension(tables["interviews"], tables["interview_codes"], codebook,
                                                  regions)
    published = disclosure.suppress(counts)
    for line in published.exposed_totals + disclosure.lines_with_one_suppressed(published.table):
        found.append(f"{FILES['interview_codes']}:0:0: unprotectable: {line} would let a reader recover a "
                     "hidden count")
    return found


def check_or_raise(folder: Path, data_dir: Path = DATA_DIR) -> None:
    """Raise the generic RestrictedDataError (no detail, no chained cause) when the folder has a problem."""
    try:
        ok = not problems(folder, data_dir)
    except Exception:  # noqa: BLE001 - whatever went wrong, the message must not quote it
        ok = False
    if not ok:
        raise RestrictedDataError()


def read_checked(folder: Path, data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Fail closed: the tables of a folder without any problem, else the generic error and nothing more."""
    tables = None
    try:
        if not problems(folder, data_dir):
            tables = read_valid(folder, data_dir)
    except Exception:  # noqa: BLE001 - any failure is reported the same way, without its details
        tables = None
    if tables is None:
        raise RestrictedDataError()  # raised outside the except block: no chained cause in the traceback
    return tables


def interview_ids(folder: Path | None) -> list[str]:
    """The interview ids of the folder (for the privacy scan of a built book); empty when unreadable."""
    path = Path(folder) / FILES["interviews"] if folder is not None else None
    if path is None or not path.is_file():
        return []
    return [row.get("interview_id", "") for row in _rows(path) if row.get("interview_id")]
