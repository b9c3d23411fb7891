"""Import a REFI-QDA project (`.qdpx`, exported by NVivo, ATLAS.ti, MAXQDA…) into the restricted tables.

A `.qdpx` is a zip holding `project.qde`, an XML document in namespace `urn:QDA-XML:project:1.0`
(schema vendored in `analysis/interviews/schemas/Project.xsd`). The import reads:

- the **cases** (one case = one interviewee) and their variable values: region, actor group, level;
- the **codes**, matched to this book's codebook by code id or French label, or through a mapping file;
- the **codings** a case reaches: codings on the sources and selections the case refers to, and the
  codes attached to the case itself.

It writes `interviews.csv` and `interview_codes.csv` (the schema of the synthetic stand-in, `synthetic`
false) into a folder outside the repository, which `ALLIANCES_INTERVIEWS_DIR` then points at. Interview
ids are derived from the case GUID, never from the case name (which is often a person's name), and no
text of the interviews is ever copied. Every problem is reported as `file: element: problem`, naming
elements by position and GUID only; nothing is written unless the whole project imports.

Mapping file (CSV, `kind,qda_name,book_value`), drafted by `--draft-mapping` for the team to complete:
`kind` is `code` (a QDA code name -> a codable `code_id`), `variable` (a QDA variable name -> one of
`region_id`, `actor_group`, `level`), or one of those three (a QDA value -> the book's value).
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from analysis.contract import data, labels, xsd
from analysis.contract.data import DATA_DIR
from analysis.interviews import restricted
from analysis.interviews.restricted import SUMMARIES_FILE, SUMMARY_COLUMNS
from analysis.interviews.synthetic import FILES

NAMESPACE = "urn:QDA-XML:project:1.0"
SCHEMAS = Path(__file__).resolve().with_name("schemas")  # the vendored REFI-QDA schemas
XSD = SCHEMAS / "Project.xsd"
PROJECT_FILE = "project.qde"
MAPPING_COLUMNS = ("kind", "qda_name", "book_value")
CASE_FIELDS = ("region_id", "actor_group", "level")
# Variable names recognised without a mapping (compared after `_key`).
VARIABLE_NAMES = {
    "region_id": ("region_id", "region", "région"),
    "actor_group": ("actor_group", "groupe d'acteurs", "groupe", "groupe d'acteur"),
    "level": ("level", "palier", "niveau"),
}
ID_PREFIX = "ent-"
_Q = f"{{{NAMESPACE}}}"


class QdpxError(ValueError):
    """The project cannot be imported; `problems` lists every reason as `file: element: problem`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Project:
    codes: dict[str, tuple[str, bool]] = field(default_factory=dict)      # guid -> (name, codable)
    variables: dict[str, str] = field(default_factory=dict)               # guid -> name
    cases: list[dict] = field(default_factory=list)                       # guid, values, refs, codes
    source_codes: dict[str, set[str]] = field(default_factory=dict)       # source guid -> code guids
    selection_codes: dict[str, set[str]] = field(default_factory=dict)    # selection guid -> code guids


def _key(text: str) -> str:
    """Names compared without case, accents or extra spaces (« Région » == « region »)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain).strip().casefold()


def _where(element_path: str, guid: str | None) -> str:
    return f"{PROJECT_FILE}: {element_path}" + (f" (guid {guid})" if guid else "")


def read_project(path: Path) -> Project:
    """Parse and check one `.qdpx`; raise QdpxError with every problem found."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            if PROJECT_FILE not in archive.namelist():
                raise QdpxError([f"{path.name}: zip: no {PROJECT_FILE} inside; is it a REFI-QDA project export?"])
            raw = archive.read(PROJECT_FILE)
    except (zipfile.BadZipFile, OSError) as err:
        kind = "not found" if isinstance(err, FileNotFoundError) else "corrupt or not a zip archive"
        raise QdpxError([f"{path.name}: zip: {kind}"]) from None
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as err:
        line, column = err.position
        raise QdpxError([f"{PROJECT_FILE}: line {line}, column {column}: not well-formed XML"]) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace != NAMESPACE or root.tag != f"{_Q}Project":
        raise QdpxError([f"{PROJECT_FILE}: {root.tag.split('}')[-1]}: namespace {namespace or '(none)'!r} is not "
                         f"the REFI-QDA project schema 1.0 ({NAMESPACE}); export the project as REFI-QDA "
                         "1.0 (QDA-XML 1.0)"])
    problems = _schema_problems(raw)
    if problems:
        raise QdpxError(list(problems))
    return _collect(root)


