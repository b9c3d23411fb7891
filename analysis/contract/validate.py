"""Validate the data package: raw CSV checks, the Frictionless schema, then the rules a schema cannot say.

Every problem is reported as `file:row:column: rule: message`. Rows count CSV records and the header is
row 1; row 0 / column 0 mean "the whole file". Validation only reads: nothing is written into the data.

The three layers, each reporting every problem it finds:
1. raw checks per CSV, only what must hold before any cell can be read (existence, encoding, BOM,
   delimiter, quoting, header vs schema) — a file whose structure is broken is left out of the next
   layers so one mistake does not cascade;
2. Frictionless, for all it can say (hashes and sizes, missing and extra cells, blank rows, types, enums,
   patterns, required, unique, primary and foreign keys), its errors put in this module's words and read
   from the error objects' fields;
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
import itertools
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urlparse

from analysis.contract import evidence, fields
from analysis.contract.data import DATA_DIR, DESCRIPTOR, ID_SEPARATOR, folder
from analysis.contract.dates import LENGTH_OF
from analysis.contract.disclosure import MIN_COUNT, SUPPRESSED
from analysis.contract.figures import numbers
from analysis.contract.labels import DOMAIN_PROPERTY, unlabelled
from analysis.contract.labels import TABLE as LABELS_TABLE

REHASH_COMMAND = "make rehash"  # printed in error messages: must work as printed, from the repository root
YEARS = range(1990, 2031)  # the one range for every year and date of the package (the schema declares none)
DELIMITER = ","
__all__ = ["MIN_COUNT", "SUPPRESSED", "YEARS", "validate", "rehash", "Problem"]

DATE_FIELD = re.compile(r"^(date|accessed)$|^date_(?!.*precision$)|_date$")  # `*_precision` fields qualify a date
YEAR_FIELD = re.compile(r"^(year|period)(_.+)?$|_year$")
AMOUNT_FIELD = re.compile(r"^(.+_)?amount$")
COUNT_FIELD = re.compile(r"^(n|count|n_.+|.+_count)$")
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
YEAR_OR_SPAN = re.compile(r"(\d{4})(?:-(\d{4}))?")
# Frictionless errors the raw layer already reports in clearer words (or, for hashes, with the remedy).
COVERED_BY_RAW = {
    "incorrect-label", "missing-label", "extra-label", "duplicate-label", "blank-label", "encoding-error",
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
    """One CSV as raw strings, kept with record numbers so rules can point at a cell. Its rows are read
    once: the field names and the records are kept for every rule that asks. `source` is the file's bytes
    as read (byte-order mark included), which the rows were parsed from."""

    res: dict
    rows: list[tuple[int, list[str]]]
    source: bytes

    @property
    def path(self) -> str:
        return self.res["path"]

    @cached_property
    def names(self) -> list[str]:
        return [f["name"] for f in self.res["schema"]["fields"]]

    def column(self, name: str) -> int:
        return self.names.index(name) + 1

    @cached_property
    def _records(self) -> list[tuple[int, dict[str, str]]]:
        names, out = self.names, []
        for number, cells in self.rows:
            if cells in ([], [""]):
                continue  # a blank line is reported by the raw layer
            padded = cells + [""] * (len(names) - len(cells))
            out.append((number, dict(zip(names, padded[:len(names)], strict=True))))
        return out

    def records(self):
        """(row number, {field: cell}) for every data row; short rows read as empty cells."""
        return iter(self._records)

    def cells(self, name: str):
        """(row, column, value) of the non-empty cells of one field."""
        col = self.column(name)
        for number, record in self._records:
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
    problems += [Problem(DESCRIPTOR, 0, 0, "shared-field",
                         f"field {name!r} of resource {table!r} differs from its one definition in "
                         f"analysis/contract/fields.py; run `{REHASH_COMMAND}` to write it")
                 for table, name in fields.drifted(descriptor)]
    return problems


def check_hashes(data_dir: Path, descriptor: dict) -> list[Problem]:
    """A resource without a recorded hash (Frictionless checks the recorded ones, but not their absence)."""
    return [Problem(res["path"], 0, 0, "hash", f"no hash recorded for this file; run `{REHASH_COMMAND}`")
            for res in descriptor["resources"] if (data_dir / res["path"]).is_file() and not res.get("hash")]


# ---------------------------------------------------------------------------------------------------
# Layer 1: raw structure of each CSV
# ---------------------------------------------------------------------------------------------------

def encoding_problems(path: str, raw: bytes) -> list[Problem]:
    """One problem per line holding bytes that are not UTF-8 (usually a Windows-1252 save)."""
    try:
        raw.decode("utf-8")
        return []  # the whole file at once; line by line only to point at the bad lines
    except UnicodeDecodeError:
        pass
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


# What the validation reads of a table, kept for the next validation in the same process: the tests validate
# some 80 copies of the package, each with one table changed, and so read each unchanged table once. The
# table (`read_table`) and its columns as Frictionless reads them (`quick_clean`; the Frictionless resource's
# fields come from the same descriptor) are made of the file's bytes and the resource's descriptor alone:
# these are the key. Nothing changes a table once read, so validations can share it. The KEPT entries used
# last are kept, over two packages' worth.
_TABLES: dict[tuple[bytes, str], tuple[Table | None, list[Problem]]] = {}
_COLUMNS: dict[tuple[bytes, str], dict[str, list] | None] = {}
_SCHEMAS: dict[str, object] = {}  # a resource's Frictionless schema, by its descriptor
# The forms of package descriptor (`_descriptor_form`) Frictionless found valid, at construction and by
# to_descriptor: these checks read no file, and cost a quarter of a second each time.
_VALID_DESCRIPTORS: dict[str, bool] = {}
KEPT = 64


def _kept(cache: dict, key, read):
    """read(), or its value kept from an earlier call with the same key (the KEPT most recent)."""
    value = cache.pop(key) if key in cache else read()
    cache[key] = value  # (re)inserted last: the first key is the least recently used
    if len(cache) > KEPT:
        del cache[next(iter(cache))]
    return value


def _json(descriptor: dict) -> str:
    return json.dumps(descriptor, sort_keys=True)


SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def _descriptor_form(descriptor: dict) -> str:
    """The package descriptor with each resource's well-formed hash and byte count replaced by a placeholder:
    Frictionless' check of a descriptor reads no file and asks of these only a string and an integer, so
    descriptors of the same form are valid together (the tests' copies differ in one table's hash)."""
    resources = []
    for res in descriptor.get("resources", []):
        form = dict(res)
        if SHA256.fullmatch(str(res.get("hash", ""))):
            form["hash"] = "sha256:"
        if type(res.get("bytes")) is int and res["bytes"] >= 0:  # not a bool, which is an int to Python
            form["bytes"] = 0
        resources.append(form)
    return _json({**descriptor, "resources": resources})


def _transformed(descriptor: dict) -> dict:
    """What Package() imports from a descriptor (it transforms a copy, then checks it, then imports it)."""
    from frictionless import Package

    copied = copy.deepcopy(descriptor)
    Package.metadata_transform(copied)
    return copied


def read_table(data_dir: Path, res: dict) -> tuple[Table | None, list[Problem]]:
    """Read one CSV; return None as the table when its structure is too broken to check further."""
    file = data_dir / res["path"]
    if not file.is_file():
        return None, [Problem(res["path"], 0, 0, "missing-file",
                              f"file not found; {DESCRIPTOR} declares resource {res['name']!r} at this path")]
    source = file.read_bytes()
    table, problems = _kept(_TABLES, (source, _json(res)), lambda: _read_table(source, res))
    return table, list(problems)


def _read_table(source: bytes, res: dict) -> tuple[Table | None, list[Problem]]:
    path, names = res["path"], [f["name"] for f in res["schema"]["fields"]]
    if not source.strip():
        return None, [Problem(path, 1, 0, "empty-file",
                              f"the file is empty; expected a header: {','.join(names)}")]
    problems, raw = [], source
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(path, 1, 1, "bom", "the file starts with a UTF-8 byte-order mark (BOM); "
                                "save it as UTF-8 without BOM"))
        raw = raw[len(codecs.BOM_UTF8):]
    bad = encoding_problems(path, raw)
    if bad:  # the rows cannot be trusted, but the header still says whether a column is missing
        rows, _ = parse_csv(path, raw.decode("utf-8", errors="replace"))
        return None, problems + bad + header_problems(path, rows[0][1] if rows else [], names)
    rows, syntax = parse_csv(path, raw.decode("utf-8"))
    header = header_problems(path, rows[0][1] if rows else [], names)
    if syntax or header:
        return None, problems + syntax + header
    return Table(res, rows[1:], source), problems


# ---------------------------------------------------------------------------------------------------
# Layer 2: Frictionless
# ---------------------------------------------------------------------------------------------------

def schema_descriptor(descriptor: dict, skip: set[str]) -> dict:
    """The package without broken resources (and foreign keys into them)."""
    desc = copy.deepcopy(descriptor)
    desc["resources"] = [r for r in desc.get("resources", []) if r.get("name") not in skip]
    for res in desc["resources"]:
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
    """A foreign-key error, read from the error's own fields (never from its message text)."""
    fields = list(err.field_names or [])
    values = [str(v) for v in (err.field_cells or [])]
    ref = err.reference_name or Path(path).stem  # an empty name means the table refers to itself
    ref_fields = list(err.reference_field_names or [])
    col = table_fields.index(fields[0]) + 1 if fields and fields[0] in table_fields else 0
    return Problem(path, err.row_number, col, "foreign-key",
                   f"field {', '.join(fields)!r}: {', '.join(values)!r} is not an existing "
                   f"{', '.join(ref_fields)} of table {ref!r}; add it there first or fix the id")


