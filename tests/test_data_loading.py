"""The loader gives every chapter the package's types; the real package is valid."""

from __future__ import annotations

import pandas as pd

from analysis.contract import data
from analysis.contract.validate import validate
from tests.conftest import DATA


def test_real_package_is_valid():
    assert [str(p) for p in validate(DATA)] == []


def test_load_applies_schema_types():
    regions = data.load("regions")
    assert str(regions["code"].dtype) == "string"  # "01" keeps its leading zero
    assert regions["code"].tolist()[0] == "01"
    assert len(regions) == len(set(regions["region_id"]))


def test_every_resource_loads_with_its_declared_columns():
    for res in data.descriptor()["resources"]:
        frame = data.load(res["name"])
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]]


def test_split_ids_handles_empty_and_multiple():
    assert data.split_ids("a;b") == ["a", "b"]
    assert data.split_ids("") == []
    assert data.split_ids(pd.NA) == []
