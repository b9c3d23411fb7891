"""Validate the data package: raw CSV checks, the Frictionless schema, then the rules a schema cannot say.

Every problem is reported as `file:row:column: rule: message`. Rows count CSV records and the header is
row 1; row 0 / column 0 mean "the whole file". Validation only reads: nothing is written into the data.

The three layers, each reporting every problem it finds:
1. raw checks per CSV (existence, encoding, BOM, delimiter, quoting, header vs schema, row lengths) — a
   file whose structure is broken is left out of the next layers so one mistake does not cascade;
2. Frictionless (types, enums, patterns, required, unique, primary and foreign keys);
3. rules driven by field names, so tables added later are covered (`source_ids`, dates, amounts, regions,
   URLs, synthetic labelling, small counts), plus table-specific rules for funding, projects and ties.
"""

from __future__ import annotations

import calendar
import codecs
import copy
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from analysis.data import DATA_DIR, DESCRIPTOR, ID_SEPARATOR

REHASH_COMMAND = "make rehash"  # printed in error messages: must work as printed, from the repository root
YEARS = range(1990, 2031)
SUPPRESSED = "x"
MIN_COUNT = 5
DELIMITER = ","

DATE_FIELD = re.compile(r"^(date|accessed)$|^date_|_date$")
YEAR_FIELD = re.compile(r"^(year|period)(_.+)?$|_year$")
AMOUNT_FIELD = re.compile(r"^(.+_)?amount$")
COUNT_FIELD = re.compile(r"^(n|count|n_.+|.+_count)$")
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
YEAR_OR_SPAN = re.compile(r"(\d{4})(?:-(\d{4}))?")
# Frictionless errors the raw layer already reports in clearer words (or, for hashes, with the remedy).
COVERED_BY_RAW = {
    "hash-count", "byte-count", "missing-cell", "extra-cell", "blank-row", "incorrect-label",
    "missing-label", "extra-label", "duplicate-label", "blank-label", "encoding-error",
}


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.rule}: {self.message}"


@dataclass
class Table:
    """One CSV as raw strings, kept with record numbers so rules can point at a cell."""

    res: dict
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.res["path"]

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.res["schema"]["fields"]]

    def column(self, name: str) -> int:
        return self.names.index(name) + 1

    def records(self):
        """(row number, {field: cell}) for every data row; short rows read as empty cells."""
        for number, cells in self.rows:
            if cells in ([], [""]):
                continue  # a blank line is reported by the raw layer
            padded = cells + [""] * (len(self.names) - len(cells))
            yield number, dict(zip(self.names, padded[:len(self.names)], strict=True))

    def cells(self, name: str):
        """(row, column, value) of the non-empty cells of one field."""
        col = self.column(name)
        for number, record in self.records():
            if record[name] != "":
                yield number, col, record[name]


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------
# Layer 0: the descriptor itself and the recorded hashes
# ---------------------------------------------------------------------------------------------------

def read_descriptor(data_dir: Path) -> tuple[dict | None, list[Problem]]:
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        return None, [Problem(DESCRIPTOR, 0, 0, "missing-file", f"no {DESCRIPTOR} in {data_dir}")]
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        return None, [Problem(DESCRIPTOR, line, col, "descriptor", f"not valid UTF-8 JSON: {exc}")]


def check_descriptor(descriptor: dict) -> list[Problem]:
    """The contract must say enough for the data dictionary and for reuse."""
    problems = []
    if not descriptor.get("licenses"):
        problems.append(Problem(DESCRIPTOR, 0, 0, "descriptor", "the package declares no `licenses`"))
    for res in descriptor.get("resources", []):
        if "schema" not in res or "path" not in res:
            problems.append(Problem(DESCRIPTOR, 0, 0, "descriptor",
                                    f"resource {res.get('name')!r} needs a `path` and a `schema`"))
            continue
        for f in res["schema"].get("fields", []):
            if not f.get("description"):
                problems.append(Problem(DESCRIPTOR, 0, 0, "descriptor",
                                        f"field {f['name']!r} of resource {res['name']!r} has no `description`"))
    return problems