def structure_problem(res: dict, names: list[str], err) -> Problem | None:
    """Frictionless' structural errors (hashes, sizes, row lengths, blank rows) in this module's words."""
    path, row = res["path"], getattr(err, "row_number", None) or 0
    if err.type in {"hash-count", "byte-count"}:
        if err.type == "byte-count" and res.get("hash"):
            return None  # the hash error says it, with the remedy
        return Problem(path, 0, 0, "hash",
            f"content changed outside the pipeline (recorded {res.get('hash', '')[:19]}…); if the edit is "
            f"deliberate, re-record hashes with `{REHASH_COMMAND}`")
    if err.type == "missing-cell":
        present = err.field_number - 1
        return Problem(path, row, err.field_number, "row-length",
            f"row has {present} cells but the header has {len(names)}: no value for "
            f"{', '.join(names[present:])} (truncated row?)")
    if err.type == "extra-cell":
        return Problem(path, row, err.field_number, "row-length",
            f"row has more cells than the header's {len(names)}: extra {err.cell!r} "
            "(a cell with a comma must be quoted)")
    if err.type == "blank-row":
        return Problem(path, row, 0, "blank-row", "blank line; remove it")
    return None


def frictionless_problem(res: dict, err) -> Problem | None:
    if err.type in COVERED_BY_RAW:
        return None
    if err.type in {"hash-count", "byte-count", "missing-cell", "extra-cell", "blank-row"}:
        return structure_problem(res, [f["name"] for f in res["schema"]["fields"]], err)
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


