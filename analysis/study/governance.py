"""Governance in the study's terms, per region: who led, how decisions were shared, the MRC's role,
single or shared direction. Domain only: returns data; the chapter renders it.

The lead body and each aspect's finding are statements of the study model
(`statements.lead_body`, `project_choice`, `decision_sharing`, `leadership`), so this chapter and
« Côte à côte » show the same result; aspects come in the order of the `governance_aspect`
domain of labels.csv. A region without a row for an aspect is not documented on it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.contract import data, labels
from analysis.study import graphs, statements

TABLE = "governance_evidence"


def evidence(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row per region and aspect, in the package's region order; `finding_fr` is missing where the
    public record is silent on that aspect."""
    table = data.load(TABLE, data_dir)
    grid = pd.MultiIndex.from_product([graphs.regions(data_dir)["region_id"], aspects(data_dir)],
                                      names=["region_id", "aspect"])
    merged = (table.groupby(["region_id", "aspect"])
              .agg(finding_fr=("finding_fr", " ".join), row_ids=("row_ids", ";".join))
              .reindex(grid).reset_index())
    names = graphs.regions(data_dir).set_index("region_id")["name"]
    return merged.assign(region=merged["region_id"].map(names))


def aspects(data_dir: Path = data.DATA_DIR) -> list[str]:
    """Governance aspects in the order of their label domain (the order the chapter shows them in)."""
    return list(labels.mapping("governance_aspect", data_dir))


def statement_key(aspect: str) -> str:
    """The study-model statement that carries an aspect's finding."""
    return next(key for key, a in statements.GOVERNANCE.items() if a == aspect)


def overview(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region: the lead body, then each aspect's statement (`Statement` objects of the study model)."""
    rows = []
    for r in graphs.regions(data_dir).itertuples():
        row = {"region_id": r.region_id, "region": r.name,
               "pilote": statements.lead_body(r.region_id, Path(data_dir))}
        for aspect in aspects(data_dir):
            row[aspect] = statements.FUNCTIONS[statement_key(aspect)](r.region_id, Path(data_dir))
        rows.append(row)
    return pd.DataFrame(rows)
