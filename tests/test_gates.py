"""make test's two halves: the browser checks (`--print-pdf`) collect only the files of the browser's and the PDFs'
tests, the rest of the suite leaves those tests out, and a test that would fall between the two stops the run."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import ROOT

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from tests.conftest import pytest_addoption, pytest_collection_modifyitems, pytest_ignore_collect

@pytest.fixture
def printed_html(tmp_path):
    return tmp_path

@pytest.fixture
def pdfs(printed_html):  # reads the PDFs without naming the fixture in the test file
    return printed_html
"""


@pytest.fixture
def suite(pytester):
    """A suite with a browser test, a PDF test and a data test, under this project's conftest hooks and marks."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    pytester.makeini("[pytest]\nmarkers =\n" + "".join(f"    {mark}\n" for mark in options["markers"]))
    pytester.syspathinsert(ROOT)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_page="import pytest\n\n@pytest.mark.browser\ndef test_page():\n    pass\n",
        test_pdf="def test_pdf(printed_html):\n    pass\n",
        test_data="def test_data():\n    pass\n")
    return pytester


def test_the_browser_checks_collect_only_the_browser_and_pdf_files(suite):
    collected = suite.runpytest_inprocess("--collect-only", "-q", "--print-pdf")  # no -m: what is collected
    assert collected.ret == 0
    assert {line.split("::")[0] for line in collected.outlines if "::" in line} == {"test_page.py", "test_pdf.py"}
    rest = suite.runpytest_inprocess("--collect-only", "-q", "-m", "not browser and not pdf")
    assert [line for line in rest.outlines if "::" in line] == ["test_data.py::test_data"]


def test_a_pdf_test_the_browser_checks_would_not_collect_stops_the_run(suite):
    suite.makepyfile(test_hidden="def test_hidden(pdfs):\n    pass\n")
    result = suite.runpytest_inprocess("--collect-only", "-q", "-m", "not browser and not pdf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_hidden.py::test_hidden: a browser or PDF test" in result.stderr.str()