def check_frictionless(data_dir: Path, descriptor: dict, skip: set[str],
                       tables: dict[str, Table] | None = None) -> list[Problem]:
    """Frictionless judges the descriptor, then reads the rows of every table that `quick_clean` cannot
    clear (all of them when `tables` is not given)."""
    from frictionless import FrictionlessException, Package, system

    desc = schema_descriptor(descriptor, skip)
    try:
        with system.use_context(trusted=True):
            key, package = _descriptor_form(desc), None
            if key not in _VALID_DESCRIPTORS:
                package = Package(desc, basepath=str(data_dir))
                try:
                    package.to_descriptor(validate=True)  # what Package.validate checks before any row
                except FrictionlessException as exc:
                    return _descriptor_problems(exc.to_errors())
            _kept(_VALID_DESCRIPTORS, key, lambda: True)
            cleared = quick_clean(desc, tables or {})
            left = [res["name"] for res in desc["resources"] if res["name"] not in cleared]
            if left and package is None:
                package = reading_package(desc, left, data_dir, {name: tables[name] for name in cleared})
            reports = [package.get_resource(name).validate() for name in left]
    except FrictionlessException as exc:
        return _descriptor_problems(getattr(exc, "reasons", None) or [exc.error])
    except Exception as exc:  # a crash would hide every other problem: report it instead
        return [Problem(DESCRIPTOR, 0, 0, "descriptor", f"Frictionless could not read the package: {exc!r}")]
    by_name = {r["name"]: r for r in desc["resources"]}
    problems = _descriptor_problems([err for report in reports for err in report.errors])
    for task in (task for report in reports for task in report.tasks):
        res = by_name.get(task.name)
        short_rows = set()
        for err in task.errors:
            if err.type == "missing-cell":
                if err.row_number in short_rows:
                    continue  # one problem per short row, at its first missing cell
                short_rows.add(err.row_number)
            problem = frictionless_problem(res, err) if res else Problem(DESCRIPTOR, 0, 0, err.type, err.message)
            if problem:
                problems.append(problem)
    return problems


def _descriptor_problems(errors: list) -> list[Problem]:
    return [Problem(DESCRIPTOR, 0, 0, "descriptor", err.note or err.message) for err in errors]


# Frictionless reads every cell of every row, one row at a time: most of the time of a large package. So
# its checks are first made here, column by column, each distinct cell read once by Frictionless' own cell
# reader (types, formats, constraints, missing values); a table they clear is not read again. A table they
# flag, or whose descriptor uses anything they do not cover, is left to Frictionless, whose errors say what
# is wrong. Stricter than Frictionless is allowed (the table is then read by it), laxer never.
PLAIN_RESOURCE = {"name", "path", "schema", "hash", "bytes", "encoding", "format", "mediatype", "profile", "title",
                  "description", "synthetic"}
PLAIN_SCHEMA = {"fields", "primaryKey", "foreignKeys", "missingValues"}


def quick_clean(desc: dict, tables: dict[str, Table]) -> set[str]:
    """Names of the resources on which Frictionless would find nothing."""
    schemas = {res["name"]: _schema(res["schema"]) for res in desc["resources"] if res["name"] in tables}
    columns = {name: _columns(schema, tables[name]) for name, schema in schemas.items()}
    return {name for name, schema in schemas.items() if columns[name] is not None
            and _keys_hold(name, schema, columns)}


def _schema(spec: dict):
    """A resource's schema as Frictionless reads it (the package's descriptor is valid by then)."""
    from frictionless import Schema

    return _kept(_SCHEMAS, _json(spec), lambda: Schema.from_descriptor(copy.deepcopy(spec)))


def reading_package(desc: dict, names: list[str], data_dir: Path, cleared: dict[str, Table] | None = None):
    """The Frictionless package that validates the resources `names` of a valid descriptor: they and the resources
    their foreign keys point to (a package of all 24 took eight times as long to build), built as Package() does,
    without checking the descriptor again. A table pointed to that `quick_clean` cleared (`cleared`) comes as
    the distinct values of its looked-up fields, inline: for each foreign key, Frictionless checks a copy of the
    table's descriptor again and reads all of its rows, only to collect those values."""
    from frictionless import Package

    looked_up: dict[str, set[str]] = {}  # table pointed to -> the fields looked up in it
    for res in (res for res in desc["resources"] if res["name"] in names):
        for reference in (fk["reference"] for fk in res.get("schema", {}).get("foreignKeys", [])):
            fields = reference["fields"]
            looked_up.setdefault(reference.get("resource") or res["name"], set()).update(
                [fields] if isinstance(fields, str) else fields)
    inline = {name: table for name, table in (cleared or {}).items() if name in looked_up and name not in names}
    reading = {**desc, "resources": [
        _key_values(res, inline[res["name"]], looked_up[res["name"]]) if res["name"] in inline else res
        for res in desc["resources"] if res["name"] in names or res["name"] in looked_up]}
    return Package.metadata_import(_transformed(reading), basepath=str(data_dir))


