"""Read the data package: one loader, the package's own types, for every chapter."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs a third of a second to import: `validate` never needs it
    import pandas as pd

from analysis.contract import env
from analysis.contract.paths import ROOT


def in_repository(path: Path, root: Path = ROOT) -> bool:
    """Whether `path` (after ~ and symlinks) lies in the checkout, where a file could be committed."""
    path = Path(path).expanduser().resolve()
    return path == Path(root).resolve() or Path(root).resolve() in path.parents


DESCRIPTOR = "datapackage.json"
CHECKOUT_MARK = "CITATION.cff"  # at the root of a checkout of the edition, never inside site-packages
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


class DataNotFound(LookupError):
    """No data package folder was given and the package does not run from a checkout."""


def locate() -> Path | None:
    """The data package folder: the one $ALLIANCES_DATA_DIR names, else the checkout's `data/`.

    An installed wheel has no checkout around it; its folder is then None (never a path guessed
    inside site-packages), and reading the data says how to give one.
    """
    given = env.value(env.DATA_DIR)
    if given:
        return Path(given).expanduser().resolve()
    checkout = ROOT / "data"
    if (ROOT / CHECKOUT_MARK).is_file() and (checkout / DESCRIPTOR).is_file():
        return checkout
    return None


DATA_DIR = locate()
NOT_FOUND = (f"no data package folder: run from a checkout of the edition, set {env.DATA_DIR}, "
             "or give the folder on the command line")


def folder(data_dir: Path | None) -> Path:
    """`data_dir` as a Path, or a clear error when no folder was found or given."""
    if data_dir is None:
        raise DataNotFound(NOT_FOUND)
    return Path(data_dir)


@lru_cache(maxsize=8)
def descriptor(data_dir: Path | None = DATA_DIR) -> dict:
    return json.loads((folder(data_dir) / DESCRIPTOR).read_text(encoding="utf-8"))


def resource(name: str, data_dir: Path = DATA_DIR) -> dict:
    for res in descriptor(folder(data_dir))["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in descriptor(folder(data_dir))["resources"])
    raise KeyError(f"no table {name!r} in the data package (known: {known})")


def load(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Return one table of the package with the dtypes its schema declares."""
    return _read(name, folder(data_dir)).copy()  # a copy: callers may mutate freely


@lru_cache(maxsize=64)
def _read(name: str, data_dir: Path) -> pd.DataFrame:
    import pandas as pd

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
    names = {res["name"] for res in descriptor(folder(data_dir))["resources"]}
    return load(name, folder(data_dir)) if name in names else None


def split_ids(value: object) -> list[str]:
    """Split a `a;b;c` id list cell; an empty cell gives an empty list."""
    import pandas as pd

    if value is None or pd.isna(value) or value == "":
        return []
    return [part for part in str(value).split(ID_SEPARATOR) if part]
