"""A no-change rebuild skips the work whose inputs did not move: the downloadable exports
(_ext/downloads.py, keyed on data_freshness's fingerprint of data/ and analysis/) and the Vega bundle
(_ext/vega_bundle.py, keyed on the vl-convert-python and altair versions)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from analysis.contract.paths import VEGA_BUNDLE
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import downloads  # noqa: E402
import vega_bundle  # noqa: E402


def _app(outdir, fingerprint="abc"):
    return SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(outdir),
                           _data_fingerprint=fingerprint)


def test_downloads_are_exported_once_per_fingerprint(tmp_path, monkeypatch):
    from analysis.build import export as networks
    from analysis.build import qdc

    calls = []
    monkeypatch.setattr(networks, "export_all", lambda out, *a, **k: calls.append(("networks", out)) or [])
    monkeypatch.setattr(qdc, "write", lambda out, *a, **k: calls.append(("qdc", out)) or out)
    downloads._export(_app(tmp_path), None)
    assert [name for name, _ in calls] == ["networks", "qdc"]
    downloads._export(_app(tmp_path), None)  # nothing moved: skipped
    assert len(calls) == 2
    downloads._export(_app(tmp_path, "def"), None)  # data/ or analysis/ changed: exported again
    assert len(calls) == 4
    downloads._export(SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path)), None)
    assert len(calls) == 6  # without a fingerprint, always export


def test_downloads_really_exported_on_the_first_build(tmp_path):
    from analysis.build import qdc
    from analysis.present import diagram

    downloads._export(_app(tmp_path), None)
    assert any((tmp_path / diagram.DOWNLOAD_DIR).iterdir())
    assert (tmp_path / qdc.DOWNLOAD_PATH).stat().st_size > 0


def test_vega_bundle_up_to_date_needs_neither_altair_nor_vl_convert(tmp_path, monkeypatch):
    app = _app(tmp_path)
    bundle = tmp_path / "_static" / VEGA_BUNDLE
    bundle.parent.mkdir()
    bundle.write_text(vega_bundle.stamp() + "/* bundle */\n")  # the real one is checked in test_built_html
    before = bundle.stat().st_mtime_ns
    monkeypatch.setitem(sys.modules, "vl_convert", None)  # any import of it now fails
    vega_bundle._write_bundle(app)
    assert bundle.stat().st_mtime_ns == before
    bundle.write_text("/* vl-convert-python 0.0.0, altair 0.0.0 */\n")  # stale: rebuilt (and needs vl_convert)
    with pytest.raises(ImportError):
        vega_bundle._write_bundle(app)


def test_vega_bundle_stamp_names_both_versions():
    from importlib.metadata import version

    assert version("altair") in vega_bundle.stamp() and version("vl-convert-python") in vega_bundle.stamp()