def _key_values(res: dict, table: Table, fields: set[str]) -> dict:
    """Resource `res` as the distinct rows of its `fields`, inline, with their declarations (the cells as in the
    file, so Frictionless reads the same values)."""
    kept = [f for f in res["schema"]["fields"] if f["name"] in fields]
    at = [table.names.index(f["name"]) for f in kept]
    rows = sorted({tuple(cells[i] for i in at) for _, cells in table.rows})
    missing = {"missingValues": res["schema"]["missingValues"]} if "missingValues" in res["schema"] else {}
    schema = {"fields": kept, **missing}
    return {"name": res["name"], "data": [[f["name"] for f in kept], *map(list, rows)], "schema": schema}


def _columns(schema, table: Table) -> dict[str, list] | None:
    return _kept(_COLUMNS, (table.source, _json(table.res)), lambda: _read_columns(schema, table))


def _read_columns(schema, table: Table) -> dict[str, list] | None:
    """Each field's cells as Frictionless reads them, or None when a cell or the file would raise an error."""
    spec, raw = table.res, table.source
    if (set(spec) - PLAIN_RESOURCE or set(spec["schema"]) - PLAIN_SCHEMA
            or spec.get("encoding", "utf-8").lower() != "utf-8" or spec.get("format", "csv") != "csv"):
        return None
    if (raw.startswith(codecs.BOM_UTF8) or spec.get("bytes", len(raw)) != len(raw)
            or spec.get("hash", "") not in ("", "sha256:" + hashlib.sha256(raw).hexdigest())):
        return None
    if not _read_as_ours(raw.decode("utf-8")):
        return None
    width = len(table.names)
    if any(len(cells) != width for _, cells in table.rows):
        return None  # short, long or blank rows
    columns = {}
    for i, fld in enumerate(schema.fields):
        cells = [row[i] for _, row in table.rows]
        read, value = fld.create_cell_reader(), {}
        for cell in set(cells):
            value[cell], notes = read(cell)
            if notes:
                return None
        columns[fld.name] = [value[c] for c in cells]
    # a blank row; with a primary key, its empty key is found by `_keys_hold`
    if not schema.primary_key and any(all(v is None for v in row)
                                          for row in zip(*columns.values(), strict=True)):
        return None
    return columns


def _read_as_ours(text: str) -> bool:
    """Whether Frictionless, which guesses the CSV dialect from the first lines, splits the cells as
    `parse_csv` did (commas, double quotes, no escape character)."""
    from frictionless.formats.csv.parser import SAMPLE_SIZE

    sample = "".join(itertools.islice(io.StringIO(text, newline=""), SAMPLE_SIZE))
    try:
        guess = csv.Sniffer().sniff(sample, ",\t;|")
    except csv.Error:
        return True  # Frictionless then reads it as Excel's CSV, as parse_csv does
    return (guess.delimiter == DELIMITER and guess.quotechar in {'"', "'"} and guess.escapechar is None
            and not guess.skipinitialspace)


def _keys_hold(name: str, schema, columns: dict[str, dict[str, list] | None]) -> bool:
    """Unique fields, the primary key and the foreign keys of resource `name` hold, on the values Frictionless
    reads."""
    own = columns[name]
    named = [*schema.primary_key, *(field for fk in schema.foreign_keys for field in fk["fields"])]
    if not set(named) <= set(own):
        return False  # a key on a field the table lacks: Frictionless says what is wrong
    for fld in schema.fields:
        if fld.constraints.get("unique"):
            values = [v for v in own[fld.name] if v is not None]
            if len(set(values)) != len(values):
                return False
    if schema.primary_key:
        keys = list(zip(*(own[field] for field in schema.primary_key), strict=True))
        if len(set(keys)) != len(keys) or any(all(v is None for v in key) for key in keys):
            return False
    for fk in schema.foreign_keys:
        target = columns.get(fk["reference"]["resource"] or name)
        if target is None or not set(fk["reference"]["fields"]) <= set(target):
            return False
        known = {key for key in zip(*(target[field] for field in fk["reference"]["fields"]), strict=True)
                 if any(v is not None for v in key)}
        for key in zip(*(own[field] for field in fk["fields"]), strict=True):
            if any(v is not None for v in key) and key not in known:
                return False
    return True


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
    """A region id names a row of regions.csv (or, for a source, the whole province)."""
    if "regions" not in tables:
        return []
    known = {record["region_id"] for _, record in tables["regions"].records()}
    problems = []
    for table, name in fields_matching(tables, re.compile(r"^region_id$")):
        if table.res["name"] == "regions":
            continue
        allowed = known | ({fields.PROVINCE} if table.res["name"] == "sources" else set())
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
    if "regions" in tables:  # a territory in an unknown region is that row's problem, not its users'
        known = {rec["region_id"] for _, rec in tables["regions"].records()}
        region_of = {territory: region for territory, region in region_of.items() if region in known}
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


ONE_PART, ALL_PARTS = "part-territoriale", "parts-territoriales-total"