def _schema_problems(raw: bytes) -> tuple[str, ...]:
    return tuple(f"{PROJECT_FILE}: {where}: does not follow Project.xsd ({_sanitised(message)})"
                 for where, message in xsd.errors(XSD, raw))


def _local_names(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)


# libxml2's messages quote the value at fault (a case name, a text): only messages made of names are kept.
_NAMED = re.compile(r"^Element '([^'\s]+)'(?:, attribute '([^'\s]+)')?: (.*)$", re.S)
_NAMES_ONLY = re.compile(r"^(The attribute '[\w.:-]+' is (not allowed|required but missing)\.|[^'\"]*)$")


def _sanitised(message: str) -> str:
    """A schema message that names the element and attribute at fault, never a value: the rest of the message
    is kept only when it quotes nothing but a name; otherwise it says which facet or type the value fails."""
    match = _NAMED.match(_local_names(message).strip())
    if not match:
        return "the document does not follow the schema"
    element, attribute, rest = match.groups()
    where = f"element {element}" + (f", attribute {attribute}" if attribute else "")
    if _NAMES_ONLY.match(rest):
        return (where + ": " + rest.replace("'", ""))[:300]
    if facet := re.match(r"\[facet '(\w+)'\]", rest):
        return f"{where}: the value breaks the schema's {facet.group(1)} facet"
    if kind := re.search(r"is not a valid value of the \w+ type '([\w:]+)'", rest):
        return f"{where}: the value is not a valid {kind.group(1)}"
    return f"{where}: the value is not valid there"


def _collect(root: ET.Element) -> Project:
    project = Project()

    def walk_codes(parent: ET.Element) -> None:
        for code in parent.findall(f"{_Q}Code"):
            project.codes[code.get("guid")] = (code.get("name"), code.get("isCodable") == "true")
            walk_codes(code)

    codes = root.find(f"{_Q}CodeBook/{_Q}Codes")
    if codes is not None:
        walk_codes(codes)
    for var in root.iterfind(f"{_Q}Variables/{_Q}Variable"):
        project.variables[var.get("guid")] = var.get("name")
    sources = root.find(f"{_Q}Sources")
    for source in sources if sources is not None else []:
        guid = source.get("guid")
        project.source_codes[guid] = {ref.get("targetGUID") for ref in source.iterfind(f".//{_Q}CodeRef")}
        for selection in source:
            if selection.get("guid") and selection.find(f"{_Q}Coding") is not None:
                project.selection_codes[selection.get("guid")] = {
                    ref.get("targetGUID") for ref in selection.iterfind(f"{_Q}Coding/{_Q}CodeRef")}
    for number, case in enumerate(root.iterfind(f"{_Q}Cases/{_Q}Case"), start=1):
        values = {}
        for value in case.iterfind(f"{_Q}VariableValue"):
            ref = value.find(f"{_Q}VariableRef").get("targetGUID")
            content = next((child.text for child in value if child.tag != f"{_Q}VariableRef"), None)
            values[ref] = (content or "").strip()
        project.cases.append({
            "number": number, "guid": case.get("guid"), "values": values,
            "codes": {ref.get("targetGUID") for ref in case.iterfind(f"{_Q}CodeRef")},
            "sources": [ref.get("targetGUID") for ref in case.iterfind(f"{_Q}SourceRef")],
            "selections": [ref.get("targetGUID") for ref in case.iterfind(f"{_Q}SelectionRef")],
        })
    return project


# --------------------------------------------------------------------------------------------- matching

def read_mapping(path: Path | None) -> dict[str, dict[str, str]]:
    """kind -> {normalised QDA name -> book value}; an absent file gives empty maps."""
    kinds = {"code": {}, "variable": {}, **{name: {} for name in CASE_FIELDS}}
    if path is None:
        return kinds
    problems = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != MAPPING_COLUMNS:
            raise QdpxError([f"{Path(path).name}:1:1: header must be {','.join(MAPPING_COLUMNS)}"])
        for number, row in enumerate(reader, start=2):
            if row["kind"] not in kinds:
                problems.append(f"{Path(path).name}:{number}:1: kind {row['kind']!r} is not one of "
                                f"{', '.join(kinds)}")
            elif row["book_value"]:
                kinds[row["kind"]][_key(row["qda_name"])] = row["book_value"].strip()
    if problems:
        raise QdpxError(problems)
    return kinds