def check_hashes(data_dir: Path, descriptor: dict) -> list[Problem]:
    problems = []
    for res in descriptor["resources"]:
        path = data_dir / res["path"]
        if not path.is_file():
            continue  # reported by the raw layer
        actual = sha256(path)
        if not res.get("hash"):
            problems.append(Problem(res["path"], 0, 0, "hash",
                                    f"no hash recorded for this file; run `{REHASH_COMMAND}`"))
        elif actual != res["hash"]:
            problems.append(Problem(res["path"], 0, 0, "hash",
                f"content changed outside the pipeline (recorded {res['hash'][:19]}…, now {actual[:19]}…); "
                f"if the edit is deliberate, re-record hashes with `{REHASH_COMMAND}`"))
    return problems


# ---------------------------------------------------------------------------------------------------
# Layer 1: raw structure of each CSV
# ---------------------------------------------------------------------------------------------------

def encoding_problems(path: str, raw: bytes) -> list[Problem]:
    """One problem per line holding bytes that are not UTF-8 (usually a Windows-1252 save)."""
    problems = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(path, number, exc.start + 1, "encoding",
                f"line {number} has byte 0x{line[exc.start]:02x} that is not valid UTF-8; "
                "re-save the file as UTF-8 (it looks like Latin-1/Windows-1252)"))
    return problems


def parse_csv(path: str, text: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, strict=True)
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells))
    except csv.Error as exc:
        number = len(rows) + 1
        hint = ("a quoted cell is never closed: the file is truncated or a quote is missing"
                if "end of data" in str(exc) else "a quote inside a cell must be doubled (\"\")")
        message = f"row {number} (line {reader.line_num}): {hint} ({exc})"
        return rows, [Problem(path, number, 0, "csv-syntax", message)]
    return rows, []


def header_problems(path: str, header: list[str], names: list[str]) -> list[Problem]:
    if len(header) == 1 and len(names) > 1:
        for other in (";", "\t", "|"):
            if other in header[0]:
                return [Problem(path, 1, 1, "delimiter",
                                f"the header is separated by {other!r}; the package uses commas (',') — "
                                "re-export the file as comma-separated CSV")]
    problems = []
    expected = ", ".join(names)
    for position, name in enumerate(names, start=1):
        if name not in header:
            problems.append(Problem(path, 1, position, "header",
                                    f"missing column {name!r} (the schema expects: {expected})"))
    for position, name in enumerate(header, start=1):
        if name not in names:
            problems.append(Problem(path, 1, position, "header",
                f"extra column {name!r} is not in the schema; remove it or declare it in {DESCRIPTOR}"))
    if not problems and header != names:
        problems.append(Problem(path, 1, 1, "header", f"columns are out of order; the schema expects: {expected}"))
    return problems


def row_length_problems(path: str, rows: list[tuple[int, list[str]]], names: list[str]) -> list[Problem]:
    problems = []
    for number, cells in rows:
        if not cells or cells == [""]:
            problems.append(Problem(path, number, 0, "blank-row", "blank line; remove it"))
        elif len(cells) < len(names):
            missing = ", ".join(names[len(cells):])
            problems.append(Problem(path, number, len(cells) + 1, "row-length",
                f"row has {len(cells)} cells but the header has {len(names)}: no value for {missing} "
                "(truncated row?)"))
        elif len(cells) > len(names):
            problems.append(Problem(path, number, len(names) + 1, "row-length",
                f"row has {len(cells)} cells but the header has {len(names)}: extra {cells[len(names):]!r} "
                "(a cell with a comma must be quoted)"))
    return problems