def rule_funding(tables: dict[str, Table]) -> list[Problem]:
    """One retained regional envelope per region; its territorial parts, one by one or as their total, do
    not exceed it; a territory's share names its territory and the total of all shares names none."""
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
        for row, rec in table.records():
            if (rec["region_id"] == region and rec["scope"] == ALL_PARTS
                    and (rec["period_start"], rec["period_end"]) == period
                    and envelope is not None and (number(rec["amount"]) or 0) > envelope):
                problems.append(Problem(table.path, row, table.column("amount"), "funding-parts",
                    f"the total of {region!r}'s territorial parts ({rec['amount']} $) is more than the retained "
                    f"envelope of {envelope:,.0f} $ (row {env_row})"))
    if "territory_id" in table.names:
        for row, rec in table.records():
            if rec["scope"] == ONE_PART and not rec["territory_id"]:
                problems.append(Problem(table.path, row, table.column("territory_id"), "funding-scope",
                    f"scope {ONE_PART!r} is one territory's share: name the territory, or use "
                    f"{ALL_PARTS!r} for the total of all territories"))
            elif rec["scope"] == ALL_PARTS and rec["territory_id"]:
                problems.append(Problem(table.path, row, table.column("territory_id"), "funding-scope",
                    f"scope {ALL_PARTS!r} is the total of all territories: leave territory_id empty"))
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



# --- date precision -------------------------------------------------------------------------------

PRECISION_SUFFIX = "_precision"
# The stored form each precision needs is `analysis.contract.dates.LENGTH_OF` (how a page shows it:
# `dates.french`).
SHAPE_OF_LENGTH = {10: "YYYY-MM-DD", 7: "YYYY-MM", 4: "YYYY"}


def rule_date_precision(tables: dict[str, Table]) -> list[Problem]:
    """A date's precision agrees with how it is stored; an empty date has no precision and vice versa."""
    problems = []
    for table in tables.values():
        for name in table.names:
            precision_name = name + PRECISION_SUFFIX
            if not DATE_FIELD.search(name) or precision_name not in table.names:
                continue
            col = table.column(precision_name)
            for row, rec in table.records():
                value, precision = rec[name], rec[precision_name]
                if not value and precision:
                    problems.append(Problem(table.path, row, col, "date-precision",
                        f"field {precision_name!r} is {precision!r} but {name!r} is empty; "
                        "leave both empty or give the date"))
                elif value and not precision:
                    problems.append(Problem(table.path, row, col, "date-precision",
                        f"field {precision_name!r} is empty but {name!r} is {value!r}; "
                        f"say how precise it is ({', '.join(LENGTH_OF)})"))
                elif value and precision in LENGTH_OF and len(value) != LENGTH_OF[precision]:
                    shape = SHAPE_OF_LENGTH[LENGTH_OF[precision]]
                    problems.append(Problem(table.path, row, col, "date-precision",
                        f"field {precision_name!r} is {precision!r}, which needs {name!r} written {shape}, "
                        f"but it is {value!r}; store only what the source states"))
    return problems


# --- the codebook tree, avenues, coded segments, narratives, labels -------------------------------

FINDING_TOPICS = {evidence.FINDING_TOPIC}  # study facts an avenue may rest on: findings, never design metadata


def _codebook(tables: dict[str, Table]) -> dict[str, tuple[int, dict]] | None:
    if not has(tables, "codebook", {"code_id", "parent_id", "dimension", "is_codable"}):
        return None
    return {rec["code_id"]: (row, rec) for row, rec in tables["codebook"].records()}


def _codable(rec: dict) -> bool:
    return rec["is_codable"].lower() == "true"


def _labels(tables: dict[str, Table]) -> dict[str, dict[str, str]]:
    """domain -> {value: label} from the raw labels table (empty when the package has none)."""
    if not has(tables, LABELS_TABLE, {"domain", "value", "label_fr"}):
        return {}
    known: dict[str, dict[str, str]] = {}
    for _, rec in tables[LABELS_TABLE].records():
        known.setdefault(rec["domain"], {})[rec["value"]] = rec["label_fr"]
    return known


def rule_codebook_tree(tables: dict[str, Table]) -> list[Problem]:
    """One root per dimension, not codable; children share their parent's dimension; no cycle; every
    non-codable group has children. (That a parent exists is the descriptor's self foreign key.)"""
    codes = _codebook(tables)
    if codes is None:
        return []
    table, problems = tables["codebook"], []
    spec = table.res["schema"]["fields"][table.column("dimension") - 1]
    roots: dict[str, list[int]] = {}
    children: dict[str, int] = {}
    for code_id, (row, rec) in codes.items():
        parent = rec["parent_id"]
        if not parent:
            roots.setdefault(rec["dimension"], []).append(row)
            if _codable(rec):
                problems.append(Problem(table.path, row, table.column("is_codable"), "codebook-tree",
                    f"{code_id!r} is the root of dimension {rec['dimension']!r}: a root is not codable"))
            continue
        children[parent] = children.get(parent, 0) + 1
        if parent in codes and codes[parent][1]["dimension"] != rec["dimension"]:
            problems.append(Problem(table.path, row, table.column("dimension"), "codebook-tree",
                f"{code_id!r} is in dimension {rec['dimension']!r} but its parent {parent!r} is in "
                f"{codes[parent][1]['dimension']!r}"))
    for dimension, rows in roots.items():
        for row in rows[1:]:
            problems.append(Problem(table.path, row, table.column("parent_id"), "codebook-tree",
                f"dimension {dimension!r} already has a root in row {rows[0]}; give this code a parent"))
    names = _labels(tables).get(spec.get(DOMAIN_PROPERTY, ""), {})
    for dimension, rows in roots.items():
        rec = next(r for c, (row, r) in codes.items() if row == rows[0])
        if dimension in names and rec["label_fr"] != names[dimension]:
            problems.append(Problem(table.path, rows[0], table.column("label_fr"), "codebook-tree",
                f"the root of dimension {dimension!r} is named {rec['label_fr']!r} but labels.csv names the "
                f"dimension {names[dimension]!r}; a dimension has one name"))
    for dimension in spec.get("constraints", {}).get("enum", []):
        if dimension not in roots:
            problems.append(Problem(table.path, 0, table.column("dimension"), "codebook-tree",
                f"dimension {dimension!r} has no root row (a code without parent_id)"))
    in_cycle: set[str] = set()
    for start in codes:
        path, node = [], start
        while node in codes and node not in path and node not in in_cycle:
            path.append(node)
            node = codes[node][1]["parent_id"]
        if node in path:
            in_cycle.update(path[path.index(node):])
    for code_id in sorted(in_cycle, key=lambda c: codes[c][0]):
        problems.append(Problem(table.path, codes[code_id][0], table.column("parent_id"), "codebook-tree",
            f"{code_id!r}: its parent links form a cycle ({code_id} -> … -> {code_id})"))
    for code_id, (row, rec) in codes.items():
        if rec["parent_id"] and not _codable(rec) and not children.get(code_id):
            problems.append(Problem(table.path, row, table.column("is_codable"), "codebook-tree",
                f"{code_id!r} is a non-codable group without any code under it"))
    return problems