def _book_values(data_dir: Path) -> dict[str, dict[str, str]]:
    """For each case field, normalised id or French label -> the book's value."""
    regions = data.load("regions", data_dir)
    found = {"region_id": {**{_key(v): v for v in regions["region_id"]},
                           **{_key(n): v for n, v in zip(regions["name"], regions["region_id"], strict=True)}}}
    for name in ("actor_group", "level"):
        mapping = labels.mapping(labels.domain_of("interviews", name, data_dir), data_dir)
        found[name] = {**{_key(v): v for v in mapping}, **{_key(lab): v for v, lab in mapping.items()}}
    return found


def _codebook(data_dir: Path) -> tuple[dict[str, str], set[str]]:
    """normalised code id or label -> code_id, and the codable ids."""
    codebook = data.load("codebook", data_dir)
    by_name = {**{_key(c): c for c in codebook["code_id"]},
               **{_key(lab): c for lab, c in zip(codebook["label_fr"], codebook["code_id"], strict=True)}}
    return by_name, set(codebook.loc[codebook["is_codable"].fillna(False).astype(bool), "code_id"])


def resolve(project: Project, mapping: dict[str, dict[str, str]], data_dir: Path = DATA_DIR):
    """The interview rows and code rows, or QdpxError with every element that cannot be placed."""
    problems: list[str] = []
    by_name, codable = _codebook(data_dir)
    code_ids: dict[str, str] = {}
    for guid, (name, is_codable) in project.codes.items():
        target = mapping["code"].get(_key(name)) or by_name.get(_key(name))
        if target is None:
            if is_codable:
                problems.append(f"{_where('Code', guid)}: code {name!r} matches no code of the codebook by id "
                                "or label; add it to the mapping file (kind=code)")
        elif target not in codable:
            problems.append(f"{_where('Code', guid)}: code {name!r} maps to {target!r}, which is not a codable "
                            "code of the codebook (a dimension or a grouping)")
        else:
            code_ids[guid] = target
    field_of_variable = {}
    for guid, name in project.variables.items():
        target = mapping["variable"].get(_key(name)) or next(
            (f for f, names in VARIABLE_NAMES.items() if _key(name) in map(_key, names)), None)
        if target in CASE_FIELDS:
            field_of_variable[guid] = target
    missing_vars = [f for f in CASE_FIELDS if f not in field_of_variable.values()]
    if missing_vars:
        names = "; ".join(" / ".join(VARIABLE_NAMES[f]) for f in missing_vars)
        problems.append(f"{PROJECT_FILE}: Variables: no variable for {', '.join(missing_vars)}; name it "
                        f"({names}) or map it (kind=variable)")
    values = _book_values(data_dir)
    ids = interview_ids([case["guid"] for case in project.cases])
    interviews, codes = [], []
    for case in project.cases:
        where = _where(f"Cases/Case[{case['number']}]", case["guid"])
        row = {"interview_id": ids[case["guid"]]}
        for var_guid, fld in field_of_variable.items():
            raw = case["values"].get(var_guid, "")
            if not raw:
                problems.append(f"{where}: no value for the {fld} variable")
                continue
            book = mapping[fld].get(_key(raw)) or values[fld].get(_key(raw))
            if book is None or book not in values[fld].values():
                problems.append(f"{where}: {fld} value {raw!r} is not known to the book; map it (kind={fld})")
            else:
                row[fld] = book
        reached = set(case["codes"])
        for source in case["sources"]:
            reached |= project.source_codes.get(source, set())
        for selection in case["selections"]:
            reached |= project.selection_codes.get(selection, set())
        unknown = sorted(g for g in reached if g not in project.codes)
        if unknown:
            problems.append(f"{where}: coded with code guid(s) {', '.join(unknown)} absent from the CodeBook")
        interviews.append(row)
        codes += [{"interview_id": row["interview_id"], "code_id": c}
                  for c in sorted({code_ids[g] for g in reached if g in code_ids})]
    if not project.cases:
        problems.append(f"{PROJECT_FILE}: Cases: the project has no case (one case per interviewee is expected)")
    if problems:
        raise QdpxError(problems)
    return interviews, codes


