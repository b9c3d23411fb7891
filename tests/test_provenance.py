"""Edition and provenance in every page's footer; the supported Python versions, stated once."""

from __future__ import annotations

import datetime as dt
import re
import runpy
import sys

import pytest

from analysis.contract import dates, env
from analysis.contract.data import descriptor
from analysis.present import citation, provenance
from tests.conftest import HTML, ROOT, book_pages

FOOTER = re.compile(r'<p class="provenance">(.*?)</p>', re.S)
FRENCH_DATE = rf"(1er|[12]?\d|3[01]) ({'|'.join(dates.MONTHS_FR)}) \d{{4}}"


@pytest.mark.parametrize("page", book_pages())
def test_every_page_footer_states_edition_commit_data_version_and_build_date(built_html, page):
    text = (HTML / page).read_text(encoding="utf-8")
    footers = FOOTER.findall(text)
    assert len(footers) == 1, page
    footer = footers[0]
    assert f"Édition {citation.metadata()['version']}" in footer
    assert f"données version {descriptor()['version']}" in footer
    assert re.search(r'commit <code class="build-commit">([0-9a-f]{7,40}|inconnue)</code>', footer)
    assert re.search(rf'<span class="build-date">{FRENCH_DATE}</span>', footer)
    assert "Mis à jour" not in text and "Last updated" not in text  # one build date, in its span


def test_french_dates():
    assert provenance.french_date(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert provenance.french_date(dt.date(2027, 8, 15)) == "15 août 2027"


def test_source_date_epoch_fixes_the_build_date(monkeypatch):
    monkeypatch.setenv(env.SOURCE_DATE_EPOCH, "1796083200")  # 2026-12-01 00:00 UTC
    assert provenance.build_date() == dt.date(2026, 12, 1)


def test_commit_outside_git_is_unknown(tmp_path):
    assert provenance.commit(tmp_path) == "inconnue"


def test_the_version_check_and_the_book_agree_on_the_supported_pythons(monkeypatch, capsys):
    check = runpy.run_path(str(ROOT / "tools" / "check_python.py"))
    low, high = check["supported"]()
    assert provenance.supported_pythons() == [f"3.{m}" for m in range(low, high + 1)]
    assert sys.version_info[:2] >= (3, low)
    assert check["main"]() == 0
    monkeypatch.setattr(sys, "version_info", (3, low - 1, 0))
    assert check["main"]() == 1
    err = capsys.readouterr().err
    assert f"needs Python 3.{low} to 3.{high}" in err and "make install PYTHON=python3." in err