def rule_codable_codes(tables: dict[str, Table]) -> list[Problem]:
    """Every `code_id` outside the codebook names a codable code (a group or a root cannot be applied)."""
    codes = _codebook(tables)
    if codes is None:
        return []
    problems = []
    for table, name in fields_matching(tables, re.compile(r"^code_id$")):
        if table.res["name"] == "codebook":
            continue
        for row, col, value in table.cells(name):
            if value in codes and not _codable(codes[value][1]):
                problems.append(Problem(table.path, row, col, "code-codable",
                    f"field {name!r}: {value!r} is a non-codable group or root of the codebook; "
                    "code the segment with one of its codes"))
    return problems


def rule_avenue_links(tables: dict[str, Table]) -> list[Problem]:
    """Avenues point to codable codes and to study facts that are findings (`code_ids`, `fact_ids`)."""
    codes = _codebook(tables)
    if codes is None or not has(tables, "recommendations", {"code_ids", "fact_ids"}):
        return []
    facts = ({rec["fact_id"]: rec for _, rec in tables["study_facts"].records()}
             if has(tables, "study_facts", {"fact_id", "topic"}) else {})
    table, problems = tables["recommendations"], []
    for row, rec in table.records():
        for code_id in [c for c in rec["code_ids"].split(ID_SEPARATOR) if c]:
            if code_id not in codes:
                problems.append(Problem(table.path, row, table.column("code_ids"), "avenue-link",
                    f"field 'code_ids': {code_id!r} is not a code_id of codebook.csv"))
            elif not _codable(codes[code_id][1]):
                problems.append(Problem(table.path, row, table.column("code_ids"), "avenue-link",
                    f"field 'code_ids': {code_id!r} is a non-codable group or root; link one of its codes"))
        for fact_id in [f for f in rec["fact_ids"].split(ID_SEPARATOR) if f]:
            if fact_id not in facts:
                problems.append(Problem(table.path, row, table.column("fact_ids"), "avenue-link",
                    f"field 'fact_ids': {fact_id!r} is not a fact_id of study_facts.csv"))
            elif facts[fact_id]["topic"] not in FINDING_TOPICS:
                problems.append(Problem(table.path, row, table.column("fact_ids"), "avenue-finding",
                    f"field 'fact_ids': {fact_id!r} is a fact of topic {facts[fact_id]['topic']!r}, not a "
                    f"finding ({', '.join(sorted(FINDING_TOPICS))}); an avenue rests on findings, "
                    "never on the study's design"))
    return problems