def read_table(data_dir: Path, res: dict) -> tuple[Table | None, list[Problem]]:
    """Read one CSV; return None as the table when its structure is too broken to check further."""
    path, names = res["path"], [f["name"] for f in res["schema"]["fields"]]
    file = data_dir / path
    if not file.is_file():
        return None, [Problem(path, 0, 0, "missing-file",
                              f"file not found; {DESCRIPTOR} declares resource {res['name']!r} at this path")]
    raw = file.read_bytes()
    if not raw.strip():
        return None, [Problem(path, 1, 0, "empty-file",
                              f"the file is empty; expected a header: {','.join(names)}")]
    problems = []
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(path, 1, 1, "bom", "the file starts with a UTF-8 byte-order mark (BOM); "
                                "save it as UTF-8 without BOM"))
        raw = raw[len(codecs.BOM_UTF8):]
    bad = encoding_problems(path, raw)
    if bad:
        return None, problems + bad
    rows, syntax = parse_csv(path, raw.decode("utf-8"))
    header = header_problems(path, rows[0][1] if rows else [], names)
    if syntax or header:
        return None, problems + syntax + header
    body = rows[1:]
    problems += row_length_problems(path, body, names)
    return Table(res, body), problems


# ---------------------------------------------------------------------------------------------------
# Layer 2: Frictionless
# ---------------------------------------------------------------------------------------------------

def schema_descriptor(descriptor: dict, skip: set[str]) -> dict:
    """The package without broken resources (and foreign keys into them), hashes left to layer 0."""
    desc = copy.deepcopy(descriptor)
    desc["resources"] = [r for r in desc.get("resources", []) if r.get("name") not in skip]
    for res in desc["resources"]:
        res.pop("hash", None)
        res.pop("bytes", None)
        keys = res["schema"].get("foreignKeys", [])
        res["schema"]["foreignKeys"] = [k for k in keys if k["reference"].get("resource") not in skip]
    return desc


def constraint_message(name: str, spec: dict, cell: object, note: str) -> str:
    match = re.search(r'constraint "(\w+)"', note or "")
    kind = match.group(1) if match else ""
    limits = spec.get("constraints", {})
    if kind == "required":
        return f"field {name!r} is required but the cell is empty"
    if kind == "enum":
        allowed = ", ".join(map(str, limits.get("enum", [])))
        return f"field {name!r}: {cell!r} is not an allowed value; expected one of: {allowed}"
    if kind == "pattern":
        return f"field {name!r}: {cell!r} does not match the pattern {limits.get('pattern')}"
    if kind in {"minimum", "maximum", "minLength", "maxLength"}:
        return f"field {name!r}: {cell!r} breaks the constraint {kind} = {limits.get(kind)}"
    if kind == "unique":
        return f"field {name!r}: {cell!r} appears more than once; values must be unique"
    return f"field {name!r}: {cell!r}: {note}"


TYPE_HINTS = {
    "integer": "write whole digits only, e.g. 42",
    "number": "write plain digits with a dot for decimals, no spaces, '$' or thousands separators",
    "boolean": "write true or false",
    "date": "write YYYY-MM-DD",
    "year": "write a four-digit year",
}


def fk_problem(path: str, table_fields: list[str], err) -> Problem:
    match = re.search(r'for "([^"]+)": values "([^"]*)" not found in the lookup table "([^"]*)" as "([^"]+)"',
                      err.note or "")
    if not match:
        return Problem(path, err.row_number, 0, "foreign-key", err.message)
    fields, values, ref, ref_fields = match.groups()
    ref = ref or Path(path).stem  # an empty name means the table refers to itself
    col = table_fields.index(fields.split(",")[0]) + 1 if fields.split(",")[0] in table_fields else 0
    return Problem(path, err.row_number, col, "foreign-key",
                   f"field {fields!r}: {values!r} is not an existing {ref_fields} of table {ref!r}; "
                   f"add it there first or fix the id")


