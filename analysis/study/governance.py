"""Governance in the study's terms, per region: who led, how decisions were shared, the MRC's role,
single or shared direction. Domain only: returns data; the chapter renders it.

The lead body comes from the ties (the body the ministry signed the Alliance with, see
`graphs.lead_bodies`); the other aspects are rows of `governance_evidence`, each naming the
package rows it rests on (that each names a row is the validator's `row-exists` rule). A region without
a row for an aspect is not documented on it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.contract import data
from analysis.study import graphs

TABLE = "governance_evidence"
ASPECTS = ("decision", "role-mrc", "direction")  # the order the chapter shows them in


def evidence(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """One row per region and aspect, in the package's region order; `finding_fr` is missing where the
    public record is silent on that aspect."""
    table = data.load(TABLE, data_dir)
    grid = pd.MultiIndex.from_product([graphs.regions(data_dir)["region_id"], ASPECTS],
                                      names=["region_id", "aspect"])
    merged = (table.groupby(["region_id", "aspect"])
              .agg(finding_fr=("finding_fr", " ".join), row_ids=("row_ids", ";".join))
              .reindex(grid).reset_index())
    names = graphs.regions(data_dir).set_index("region_id")["name"]
    return merged.assign(region=merged["region_id"].map(names))


def overview(data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """Per region: the lead body (with its ties), then each aspect's finding and rows (missing = silent)."""
    leads = graphs.lead_bodies(data_dir=data_dir).set_index("region_id")
    wide = evidence(data_dir).pivot(index="region_id", columns="aspect", values=["finding_fr", "row_ids"])
    rows = []
    for region_id, lead in leads.iterrows():
        row = {"region_id": region_id, "region": lead["region"], "pilote": lead["names"] or pd.NA,
               "pilote_liens": lead["tie_ids"] or pd.NA}
        for aspect in ASPECTS:
            row[aspect] = wide.loc[region_id, ("finding_fr", aspect)]
            row[f"{aspect}_lignes"] = wide.loc[region_id, ("row_ids", aspect)]
        rows.append(row)
    return pd.DataFrame(rows)
