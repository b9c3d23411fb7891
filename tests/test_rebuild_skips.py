"""A no-change rebuild skips the work whose inputs did not move: the downloadable exports
(_ext/downloads.py, keyed on the fingerprint of the public inputs, analysis/build/inputs.py), which a restricted
edition copies from the public book, and the Vega bundle (_ext/vega_bundle.py, keyed on the vl-convert-python
and altair versions)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from analysis.contract.paths import NETWORKS_DOWNLOAD_DIR, VEGA_BUNDLE
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import downloads  # noqa: E402
import vega_bundle  # noqa: E402


def _app(outdir, confdir=ROOT):
    return SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(outdir), confdir=str(confdir))


@pytest.fixture
def exports(monkeypatch):
    """The exports the extension makes, recorded instead of made, and the key of the inputs, set by the test."""
    from analysis.build import export as networks
    from analysis.build import inputs, qdc

    calls, key = [], ["abc"]
    monkeypatch.setattr(networks, "export_all", lambda out, *a, **k: calls.append(("networks", out)) or [])
    monkeypatch.setattr(qdc, "write", lambda out, *a, **k: calls.append(("qdc", out)) or out)
    monkeypatch.setattr(inputs, "fingerprint", lambda root, extra=None: key[0])
    return calls, key


def test_downloads_are_exported_once_per_fingerprint(tmp_path, exports):
    calls, key = exports
    downloads._export(_app(tmp_path), None)
    assert [name for name, _ in calls] == ["networks", "qdc"]
    downloads._export(_app(tmp_path), None)  # nothing moved: skipped
    assert len(calls) == 2
    key[0] = "def"  # data/ or analysis/ changed: exported again
    downloads._export(_app(tmp_path), None)
    assert len(calls) == 4


def test_a_restricted_edition_copies_the_downloads_the_public_book_made_from_the_same_inputs(tmp_path, exports,
                                                                                            monkeypatch):
    from analysis.build import qdc
    from analysis.contract import env

    calls, key = exports
    checkout, public = tmp_path / "checkout", tmp_path / "checkout" / downloads.PUBLIC_HTML
    (public / NETWORKS_DOWNLOAD_DIR).mkdir(parents=True)
    (public / NETWORKS_DOWNLOAD_DIR / "reseau-x.csv").write_text("source,target\n", encoding="utf-8")
    (public / qdc.DOWNLOAD_PATH).write_text("<CodeBook/>", encoding="utf-8")
    (public / downloads.STAMP_NAME).write_text("abc\n")
    monkeypatch.setenv(env.INTERVIEWS_DIR, str(tmp_path / "entrevues"))
    edition = tmp_path / "edition" / "_build" / "html"
    downloads._export(_app(edition, checkout), None)
    assert calls == []
    assert (edition / NETWORKS_DOWNLOAD_DIR / "reseau-x.csv").read_text(encoding="utf-8") == "source,target\n"
    assert (edition / qdc.DOWNLOAD_PATH).read_text(encoding="utf-8") == "<CodeBook/>"
    key[0] = "def"  # the public book is older than the inputs: the edition makes its own
    downloads._export(_app(edition, checkout), None)
    assert [name for name, _ in calls] == ["networks", "qdc"]
    monkeypatch.delenv(env.INTERVIEWS_DIR)  # a second public build (make determinism) makes its own too
    (public / downloads.STAMP_NAME).write_text("def\n")
    (tmp_path / "second").mkdir()
    downloads._export(_app(tmp_path / "second", checkout), None)
    assert len(calls) == 4


def test_downloads_really_exported_on_the_first_build(tmp_path):
    from analysis.build import qdc

    downloads._export(_app(tmp_path), None)
    assert any((tmp_path / NETWORKS_DOWNLOAD_DIR).iterdir())
    assert (tmp_path / qdc.DOWNLOAD_PATH).stat().st_size > 0


def test_vega_bundle_up_to_date_is_not_written_again(tmp_path):
    bundle = tmp_path / "_static" / VEGA_BUNDLE
    bundle.parent.mkdir()
    bundle.write_text(vega_bundle.stamp() + "/* bundle */\n")  # the real one is checked in test_built_html
    assert vega_bundle.stale(tmp_path) is None
    bundle.write_text("/* vl-convert-python 0.0.0, altair 0.0.0 */\n")  # other versions: written again
    assert vega_bundle.stale(tmp_path) == bundle
    bundle.unlink()
    assert vega_bundle.stale(tmp_path) == bundle


def test_vega_bundle_stamp_names_both_versions():
    from importlib.metadata import version

    assert version("altair") in vega_bundle.stamp() and version("vl-convert-python") in vega_bundle.stamp()
