"""French labels of coded values: one table (`data/labels.csv`), read by every page and check.

A field of the data package whose values are codes names its label domain with the property
`"labels": "<domain>"` in `datapackage.json`; `data/labels.csv` gives, per domain, each value's
French label (and a definition where the label alone is not enough). Nothing else in the
package holds a French label for a coded value.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs a third of a second to import: `validate` never needs it
    import pandas as pd

from analysis.contract import data

TABLE = "labels"
DOMAIN_PROPERTY = "labels"  # the descriptor property by which a field names its domain


@lru_cache(maxsize=4)
def _mappings(data_dir: Path) -> dict[str, dict[str, str]]:
    table = data.load(TABLE, data_dir)
    return {domain: dict(zip(rows["value"], rows["label_fr"], strict=True))
            for domain, rows in table.groupby("domain", sort=False)}


def mapping(domain: str, data_dir: Path = data.DATA_DIR) -> dict[str, str]:
    """value -> French label for one domain."""
    mappings = _mappings(Path(data_dir))
    if domain not in mappings:
        raise KeyError(f"no label domain {domain!r} in {TABLE}.csv (known: {', '.join(mappings)})")
    return mappings[domain]


def label(domain: str, value: object, data_dir: Path = data.DATA_DIR) -> str:
    """The French label of one coded value; an unknown value is an error, never shown raw."""
    labels = mapping(domain, data_dir)
    if value not in labels:
        raise KeyError(f"no label for {value!r} in domain {domain!r} of {TABLE}.csv")
    return labels[value]


def field_domains(data_dir: Path = data.DATA_DIR) -> dict[tuple[str, str], str]:
    """(table, field) -> label domain, as the descriptor declares them."""
    return {(res["name"], field["name"]): field[DOMAIN_PROPERTY]
            for res in data.descriptor(Path(data_dir))["resources"]
            for field in res["schema"]["fields"] if DOMAIN_PROPERTY in field}


def domain_of(table: str, field: str, data_dir: Path = data.DATA_DIR) -> str:
    domains = field_domains(data_dir)
    if (table, field) not in domains:
        raise KeyError(f"{table}.{field} declares no label domain in {data.DESCRIPTOR}")
    return domains[(table, field)]


def relabel(frame: pd.DataFrame, table: str, fields: list[str] | None = None,
            data_dir: Path = data.DATA_DIR) -> pd.DataFrame:
    """A copy of `frame` with the coded values of `table`'s fields replaced by their labels.

    `fields` defaults to every field of `table` that declares a domain and is in `frame`.
    Missing cells stay missing; an unknown value raises.
    """
    domains = {f: d for (t, f), d in field_domains(data_dir).items() if t == table and f in frame.columns}
    chosen = fields if fields is not None else list(domains)
    out = frame.copy()
    for field in chosen:
        labels = mapping(domains[field] if field in domains else domain_of(table, field, data_dir), data_dir)
        unknown = set(out[field].dropna()) - set(labels)
        if unknown:
            raise KeyError(f"{table}.{field}: no label for {sorted(unknown)} in {TABLE}.csv")
        out[field] = out[field].map(labels, na_action="ignore")
    return out


def unlabelled(resources: list[dict], known: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """(table, field, value) for every enum value a field allows but its domain does not label.

    `known` maps each domain to the values the labels table labels. The validator runs this on the raw
    package (`analysis.contract.validate.rule_labels`), `missing()` on the loaded one: one definition of the rule.
    """
    gaps = []
    for res in resources:
        for field in res["schema"]["fields"]:
            if DOMAIN_PROPERTY not in field:
                continue
            labelled = known.get(field[DOMAIN_PROPERTY], set())
            gaps += [(res["name"], field["name"], v) for v in field.get("constraints", {}).get("enum", [])
                     if v not in labelled]
    return gaps


def missing(data_dir: Path = data.DATA_DIR) -> list[tuple[str, str, str]]:
    """(table, field, value) for every enum value a field allows but its domain does not label."""
    known = {domain: set(values) for domain, values in _mappings(Path(data_dir)).items()}
    return unlabelled(data.descriptor(Path(data_dir))["resources"], known)