def interview_ids(case_guids: list[str]) -> dict[str, str]:
    """Opaque ids (`ent-001`…, the form `analysis.interviews.restricted.ID_PATTERN` requires), numbered in
    GUID order.

    Never derived from the case name, which is often a person's name.
    """
    return {guid: f"{ID_PREFIX}{number:03d}" for number, guid in enumerate(sorted(case_guids), start=1)}


# --------------------------------------------------------------------------------------------- writing

def _outside_repository(out: Path, option: str) -> None:
    """What is drawn from the team's project never lands in the checkout (it could be committed)."""
    if data.in_repository(out):
        out = out.expanduser().resolve()
        raise QdpxError([f"{option}: {out} is inside the repository; what is drawn from the project must "
                         "live outside it (for example under ~/entrevues/)"])


def _summaries(path: Path) -> list[dict]:
    """The team's summaries as given; their rules (known cell, text, nothing personal) are the restricted
    folder's, checked with the rest of the import (analysis/interviews/restricted.py)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != SUMMARY_COLUMNS:
            raise QdpxError([f"{Path(path).name}:1:1: header must be {','.join(SUMMARY_COLUMNS)}"])
        return [{k: (row[k] or "").strip() for k in SUMMARY_COLUMNS} for row in reader]


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def import_project(qdpx: Path, out: Path, mapping: Path | None = None, summaries: Path | None = None,
                   data_dir: Path = DATA_DIR, deny_list: Path | None = None) -> Path:
    """Import `qdpx` into the folder `out` (created; must be empty or absent). All or nothing."""
    out = Path(out)
    _outside_repository(out, "--out")
    if out.exists() and any(out.iterdir()):
        raise QdpxError([f"--out: {out} is not empty; give a new folder"])
    interviews, codes = resolve(read_project(Path(qdpx)), read_mapping(mapping), Path(data_dir))
    interviews.sort(key=lambda r: (r["region_id"], r["interview_id"]))
    codes.sort(key=lambda r: (r["interview_id"], r["code_id"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        stage = Path(tmp)
        _write(stage / FILES["interviews"], ["interview_id", *CASE_FIELDS, "synthetic"],
               [{**r, "synthetic": "false"} for r in interviews])
        _write(stage / FILES["interview_codes"], ["interview_id", "code_id", "synthetic"],
               [{**r, "synthetic": "false"} for r in codes])
        if summaries is not None:
            _write(stage / SUMMARIES_FILE, list(SUMMARY_COLUMNS), _summaries(summaries))
        if deny_list is not None:  # kept with the tables: every later check and build reads it there
            shutil.copyfile(deny_list, stage / restricted.DENY_LIST)
        problems = restricted.problems(stage, Path(data_dir))
        if problems:  # named by file, row and column of the staged copy: no path, no personal detail
            raise QdpxError(problems)
        if out.exists():
            out.rmdir()
        shutil.move(str(stage), str(out))
        stage.mkdir()  # TemporaryDirectory removes what it created
    return out


def draft_mapping(qdpx: Path, target: Path, data_dir: Path = DATA_DIR) -> Path:
    """Write every code, variable and variable value of the project with the book's best guess."""
    _outside_repository(Path(target), "--draft-mapping")
    project = read_project(Path(qdpx))
    by_name, _ = _codebook(Path(data_dir))
    values = _book_values(Path(data_dir))
    rows = [{"kind": "code", "qda_name": name, "book_value": by_name.get(_key(name), "")}
            for name, _codable in sorted(set(project.codes.values()))]
    fields = {}
    for guid, name in sorted(project.variables.items(), key=lambda item: item[1]):
        guess = next((f for f, names in VARIABLE_NAMES.items() if _key(name) in map(_key, names)), "")
        rows.append({"kind": "variable", "qda_name": name, "book_value": guess})
        if guess:
            fields[guid] = guess
    seen = sorted({(fields[g], v) for case in project.cases for g, v in case["values"].items()
                   if g in fields and v})
    rows += [{"kind": fld, "qda_name": v, "book_value": values[fld].get(_key(v), "")} for fld, v in seen]
    _write(Path(target), list(MAPPING_COLUMNS), rows)
    return Path(target)
