"""Validate the data package: Frictionless schema checks plus the rules a schema cannot say.

Every problem is reported as `file:row:column: rule: message` (row 1 is the header line).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from analysis.data import DATA_DIR, DESCRIPTOR, ID_SEPARATOR

REHASH_COMMAND = "python -m analysis rehash"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.rule}: {self.message}"


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def check_hashes(data_dir: Path, descriptor: dict) -> list[Problem]:
    problems = []
    for res in descriptor["resources"]:
        path = data_dir / res["path"]
        if path.exists() and res.get("hash") and sha256(path) != res["hash"]:
            problems.append(Problem(res["path"], 0, 0, "hash",
                f"content changed outside the pipeline (recorded {res['hash'][:19]}…); "
                f"after a deliberate edit, re-record hashes with `{REHASH_COMMAND}`"))
    return problems


def check_frictionless(data_dir: Path) -> list[Problem]:
    from frictionless import FrictionlessException, Package, system

    try:
        with system.use_context(trusted=True):
            report = Package(str(data_dir / DESCRIPTOR)).validate()
    except FrictionlessException as exc:
        reasons = getattr(exc, "reasons", None) or [exc.error]
        return [Problem(DESCRIPTOR, 0, 0, err.type, err.note or err.message) for err in reasons]
    problems = []
    for task in report.tasks:
        path = Path(task.place).name if task.place else task.name
        for err in task.errors:
            if err.type == "hash-count":
                continue  # reported by check_hashes with the remedy
            row = getattr(err, "row_number", None) or 0
            col = getattr(err, "field_number", None) or 0
            field = getattr(err, "field_name", None)
            message = f"field {field!r}: {err.note}" if field and err.note else err.message
            problems.append(Problem(path, row, col, err.type, message))
    for err in report.errors:
        problems.append(Problem(DESCRIPTOR, 0, 0, err.type, err.note or err.message))
    return problems


def check_source_ids(data_dir: Path, descriptor: dict) -> list[Problem]:
    """Every `source_ids` entry must name a row of the sources table."""
    import csv

    known = set()
    with (data_dir / "sources.csv").open(encoding="utf-8", newline="") as fh:
        known = {row["source_id"] for row in csv.DictReader(fh)}
    problems = []
    for res in descriptor["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        if "source_ids" not in names:
            continue
        col = names.index("source_ids") + 1
        with (data_dir / res["path"]).open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                for sid in (row.get("source_ids") or "").split(ID_SEPARATOR):
                    if sid and sid not in known:
                        problems.append(Problem(res["path"], line, col, "source-exists",
                                                f"source id {sid!r} is not in sources.csv"))
    return problems


def validate(data_dir: Path = DATA_DIR) -> list[Problem]:
    data_dir = Path(data_dir)
    descriptor = json.loads((data_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    problems = check_hashes(data_dir, descriptor) + check_frictionless(data_dir)
    if not any(p.rule in {"encoding-error", "scheme-error", "source-error"} for p in problems):
        problems += check_source_ids(data_dir, descriptor)
    return sorted(set(problems))


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