def primary_key_values(tables: dict[str, Table]) -> dict[str, str]:
    """id -> table, for every table whose primary key is one field."""
    index = {}
    for table in tables.values():
        key = table.res["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        if len(key) == 1 and key[0] in table.names:
            for _, _, value in table.cells(key[0]):
                index.setdefault(value, table.res["name"])
    return index


def rule_row_ids(tables: dict[str, Table]) -> list[Problem]:
    """A `row_ids` cell names rows of the package: each id is the primary key of a row of some table."""
    index = None
    problems = []
    for table, name in fields_matching(tables, re.compile(r"^row_ids$")):
        index = primary_key_values(tables) if index is None else index
        for row, col, value in table.cells(name):
            for row_id in [i.strip() for i in value.split(ID_SEPARATOR) if i.strip()]:
                if row_id not in index:
                    problems.append(Problem(table.path, row, col, "row-exists",
                        f"field {name!r}: {row_id!r} is not the id of any row of the package "
                        "(no table has it as primary key); fix the id or add the row"))
    return problems


def rule_labels(tables: dict[str, Table]) -> list[Problem]:
    """Every value a coded field allows has a French label in labels.csv (its declared domain)."""
    if LABELS_TABLE not in tables:
        return []
    known = {domain: set(values) for domain, values in _labels(tables).items()}
    path = tables[LABELS_TABLE].path
    problems = []
    for res_name, field_name, value in unlabelled([t.res for t in tables.values()], known):
        res = tables[res_name].res
        domain = next(f[DOMAIN_PROPERTY] for f in res["schema"]["fields"] if f["name"] == field_name)
        problems.append(Problem(path, 0, 0, "label-missing",
            f"no label for {value!r} in domain {domain!r} (allowed by {res_name}.{field_name}); "
            f"add a row {domain},{value},<libellé> so no reader sees the raw code"))
    return problems


# --- finding × region verdicts, coverage of the grid, numbers of the narratives -----------------------

def _ids(cell: str) -> list[str]:
    return [i.strip() for i in cell.split(ID_SEPARATOR) if i.strip()]


def _findings(tables: dict[str, Table]) -> dict[str, list[str]]:
    """finding id -> its grid codes, for the study facts that are findings assessed region by region."""
    if not has(tables, "study_facts", {"fact_id", "topic", "items"}):
        return {}
    return {rec["fact_id"]: _ids(rec["items"]) for _, rec in tables["study_facts"].records()
            if rec["topic"] == evidence.FINDING_TOPIC and rec["fact_id"].startswith(evidence.FINDING_PREFIX)}


def _region_ids(tables: dict[str, Table]) -> list[str]:
    return [rec["region_id"] for _, rec in tables["regions"].records()] if "regions" in tables else []


def rule_verdicts(tables: dict[str, Table]) -> list[Problem]:
    """Every finding is assessed once in every region, on passages of that region, and every verdict meets
    the evidence standard (`analysis.contract.evidence`)."""
    needed = {"segment_id", "source_id", "region_id", "about_abolition"}
    if not (has(tables, "finding_assessments", {"finding_id", "region_id", "assessment", "segment_ids"})
            and has(tables, "coded_segments", needed) and has(tables, "sources", {"source_id", "era"})):
        return []
    era = {rec["source_id"]: rec["era"] for _, rec in tables["sources"].records()}
    passages = {rec["segment_id"]: (rec["region_id"], evidence.Passage(
        rec["segment_id"], rec["source_id"], era.get(rec["source_id"], ""), rec["about_abolition"] == "true"))
        for _, rec in tables["coded_segments"].records()}
    findings = _findings(tables)
    table, problems, seen = tables["finding_assessments"], [], set()
    for row, rec in table.records():
        seen.add((rec["finding_id"], rec["region_id"]))
        if findings and rec["finding_id"] not in findings:
            problems.append(Problem(table.path, row, table.column("finding_id"), "verdict-finding",
                f"{rec['finding_id']!r} is not a finding (a study fact of topic {evidence.FINDING_TOPIC!r} "
                f"whose id starts with {evidence.FINDING_PREFIX!r})"))
        cited, col = [], table.column("segment_ids")
        for seg in _ids(rec["segment_ids"]):
            if seg not in passages:
                problems.append(Problem(table.path, row, col, "verdict-passage",
                                        f"segment {seg!r} is not a segment_id of coded_segments.csv"))
            elif passages[seg][0] != rec["region_id"]:
                problems.append(Problem(table.path, row, col, "verdict-passage",
                    f"segment {seg!r} belongs to {passages[seg][0]!r}, not to {rec['region_id']!r}"))
            else:
                cited.append(passages[seg][1])
        for message in evidence.breaches(rec["assessment"], cited):
            problems.append(Problem(table.path, row, table.column("assessment"), "evidence-standard", message))
    for finding in findings:
        for region_id in _region_ids(tables):
            if (finding, region_id) not in seen:
                problems.append(Problem(table.path, 0, table.column("finding_id"), "verdict-missing",
                    f"no row for {finding} × {region_id}: every finding is assessed in every region "
                    f"(a region whose record says nothing gets {evidence.SILENCE!r})"))
    return problems


def rule_coverage(tables: dict[str, Table]) -> list[Problem]:
    """A dimension of the grid coded in fewer than MIN_REGIONS regions has, for each region without a passage,
    a stated silence on a finding of that dimension: the matrix says why, never leaves it unexplained."""
    codes = _codebook(tables)
    if (codes is None or not has(tables, "coded_segments", {"code_id", "region_id"})
            or not has(tables, "finding_assessments", {"finding_id", "region_id", "assessment"})):
        return []
    dimension = {code: rec["dimension"] for code, (_, rec) in codes.items()}
    coded: dict[str, set[str]] = {}
    for _, rec in tables["coded_segments"].records():
        coded.setdefault(dimension.get(rec["code_id"], ""), set()).add(rec["region_id"])
    findings = _findings(tables)
    silent: dict[str, set[str]] = {}  # dimension -> regions with a stated silence on one of its findings
    for _, rec in tables["finding_assessments"].records():
        if rec["assessment"] == evidence.SILENCE:
            for code in findings.get(rec["finding_id"], []):
                silent.setdefault(dimension.get(code, ""), set()).add(rec["region_id"])
    segments, problems = tables["coded_segments"], []
    roots = [rec["dimension"] for _, (_, rec) in codes.items() if not rec["parent_id"]]
    for dim in dict.fromkeys(roots):
        regions = coded.get(dim, set())
        if len(regions) >= evidence.MIN_REGIONS:
            continue
        missing = [r for r in _region_ids(tables) if r not in regions and r not in silent.get(dim, set())]
        if missing:
            problems.append(Problem(segments.path, 0, segments.column("code_id"), "coverage",
                f"dimension {dim!r} is coded in {len(regions)} region(s), fewer than {evidence.MIN_REGIONS}, and "
                f"finding_assessments.csv states no silence on a finding of this dimension for "
                f"{', '.join(missing)}; code passages there or state the silence"))
    return problems


# The numbers a cell states, a function of the cell alone, kept across validations: the copies of a benchmark
# package repeat the same texts, and the tests validate some 80 copies of one package. The cells used last
# are kept, up to maxsize.
_cell_numbers = lru_cache(maxsize=1 << 17)(numbers)


def rule_narrative_numbers(tables: dict[str, Table]) -> list[Problem]:
    """Every number of a narrative paragraph is held by a row it cites, in a cell or inside its text."""
    if not has(tables, "narratives", {"text_fr", "row_ids"}):
        return []
    index: dict[str, dict] = {}
    for table in tables.values():
        key = table.res["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        if table.res["name"] != "narratives" and len(key) == 1 and key[0] in table.names:
            for _, rec in table.records():
                index.setdefault(rec[key[0]], rec)
    table, problems = tables["narratives"], []
    for row, rec in table.records():
        held = {n for rid in _ids(rec["row_ids"]) if rid in index for cell in index[rid].values()
                for n in _cell_numbers(cell)}
        for value in sorted(numbers(rec["text_fr"]) - held):
            shown = f"{value:.0f}" if value.is_integer() else f"{value}"
            problems.append(Problem(table.path, row, table.column("text_fr"), "narrative-number",
                f"the paragraph states {shown} but none of the rows it cites ({rec['row_ids']}) holds it; "
                "cite the row that does, or correct the number"))
    return problems


RULES = [rule_source_ids, rule_dates, rule_date_precision, rule_years, rule_amounts, rule_regions,
         rule_territories, rule_urls, rule_funding, rule_projects, rule_ties, rule_synthetic, rule_small_counts,
         rule_codebook_tree, rule_codable_codes, rule_avenue_links, rule_row_ids, rule_labels, rule_verdicts,
         rule_coverage, rule_narrative_numbers]


# ---------------------------------------------------------------------------------------------------

def merge(schema: list[Problem], rules: list[Problem]) -> list[Problem]:
    """Where a rule and the schema flag the same cell, keep the rule's more specific message."""
    ruled = {(p.file, p.row, p.column) for p in rules}
    return [p for p in schema if (p.file, p.row, p.column) not in ruled or p.row == 0] + rules


# Rules that follow row ids into every table with a one-field primary key (the row-id rule, the numbers of
# a narrative paragraph): they run only when all of those tables loaded.
NEEDS_ALL_TABLES = {rule_row_ids, rule_narrative_numbers}
# Problems found before any cell is read: the root causes, listed first.
ROOT_RULES = {"descriptor", "missing-file", "empty-file", "bom", "encoding", "csv-syntax", "delimiter", "header"}


def skipped(res: dict) -> Problem:
    """The one line that stands for every check a table that failed to load could not get."""
    return Problem(res["path"], 0, 0, "skipped",
                   "not loaded because of the problems above: its rows, the foreign keys into it and the row ids "
                   "citing it are checked once they are fixed")


def dependency_order(resources: list[dict]) -> dict[str, int]:
    """file -> rank, referenced tables first (regions before territories before actors), so the problem
    of a row that others point at comes before the problems it causes in them."""
    refs = {r["path"]: {k["reference"].get("resource") for k in r["schema"].get("foreignKeys", [])}
            - {"", r["name"]} for r in resources}
    path_of = {r["name"]: r["path"] for r in resources}
    rank: dict[str, int] = {}

    def depth(path: str, seen: frozenset = frozenset()) -> int:
        if path not in rank:
            parents = [path_of[n] for n in refs.get(path, ()) if n in path_of and path_of[n] not in seen]
            rank[path] = 1 + max((depth(p, seen | {path}) for p in parents), default=-1)
        return rank[path]

    for res in resources:
        depth(res["path"])
    return rank


def validate(data_dir: Path | None = DATA_DIR) -> list[Problem]:
    """Every problem of the package, root causes first: what stops a file from being read, then one line
    per table that could not be loaded, then the schema and the rules, referenced tables before the
    tables that point at them."""
    data_dir = folder(data_dir)
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
    schema = check_frictionless(data_dir, descriptor, skip, tables) if tables else []
    rules = [p for rule in RULES if not (skip and rule in NEEDS_ALL_TABLES) for p in rule(tables)]
    # A short or blank row would also fail every later check; its raw message is the one to act on.
    structural = [p for p in schema if p.rule in {"row-length", "blank-row"}]
    broken = {(p.file, p.row) for p in structural}
    checked = [p for p in merge(schema, rules) if (p.file, p.row) not in broken]
    found = set(problems + structural + checked) | {skipped(r) for r in resources if r["name"] in skip}
    rank = dependency_order(resources)

    def order(p: Problem) -> tuple:
        stage = 0 if p.rule in ROOT_RULES else 1 if p.rule == "skipped" else 2
        return (stage, rank.get(p.file, 0) if stage == 2 else 0, p)

    return sorted(found, key=order)


def rehash(data_dir: Path = DATA_DIR) -> dict:
    """Re-record each resource's sha256 and size after a deliberate edit, and write the shared fields."""
    data_dir = Path(data_dir)
    path = data_dir / DESCRIPTOR
    descriptor = fields.apply(json.loads(path.read_text(encoding="utf-8")))  # shared fields written once
    for res in descriptor["resources"]:
        file = data_dir / res["path"]
        res["hash"] = sha256(file)
        res["bytes"] = file.stat().st_size
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return descriptor
