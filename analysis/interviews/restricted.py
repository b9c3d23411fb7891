"""Fail closed on the restricted interview folder (`ALLIANCES_INTERVIEWS_DIR`).

Any problem with the folder — missing or unreadable, a file that breaks the schema, an interview id
that is not an opaque code (a person's name in an id), a deny-listed name anywhere in the files, a
region with too few interviewees to publish anything — stops the build. The details of a problem
quote paths, ids and values from the restricted files, so they are only ever printed on the terminal
of the person who holds the data (`python -m analysis validate-restricted`, `make validate-restricted`);
what a build sees and may write into `_build/` is the generic `GENERIC_MESSAGE`, nothing else.

The folder may hold `deny-list.txt`: one name per line (`#` starts a comment) of people who must
never appear in the book. The files are checked against it here, and the built book by
`python -m analysis privacy-scan` (analysis/interviews/privacy.py).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from analysis.contract.data import DATA_DIR

ENV = "ALLIANCES_INTERVIEWS_DIR"  # the one name of the variable; analysis.interviews.reader imports it
DENY_LIST = "deny-list.txt"
# A restricted interview id is an opaque code: up to four letters, a hyphen, a number (`ent-017`).
ID_PATTERN = re.compile(r"[a-z]{1,4}-[0-9]{1,6}")
GENERIC_MESSAGE = ("the restricted interview folder is invalid: run `make validate-restricted` locally "
                   "to see the details")


class RestrictedDataError(RuntimeError):
    """Raised by builds and chapters; its message never quotes the restricted folder or its contents."""

    def __init__(self, message: str = GENERIC_MESSAGE):
        super().__init__(message)


def folder_from_env() -> Path | None:
    """The restricted folder named by the variable, or None for the public edition."""
    given = os.environ.get(ENV, "").strip()
    return Path(given).expanduser().resolve() if given else None


def normalise(text: str) -> str:
    """Lower case, no accents, every run of non-letters as one space: how names are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def deny_list(folder: Path | None) -> list[str]:
    """Names of the deny-list shipped with the restricted data (empty when there is none)."""
    if folder is None or not (Path(folder) / DENY_LIST).is_file():
        return []
    return deny_list_file(Path(folder) / DENY_LIST)


def deny_list_file(path: Path) -> list[str]:
    """One name per line; `#` starts a comment."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def problems(folder: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem of the restricted folder as `file:row:column: rule: message` (terminal only)."""
    from analysis.interviews import reader as interviews

    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder}:0:0: missing-folder: {ENV} names no readable folder"]
    try:
        found = interviews.check_restricted(folder, data_dir)
        if found:
            return found
        found = _name_problems(folder)
        if found:
            return found
        tables = interviews.read_valid_restricted(folder, data_dir)
        return _id_problems(tables["interviews"]) + _structure_problems(tables, data_dir)
    except (OSError, UnicodeError, ValueError) as exc:  # unreadable file, broken encoding or CSV
        return [f"{folder}:0:0: unreadable: {type(exc).__name__}: {exc}"]


def _name_problems(folder: Path) -> list[str]:
    """Any cell of the restricted CSV files that contains a deny-listed name (accents and case ignored)."""
    from analysis.interviews.synthetic import FILES

    names = [(name, normalise(name)) for name in deny_list(folder)]
    found = []
    for file in FILES.values():
        for number, line in enumerate((folder / file).read_text(encoding="utf-8").splitlines(), start=1):
            cells = normalise(line.replace("-", " ").replace("_", " "))
            for name, key in names:
                if key and f" {key} " in f" {cells} ":
                    found.append(f"{folder / file}:{number}:0: deny-list: the row contains {name!r}")
    return found


def _id_problems(interviews) -> list[str]:
    found = []
    for number, value in enumerate(interviews["interview_id"], start=2):
        if not ID_PATTERN.fullmatch(str(value)):
            found.append(f"interviews.csv:{number}:1: opaque-id: {value!r} is not an opaque code such as "
                         "'ent-017' (up to four letters, a hyphen, a number); never put a name in an id")
    return found


def _structure_problems(tables: dict, data_dir: Path) -> list[str]:
    """A region with fewer interviewees than the threshold, or a published table that cannot be protected."""
    from analysis.contract import data, disclosure

    found = []
    per_region = tables["interviews"].groupby("region_id")["interview_id"].nunique()
    for region, n in per_region.items():
        if n < disclosure.MIN_COUNT:
            found.append(f"interviews.csv:0:2: under-threshold: region {region!r} has {n} distinct "
                         f"interviewee(s), fewer than {disclosure.MIN_COUNT}: nothing about it could be published")
    codebook = data.load("codebook", data_dir)
    regions = data.load("regions", data_dir)["region_id"].tolist()
    counts = disclosure.interviewees_by_dimension(tables["interviews"], tables["interview_codes"], codebook,
                                                  regions)
    published = disclosure.suppress(counts)
    for line in published.exposed_totals + disclosure.lines_with_one_suppressed(published.table):
        found.append(f"interview_codes.csv:0:0: unprotectable: {line} would let a reader recover a hidden count")
    return found


def check_or_raise(folder: Path | None = None, data_dir: Path = DATA_DIR) -> None:
    """Raise the generic RestrictedDataError (no detail, no chained cause) when the folder has a problem."""
    folder = folder_from_env() if folder is None else folder
    if folder is None:
        return
    try:
        ok = not problems(folder, data_dir)
    except Exception:  # noqa: BLE001 - whatever went wrong, the message must not quote it
        ok = False
    if not ok:
        raise RestrictedDataError()
