"""Read the data package: one loader, the package's own types, for every chapter."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"


def in_repository(path: Path, root: Path = ROOT) -> bool:
    """Whether `path` (after ~ and symlinks) lies in the checkout, where a file could be committed."""
    path = Path(path).expanduser().resolve()
    return path == Path(root).resolve() or Path(root).resolve() in path.parents
DESCRIPTOR = "datapackage.json"
ID_SEPARATOR = ";"

# Table Schema type -> pandas dtype. Dates stay strings: the sources give partial dates.
PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "string",
    "year": "Int64",
}


@lru_cache(maxsize=8)
def descriptor(data_dir: Path = DATA_DIR) -> dict:
    return json.loads((Path(data_dir) / DESCRIPTOR).read_text(encoding="utf-8"))


def resource(name: str, data_dir: Path = DATA_DIR) -> dict:
    for res in descriptor(Path(data_dir))["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in descriptor(Path(data_dir))["resources"])
    raise KeyError(f"no table {name!r} in the data package (known: {known})")


def load(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Return one table of the package with the dtypes its schema declares."""
    return _read(name, Path(data_dir)).copy()  # a copy: callers may mutate freely


@lru_cache(maxsize=64)
def _read(name: str, data_dir: Path) -> pd.DataFrame:
    res = resource(name, data_dir)
    fields = res["schema"]["fields"]
    dtypes = {f["name"]: PANDAS_DTYPES.get(f["type"], "string") for f in fields}
    booleans = [f["name"] for f in fields if f["type"] == "boolean"]
    frame = pd.read_csv(
        Path(data_dir) / res["path"],
        dtype={k: ("string" if k in booleans else v) for k, v in dtypes.items()},
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for name_ in booleans:
        frame[name_] = frame[name_].map({"true": True, "false": False}, na_action="ignore").astype(
            "boolean"
        )
    return frame


def load_optional(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame | None:
    """A table of the package, or None when the package does not (yet) declare it."""
    names = {res["name"] for res in descriptor(Path(data_dir))["resources"]}
    return load(name, Path(data_dir)) if name in names else None


def split_ids(value: object) -> list[str]:
    """Split a `a;b;c` id list cell; an empty cell gives an empty list."""
    if value is None or pd.isna(value) or value == "":
        return []
    return [part for part in str(value).split(ID_SEPARATOR) if part]
