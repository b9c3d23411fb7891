import pandas as pd
import pytest

from analysis.contract import labels


def test_every_enum_value_has_a_french_label():
    assert labels.missing() == []


def test_relabel_replaces_codes_and_keeps_missing_cells():
    frame = pd.DataFrame({"scope": ["autre", None], "confidence": ["elevee", "faible"]}, dtype="string")
    out = labels.relabel(frame, "funding")
    assert out["scope"].iloc[0] == labels.label("funding_scope", "autre") != "autre"
    assert pd.isna(out["scope"].iloc[1])
    assert list(out["confidence"]) == ["élevée", "faible"]


def test_unknown_value_is_an_error_never_shown_raw():
    with pytest.raises(KeyError, match="no label"):
        labels.relabel(pd.DataFrame({"scope": ["inconnu"]}), "funding")
    with pytest.raises(KeyError, match="no label domain"):
        labels.mapping("nope")
