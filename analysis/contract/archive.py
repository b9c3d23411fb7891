"""The data package as one zip: descriptor, tables, the generated data dictionary, the licence.

A Frictionless zipped package: `datapackage.json` sits at the zip's root, beside the tables its
resources name, so `frictionless validate` (or `Package("….zip")`) reads and checks every table.
The bytes depend on the files only (fixed timestamps and permissions, entries in sorted order), so
the sha256 the reproduction page prints is the hash of the file the build writes next to it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from analysis.contract import dictionary
from analysis.contract.data import DATA_DIR, DESCRIPTOR, ROOT, descriptor
from analysis.contract.paths import DOWNLOADS

LICENCE = ROOT / "LICENSE-CC-BY-4.0.md"
DICTIONARY_NAME = "dictionnaire.csv"
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build time leaks into the bytes
DICTIONARY_COLUMNS = ("table", "fichier", "champ", "type", "signification", "contraintes", "provenance")


def stem(data_dir: Path = DATA_DIR) -> str:
    package = descriptor(Path(data_dir))
    return f"{package['name']}-{package['version']}"


def download_path(data_dir: Path = DATA_DIR) -> str:
    """Where the zip sits in the built HTML."""
    return f"{DOWNLOADS}/{stem(data_dir)}.zip"  # written by _ext/reproduction.py


def dictionary_csv(data_dir: Path = DATA_DIR) -> bytes:
    """One row per field of every table: the same facts as the dictionary annex, as a CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DICTIONARY_COLUMNS)
    for res in descriptor(Path(data_dir))["resources"]:
        for field in res["schema"]["fields"]:
            rules = dictionary.schema_constraints(field, res) + dictionary.rule_constraints(field, res)
            writer.writerow(text.replace("`", "") for text in (
                res["name"], res["path"], field["name"],
                dictionary.TYPES_FR.get(field["type"], field["type"]),
                field.get("description", ""), " ; ".join(rules), dictionary.provenance(field, res)))
    return out.getvalue().encode("utf-8")


def members(data_dir: Path = DATA_DIR) -> dict[str, bytes]:
    """Name inside the zip -> content."""
    data_dir = Path(data_dir)
    files = {DESCRIPTOR: (data_dir / DESCRIPTOR).read_bytes(),
             DICTIONARY_NAME: dictionary_csv(data_dir),
             "LICENCE.md": LICENCE.read_bytes()}
    for res in descriptor(data_dir)["resources"]:
        files[res["path"]] = (data_dir / res["path"]).read_bytes()
    return files


def build(data_dir: Path = DATA_DIR) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in sorted(members(data_dir).items()):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the machine
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def _cached(data_dir: Path) -> bytes:
    return build(data_dir)


def sha256(data_dir: Path = DATA_DIR) -> str:
    return hashlib.sha256(_cached(Path(data_dir))).hexdigest()


def write(outdir: Path, data_dir: Path = DATA_DIR) -> Path:
    """Write the zip under `outdir` (the built HTML folder) and return its path."""
    target = Path(outdir) / download_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_cached(Path(data_dir)))
    return target