def frictionless_problem(res: dict, err) -> Problem | None:
    if err.type in COVERED_BY_RAW:
        return None
    path = res["path"]
    names = [f["name"] for f in res["schema"]["fields"]]
    row = getattr(err, "row_number", None) or 0
    col = getattr(err, "field_number", None) or 0
    name = getattr(err, "field_name", None)
    spec = next((f for f in res["schema"]["fields"] if f["name"] == name), {})
    cell = getattr(err, "cell", None)
    if err.type == "type-error":
        ftype = spec.get("type", "")
        message = f"field {name!r}: {cell!r} is not a valid {ftype}; {TYPE_HINTS.get(ftype, 'fix the value')}"
    elif err.type == "constraint-error":
        message = constraint_message(name, spec, cell, err.note)
    elif err.type == "unique-error":
        message = f"field {name!r}: {cell!r} is a duplicate ({err.note}); values must be unique"
    elif err.type == "primary-key":
        key = res["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        col = names.index(key[0]) + 1 if key and key[0] in names else 0
        message = f"duplicate primary key {', '.join(key)} ({err.note}); each row needs its own id"
    elif err.type == "foreign-key":
        return fk_problem(path, names, err)
    else:
        message = f"field {name!r}: {err.note or err.message}" if name else (err.note or err.message)
    return Problem(path, row, col, err.type, message)


def check_frictionless(data_dir: Path, descriptor: dict, skip: set[str]) -> list[Problem]:
    from frictionless import FrictionlessException, Package, system

    desc = schema_descriptor(descriptor, skip)
    try:
        with system.use_context(trusted=True):
            report = Package(desc, basepath=str(data_dir)).validate()
    except FrictionlessException as exc:
        reasons = getattr(exc, "reasons", None) or [exc.error]
        return [Problem(DESCRIPTOR, 0, 0, "descriptor", err.note or err.message) for err in reasons]
    except Exception as exc:  # a crash would hide every other problem: report it instead
        return [Problem(DESCRIPTOR, 0, 0, "descriptor", f"Frictionless could not read the package: {exc!r}")]
    by_name = {r["name"]: r for r in desc["resources"]}
    problems = [Problem(DESCRIPTOR, 0, 0, "descriptor", err.note or err.message) for err in report.errors]
    for task in report.tasks:
        res = by_name.get(task.name)
        for err in task.errors:
            problem = frictionless_problem(res, err) if res else Problem(DESCRIPTOR, 0, 0, err.type, err.message)
            if problem:
                problems.append(problem)
    return problems


# ---------------------------------------------------------------------------------------------------
# Layer 3: rules a schema cannot say. Each takes {resource name: Table} and returns problems.
# ---------------------------------------------------------------------------------------------------

def fields_matching(tables: dict[str, Table], pattern: re.Pattern):
    for table in tables.values():
        for name in table.names:
            if pattern.search(name):
                yield table, name


def rule_source_ids(tables: dict[str, Table]) -> list[Problem]:
    """Every row cites at least one source, and every cited id exists in sources.csv."""
    if "sources" not in tables:
        return []
    known = {record["source_id"] for _, record in tables["sources"].records()}
    problems = []
    for table, name in fields_matching(tables, re.compile(r"^source_ids?$")):
        if table.res["name"] == "sources":
            continue
        col = table.column(name)
        for number, record in table.records():
            ids = [i.strip() for i in record[name].split(ID_SEPARATOR) if i.strip()]
            if not ids and name == "source_ids":
                problems.append(Problem(table.path, number, col, "source-required",
                    "field 'source_ids' is empty: every row must cite at least one source id of sources.csv"))
            for sid in ids:
                if sid not in known:
                    problems.append(Problem(table.path, number, col, "source-exists",
                        f"field {name!r}: source id {sid!r} is not in sources.csv; add the source or fix the id"))
    return problems


def date_problem(table: Table, number: int, col: int, name: str, value: str) -> Problem | None:
    match = PARTIAL_DATE.fullmatch(value)
    if not match:
        return Problem(table.path, number, col, "date-format",
                       f"field {name!r}: {value!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year not in YEARS:
        return Problem(table.path, number, col, "date-range",
                       f"field {name!r}: year {year} in {value!r} is outside {YEARS[0]}-{YEARS[-1]} (typo?)")
    if month is not None and not 1 <= month <= 12:
        return Problem(table.path, number, col, "date-real", f"field {name!r}: {value!r} has no month {month}")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return Problem(table.path, number, col, "date-real",
                       f"field {name!r}: {value!r} is not a real calendar date "
                       f"({year}-{month:02d} has {calendar.monthrange(year, month)[1]} days)")
    return None


def rule_dates(tables: dict[str, Table]) -> list[Problem]:
    """Dates are real calendar dates within the study's horizon; YYYY and YYYY-MM are allowed."""
    problems = []
    for table, name in fields_matching(tables, DATE_FIELD):
        for number, col, value in table.cells(name):
            problem = date_problem(table, number, col, name, value)
            if problem:
                problems.append(problem)
    return problems


def rule_years(tables: dict[str, Table]) -> list[Problem]:
    """Year and period fields hold YYYY (or YYYY-YYYY for a period) within the horizon, start first."""
    problems = []
    for table, name in fields_matching(tables, YEAR_FIELD):
        for number, col, value in table.cells(name):
            match = YEAR_OR_SPAN.fullmatch(value)
            if not match or (match.group(2) and not name.startswith("period")):
                problems.append(Problem(table.path, number, col, "year-format",
                                        f"field {name!r}: {value!r} is not a year; write YYYY"))
                continue
            years = [int(y) for y in match.groups() if y]
            if any(y not in YEARS for y in years):
                problems.append(Problem(table.path, number, col, "year-range",
                    f"field {name!r}: {value!r} is outside {YEARS[0]}-{YEARS[-1]} (typo?)"))
            elif years != sorted(years):
                problems.append(Problem(table.path, number, col, "year-order",
                                        f"field {name!r}: period {value!r} ends before it starts"))
    return problems


def number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def rule_amounts(tables: dict[str, Table]) -> list[Problem]:
    """Amounts are plain non-negative numbers (CAD dollars)."""
    problems = []
    for table, name in fields_matching(tables, AMOUNT_FIELD):
        for row, col, value in table.cells(name):
            amount = number(value)
            if amount is None:
                problems.append(Problem(table.path, row, col, "amount-format",
                    f"field {name!r}: {value!r} is not a plain number; write dollars as digits without "
                    "spaces, '$' or commas (4,2 M$ -> 4200000)"))
            elif amount < 0:
                problems.append(Problem(table.path, row, col, "amount-negative",
                                        f"field {name!r}: {value} is negative; amounts must be >= 0"))
    return problems


def rule_regions(tables: dict[str, Table]) -> list[Problem]:
    """A region id names a row of regions.csv (or a value the field's own enum allows, e.g. `quebec`)."""
    if "regions" not in tables:
        return []
    known = {record["region_id"] for _, record in tables["regions"].records()}
    problems = []
    for table, name in fields_matching(tables, re.compile(r"^region_id$")):
        if table.res["name"] == "regions":
            continue
        spec = table.res["schema"]["fields"][table.column(name) - 1]
        allowed = known | set(spec.get("constraints", {}).get("enum", []))
        for row, col, value in table.cells(name):
            if value not in allowed:
                problems.append(Problem(table.path, row, col, "region-exists",
                    f"field {name!r}: unknown region {value!r}; known: {', '.join(sorted(allowed))}"))
    return problems


def rule_territories(tables: dict[str, Table]) -> list[Problem]:
    """A row's territory lies in the row's region (whether it exists is the foreign key's job)."""
    if not has(tables, "territories", {"territory_id", "region_id"}):
        return []
    region_of = {rec["territory_id"]: rec["region_id"] for _, rec in tables["territories"].records()}
    problems = []
    for table in tables.values():
        if table.res["name"] == "territories" or not {"region_id", "territory_id"} <= set(table.names):
            continue
        for row, rec in table.records():
            home = region_of.get(rec["territory_id"])
            if home and rec["region_id"] and home != rec["region_id"]:
                problems.append(Problem(table.path, row, table.column("territory_id"), "territory-region",
                    f"territory {rec['territory_id']!r} belongs to region {home!r}, not {rec['region_id']!r}"))
    return problems


def rule_urls(tables: dict[str, Table]) -> list[Problem]:
    """URLs are complete http(s) addresses a reader can open."""
    problems = []
    for table in tables.values():
        for spec in table.res["schema"]["fields"]:
            if spec["name"] != "url" and spec.get("format") != "uri":
                continue
            for row, col, value in table.cells(spec["name"]):
                parts = urlparse(value)
                if parts.scheme not in {"http", "https"} or "." not in parts.netloc or re.search(r"\s", value):
                    problems.append(Problem(table.path, row, col, "url",
                        f"field {spec['name']!r}: {value!r} is not a complete http(s) address "
                        "(expected e.g. https://www.example.org/page, without spaces)"))
    return problems


def has(tables: dict[str, Table], name: str, fields: set[str]) -> bool:
    return name in tables and fields <= set(tables[name].names)


def rule_funding(tables: dict[str, Table]) -> list[Problem]:
    """One retained regional envelope per region, and its territorial parts do not exceed it."""
    needed = {"region_id", "scope", "retained", "amount", "period_start", "period_end"}
    if not has(tables, "funding", needed):
        return []
    table, problems, envelopes = tables["funding"], [], {}
    for row, rec in table.records():
        if rec["scope"] == "enveloppe-regionale" and rec["retained"].lower() == "true":
            if rec["region_id"] in envelopes:
                problems.append(Problem(table.path, row, table.column("retained"), "funding-retained",
                    f"region {rec['region_id']!r} already has a retained regional envelope in row "
                    f"{envelopes[rec['region_id']][0]}; set retained=false on all but one"))
            else:
                envelopes[rec["region_id"]] = (row, rec)
    for region, (env_row, env) in envelopes.items():
        period = (env["period_start"], env["period_end"])
        parts = [(row, number(rec["amount"]) or 0) for row, rec in table.records()
                 if rec["region_id"] == region and rec["scope"] == "part-territoriale"
                 and (rec["period_start"], rec["period_end"]) == period]
        total, envelope = sum(a for _, a in parts), number(env["amount"])
        if parts and envelope is not None and total > envelope:
            problems.append(Problem(table.path, parts[-1][0], table.column("amount"), "funding-parts",
                f"territorial parts of {region!r} for {'-'.join(period)} add up to {total:,.0f} $, more than "
                f"the retained envelope of {envelope:,.0f} $ (row {env_row}); check rows "
                f"{', '.join(str(r) for r, _ in parts)}"))
    return problems


def rule_projects(tables: dict[str, Table]) -> list[Problem]:
    """A project's FQIS share cannot exceed its total cost, and it cannot end before it starts."""
    if "projects" not in tables:
        return []
    table, problems = tables["projects"], []
    names = set(table.names)
    for row, rec in table.records():
        if {"fqis_amount", "total_amount"} <= names:
            fqis, total = number(rec["fqis_amount"]), number(rec["total_amount"])
            if fqis is not None and total is not None and fqis > total:
                problems.append(Problem(table.path, row, table.column("fqis_amount"), "project-amounts",
                    f"fqis_amount {rec['fqis_amount']} is larger than total_amount {rec['total_amount']}"))
        if {"year_start", "year_end"} <= names:
            start, end = number(rec["year_start"]), number(rec["year_end"])
            if start is not None and end is not None and start > end:
                problems.append(Problem(table.path, row, table.column("year_end"), "project-years",
                    f"year_end {rec['year_end']} is before year_start {rec['year_start']}"))
    return problems


def rule_ties(tables: dict[str, Table]) -> list[Problem]:
    """A tie links two different organisations."""
    if not has(tables, "ties", {"source_actor", "target_actor"}):
        return []
    table = tables["ties"]
    return [Problem(table.path, row, table.column("target_actor"), "tie-self",
                    f"source_actor and target_actor are both {rec['source_actor']!r}; a tie links two actors")
            for row, rec in table.records() if rec["source_actor"] and rec["source_actor"] == rec["target_actor"]]


def is_synthetic(res: dict) -> bool:
    return res["path"].startswith("synthetic/") or res.get("synthetic") is True


def rule_synthetic(tables: dict[str, Table]) -> list[Problem]:
    """Every row of a synthetic stand-in says so, so no reader mistakes it for real interviews."""
    problems = []
    for table in tables.values():
        if not is_synthetic(table.res):
            continue
        if "synthetic" not in table.names:
            problems.append(Problem(table.path, 1, 0, "synthetic-label",
                                    "synthetic table without a boolean 'synthetic' column"))
            continue
        col = table.column("synthetic")
        for row, rec in table.records():
            if rec["synthetic"] != "true":
                problems.append(Problem(table.path, row, col, "synthetic-label",
                    f"field 'synthetic' is {rec['synthetic']!r}; every row of a synthetic table must say true"))
    return problems


def is_aggregate(res: dict) -> bool:
    """A published aggregate: counts of people, subject to small-cell suppression."""
    return is_synthetic(res) or SUPPRESSED in res["schema"].get("missingValues", [])


def rule_small_counts(tables: dict[str, Table]) -> list[Problem]:
    """Counts below 5 could identify interviewees: they must be published as `x`."""
    problems = []
    for table, name in fields_matching(tables, COUNT_FIELD):
        if not is_aggregate(table.res):
            continue
        for row, col, value in table.cells(name):
            if value == SUPPRESSED:
                continue
            count = number(value)
            if count is None or count != int(count):
                problems.append(Problem(table.path, row, col, "count-format",
                    f"field {name!r}: {value!r} is not a whole count; write an integer or {SUPPRESSED!r}"))
            elif count < MIN_COUNT:
                problems.append(Problem(table.path, row, col, "small-count",
                    f"field {name!r}: count {value} is below {MIN_COUNT} and could identify people; "
                    f"publish {SUPPRESSED!r} (suppressed) instead"))
    return problems


RULES = [rule_source_ids, rule_dates, rule_years, rule_amounts, rule_regions, rule_territories, rule_urls,
         rule_funding, rule_projects, rule_ties, rule_synthetic, rule_small_counts]


# ---------------------------------------------------------------------------------------------------

def merge(schema: list[Problem], rules: list[Problem]) -> list[Problem]:
    """Where a rule and the schema flag the same cell, keep the rule's more specific message."""
    ruled = {(p.file, p.row, p.column) for p in rules}
    return [p for p in schema if (p.file, p.row, p.column) not in ruled or p.row == 0] + rules


def validate(data_dir: Path = DATA_DIR) -> list[Problem]:
    data_dir = Path(data_dir)
    descriptor, problems = read_descriptor(data_dir)
    if descriptor is None:
        return problems
    problems += check_descriptor(descriptor)
    resources = [r for r in descriptor.get("resources", []) if "schema" in r and "path" in r]
    problems += check_hashes(data_dir, {"resources": resources})
    tables: dict[str, Table] = {}
    for res in resources:
        table, raw = read_table(data_dir, res)
        problems += raw
        if table is not None:
            tables[res["name"]] = table
    skip = {r["name"] for r in resources} - set(tables)
    schema = check_frictionless(data_dir, descriptor, skip) if tables else []
    rules = [p for rule in RULES for p in rule(tables)]
    # A short or blank row would also fail every later check; its raw message is the one to act on.
    broken = {(p.file, p.row) for p in problems if p.rule in {"row-length", "blank-row"}}
    checked = [p for p in merge(schema, rules) if (p.file, p.row) not in broken]
    return sorted(set(problems + checked))


def rehash(data_dir: Path = DATA_DIR) -> dict:
    """Re-record each resource's sha256 and size after a deliberate edit."""
    data_dir = Path(data_dir)
    path = data_dir / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        file = data_dir / res["path"]
        res["hash"] = sha256(file)
        res["bytes"] = file.stat().st_size
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return descriptor
