"""The one way to read the interview tables: synthetic stand-in (public) or restricted files.

Public edition (default): `data/synthetic/interviews.csv` and `interview_codes.csv`, labelled
« données synthétiques », validated with the rest of the package by `python -m analysis validate`.

Restricted edition: set `ALLIANCES_INTERVIEWS_DIR` to a folder holding the real `interviews.csv` and
`interview_codes.csv` (same schema as the synthetic tables, `synthetic` false on every row). They are
validated here with the same rules (types, enums, keys, foreign keys to regions and codebook) and the
fail-closed rules of analysis/interviews/restricted.py before anything is drawn; nothing of them is ever copied
into the repository. Only disclosure-controlled aggregates (analysis/contract/disclosure.py) reach the book.
Any problem raises `RestrictedDataError` with a generic message: a chapter's traceback never quotes
the folder, its ids or its values (the details: `python -m analysis validate-restricted`).
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.contract import data
from analysis.contract.data import DATA_DIR, DESCRIPTOR
from analysis.interviews.restricted import ENV, RestrictedDataError, folder_from_env
from analysis.interviews.synthetic import FILES, SUBDIR

LABEL_SYNTHETIC = "données synthétiques"
LABEL_RESTRICTED = "données d'entrevues (édition restreinte)"
NEEDED = ("regions", "codebook")  # the tables the interview tables refer to


@dataclass(frozen=True)
class Interviews:
    interviews: pd.DataFrame
    codes: pd.DataFrame
    restricted: bool
    directory: Path

    @property
    def label(self) -> str:
        return LABEL_RESTRICTED if self.restricted else LABEL_SYNTHETIC

    @property
    def synthetic(self) -> bool:
        return not self.restricted


def directory(data_dir: Path = DATA_DIR) -> tuple[Path, bool]:
    """Where the interview tables are read from, and whether they are the restricted ones."""
    given = folder_from_env()
    if given is not None:
        return given, True
    return Path(data_dir) / SUBDIR, False


def load(data_dir: Path = DATA_DIR) -> Interviews:
    """Both interview tables, typed by the package schema, from the directory `directory()` names."""
    folder, restricted = directory(data_dir)
    return _load(folder, restricted, Path(data_dir))


@lru_cache(maxsize=4)
def _load(folder: Path, restricted: bool, data_dir: Path) -> Interviews:
    if not restricted:
        tables = {name: data.load(name, data_dir) for name in FILES}
    else:
        tables = _read_restricted(folder, data_dir)
    return Interviews(tables["interviews"], tables["interview_codes"], restricted, folder)


def restricted_package(folder: Path, data_dir: Path = DATA_DIR) -> dict:
    """A descriptor with the referenced tables and the restricted files in place of the stand-in."""
    package = data.descriptor(Path(data_dir))
    keep = set(NEEDED) | set(FILES)
    resources = []
    for res in copy.deepcopy(package["resources"]):
        if res["name"] not in keep:
            continue
        res.pop("hash", None)
        res.pop("bytes", None)
        if res["name"] in FILES:
            res["path"] = f"restricted/{FILES[res['name']]}"
            res["synthetic"] = False
            res["title"] = res["title"].replace("données synthétiques", "édition restreinte")
        keys = res["schema"].get("foreignKeys", [])
        res["schema"]["foreignKeys"] = [k for k in keys if k["reference"]["resource"] in keep | {""}]
        resources.append(res)
    return {**{k: v for k, v in package.items() if k != "resources"}, "resources": resources}


@contextmanager
def staged(folder: Path, data_dir: Path = DATA_DIR):
    """A temporary package: the referenced tables plus the restricted files, hashes re-recorded."""
    from analysis.contract.validate import rehash

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        package = restricted_package(folder, data_dir)
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


def check_restricted(folder: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem of the restricted files, as `file:row:column: rule: message` lines."""
    from analysis.contract.validate import validate

    folder = Path(folder)
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        return [f"{folder / name}:0:0: missing-file: {ENV} names a folder without {name}" for name in missing]
    with staged(folder, data_dir) as root:
        problems = [str(p) for p in validate(root)]
        return problems or _label_and_code_problems(root)


def _label_and_code_problems(root: Path) -> list[str]:
    """Real rows say synthetic=false; the codes applied to interviews are codable codes."""
    problems = []
    for name, file in FILES.items():
        frame = data.load(name, root)
        wrong = [number for number, flag in enumerate(frame["synthetic"], start=2) if pd.isna(flag) or bool(flag)]
        if wrong:
            problems.append(f"restricted/{file}:{wrong[0]}:{len(frame.columns)}: restricted-label: {len(wrong)} "
                            "row(s) say synthetic=true; a restricted file must say false on every row "
                            "(is this the synthetic stand-in?)")
    codebook = data.load("codebook", root)
    codable = set(codebook.loc[codebook["is_codable"].fillna(False).astype(bool), "code_id"])
    codes = data.load("interview_codes", root)
    for number, code in enumerate(codes["code_id"], start=2):
        if code not in codable:
            problems.append(f"restricted/{FILES['interview_codes']}:{number}:2: codable: {code!r} is a "
                            "grouping code of the codebook, not a codable one")
    return problems


def read_valid_restricted(folder: Path, data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Both restricted tables, typed; only for a folder `check_restricted` found valid."""
    with staged(folder, data_dir) as root:
        return {name: data.load(name, root) for name in FILES}


def _read_restricted(folder: Path, data_dir: Path) -> dict[str, pd.DataFrame]:
    """Fail closed: the tables of a folder without any problem, else the generic error and nothing more."""
    from analysis.interviews import restricted

    tables = None
    try:
        if not restricted.problems(folder, data_dir):
            tables = read_valid_restricted(folder, data_dir)
    except Exception:  # noqa: BLE001 - any failure is reported the same way, without its details
        tables = None
    if tables is None:
        raise RestrictedDataError()  # raised outside the except block: no chained cause in the traceback
    return tables


# ---------------------------------------------------------------------------------------------------
# What the chapters show: disclosure-controlled aggregates only
# ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _by_dimension(folder: Path, restricted: bool, data_dir: Path):
    from analysis.contract import disclosure

    tables = _load(folder, restricted, data_dir)
    codebook = data.load("codebook", data_dir)
    regions = data.load("regions", data_dir)["region_id"].tolist()
    counts = disclosure.interviewees_by_dimension(tables.interviews, tables.codes, codebook, regions)
    return disclosure.suppress(counts)


def published_by_dimension(data_dir: Path = DATA_DIR):
    """Distinct interviewees per region × code dimension, disclosure-controlled (`disclosure.Published`)."""
    folder, restricted = directory(data_dir)
    return _by_dimension(folder, restricted, Path(data_dir))


def stand_in() -> tuple[Interviews, object]:
    """The synthetic tables and their published aggregate, whatever the edition (for the methods chapter)."""
    folder = DATA_DIR / SUBDIR
    return _load(folder, False, DATA_DIR), _by_dimension(folder, False, DATA_DIR)


def dimension_labels(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Dimension -> French name, from the root codes of the codebook (in codebook order)."""
    codebook = data.load("codebook", data_dir)
    roots = codebook[codebook["parent_id"].isna()]
    return dict(zip(roots["dimension"], roots["label_fr"], strict=True))


def region_frame(region_id: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """One region's published row: dimension label, count (NA when hidden), shown text, labels."""
    from analysis.contract import disclosure

    source = load(data_dir)
    frame = disclosure.long_form(published_by_dimension(data_dir), region_id)
    labels = dimension_labels(data_dir)
    return frame.assign(dimension=frame["category"].map(labels).fillna(frame["category"]),
                        synthetic=source.synthetic, edition=source.label)


def chart(frame: pd.DataFrame, title: str, description: str):
    """Bars of published counts; a hidden cell keeps its row and shows « x » instead of a bar."""
    import altair as alt

    data_ = frame[["dimension", "n", "shown", "synthetic", "edition"]].astype({"n": "float64"})  # NA -> null
    y = alt.Y("dimension:N", title="Dimension de la grille", sort=None)
    base = alt.Chart(data_).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("n:Q", title="Personnes interrogées (distinctes)", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("dimension:N", title="Dimension"), alt.Tooltip("shown:N", title="Personnes"),
                 alt.Tooltip("edition:N", title="Données")],
    )
    labels = base.transform_calculate(pos="isValid(datum.n) ? datum.n : 0").mark_text(
        align="left", dx=4).encode(x="pos:Q", text="shown:N")
    return (bars + labels).properties(title=title, description=description, width="container",
                                      height=alt.Step(22))


def published_summaries(region_id: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The team's summaries (restricted edition only) whose region × code cell passes disclosure control.

    A summary describes what interviewees of a region said about a code; it is shown only where the
    count of distinct interviewees behind that region × code cell is published (not suppressed,
    primary or secondary). The public edition has none.
    """
    from analysis.contract import disclosure
    from analysis.interviews.qdpx import SUMMARIES_FILE, SUMMARY_COLUMNS

    folder, restricted = directory(data_dir)
    empty = pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    if not restricted or not (folder / SUMMARIES_FILE).is_file():
        return empty
    tables = load(data_dir)
    summaries = pd.read_csv(folder / SUMMARIES_FILE, dtype="string", keep_default_na=False)
    linked = tables.codes.merge(tables.interviews[["interview_id", "region_id"]], on="interview_id")
    counts = (linked.groupby(["region_id", "code_id"])["interview_id"].nunique().unstack(fill_value=0))
    regions = data.load("regions", data_dir)["region_id"].tolist()
    codebook = data.load("codebook", data_dir)
    codable = codebook.loc[codebook["is_codable"].fillna(False).astype(bool), "code_id"].tolist()
    # The full region × codable-code table, zeros included, is what suppression must protect.
    published = disclosure.suppress(counts.reindex(index=regions, columns=codable, fill_value=0))
    shown = [c in published.table.columns and published.table.loc[r, c] != disclosure.SUPPRESSED
             for r, c in zip(summaries["region_id"], summaries["code_id"], strict=True)]
    keep = summaries[pd.Series(shown, index=summaries.index, dtype=bool) & (summaries["region_id"] == region_id)]
    return keep.reset_index(drop=True) if len(keep) else empty
