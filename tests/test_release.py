"""Citable editions: one edition number everywhere, citation metadata that other tools accept
(cffconvert, BibTeX), every direct import declared with bounds that hold the locked version."""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

import analysis
from analysis.build import release
from analysis.present import citation
from tests.conftest import HTML, ROOT

BIBTEX_STYLES = ("plain", "apalike")


def test_edition_is_pyprojects_version_read_from_the_installed_metadata():
    assert analysis.__version__ == version(analysis.DISTRIBUTION) == release.pyproject_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", analysis.__version__)


def test_every_place_the_edition_appears_agrees_with_it():
    assert release.problems() == []
    meta = release.citation()
    newest_version, newest_date = release.sections()[0]
    assert str(meta["version"]) == newest_version == analysis.__version__
    assert str(meta["date-released"]) == newest_date
    zenodo = json.loads(release.ZENODO.read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == (newest_version, newest_date)


def test_the_changelog_has_no_unreleased_section_left_behind_a_release():
    # the versions page shows the changelog: an empty « Non publié » heading would be read as news
    text = release.CHANGELOG.read_text(encoding="utf-8")
    if release.UNRELEASED in text:
        unreleased = text.index(release.UNRELEASED)
        first_release = re.search(r"^## \[\d", text, re.M).start()
        assert unreleased < first_release, "the « Non publié » section comes before every released version"
        assert "\n- " in text[unreleased:first_release], "an empty « Non publié » section"


def test_a_release_turns_the_unreleased_section_into_a_dated_one_with_its_link():
    text = ("# Historique\n\n## [Non publié]\n\n### Ajouts\n\n- x\n\n## [0.1.0] - 2026-11-25\n\n- y\n\n"
            "[0.1.0]: https://example.org/r/releases/tag/v0.1.0\n")
    out = release.release_changelog(text, "0.2.0", "2026-12-06", "https://example.org/r")
    assert "## [0.2.0] - 2026-12-06\n\n### Ajouts" in out and release.UNRELEASED not in out
    assert out.endswith("[0.2.0]: https://example.org/r/releases/tag/v0.2.0\n"
                        "[0.1.0]: https://example.org/r/releases/tag/v0.1.0\n")
    with pytest.raises(release.ReleaseError, match="Non publié"):
        release.release_changelog(out, "0.3.0", "2026-12-07", "https://example.org/r")


def test_bump_writes_pyproject_and_refuses_a_number_that_does_not_follow(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\nversion = "0.2.0"\n', encoding="utf-8")
    for wrong in ("0.2.0", "0.1.9", "1.0"):
        with pytest.raises(release.ReleaseError):
            release.bump(wrong, pyproject)
    release.bump("0.2.1", pyproject)
    assert release.pyproject_version(pyproject) == "0.2.1"


def test_the_command_reports_a_disagreeing_place(monkeypatch, tmp_path, capsys):
    stale = tmp_path / "CITATION.cff"
    stale.write_text(release.CITATION.read_text(encoding="utf-8").replace(
        f"version: {analysis.__version__}", "version: 0.0.9"), encoding="utf-8")
    monkeypatch.setattr(release, "CITATION", stale)
    assert release.main(["check"]) == 2
    assert "CITATION.cff: version 0.0.9" in capsys.readouterr().err


# --- cffconvert (its own environment: tools/ensure-cffconvert.sh) ----------------------------------

@pytest.fixture(scope="module")
def cffconvert() -> str:
    done = subprocess.run([str(ROOT / "tools/ensure-cffconvert.sh")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.spawns
def test_cffconvert_validates_the_citation_file(cffconvert):
    done = subprocess.run([cffconvert, "--validate", "-i", str(release.CITATION)], capture_output=True, text=True)
    assert done.returncode == 0 and "valid" in done.stdout, done.stdout + done.stderr


@pytest.mark.spawns
def test_cffconverts_zenodo_export_lists_both_licences(cffconvert):
    done = subprocess.run([cffconvert, "-f", "zenodo", "-i", str(release.CITATION)],
                          capture_output=True, text=True, check=True)
    exported = json.loads(done.stdout)
    assert exported["license"] == {"id": ["MIT", "CC-BY-4.0"]}
    assert exported["version"] == analysis.__version__


# --- BibTeX (TeX's own, from Debian: tools/ensure-debian.sh) --------------------------------------

@pytest.fixture(scope="module")
def bibtex() -> None:
    done = subprocess.run([str(ROOT / "tools/ensure-debian.sh"), "TeX's BibTeX with the plain and apalike styles",
                           "command -v bibtex && kpsewhich plain.bst apalike.bst", "texlive-binaries",
                           "texlive-base"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def run_bibtex(entries: str, style: str, folder: Path) -> str:
    """BibTeX's log for every entry of `entries` cited under `style`."""
    (folder / "refs.bib").write_text(entries, encoding="utf-8")
    (folder / "main.aux").write_text(f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n")
    done = subprocess.run(["bibtex", "main"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _bbl_items(folder: Path) -> int:
    return (folder / "main.bbl").read_text(encoding="utf-8").count("\\bibitem")


def built_snippets() -> list[str]:
    """The BibTeX snippet of every cite box of the built book."""
    found = []
    for page in sorted(HTML.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found += [html.unescape(s) for s in re.findall(r"<summary>BibTeX</summary><pre>(.*?)</pre>", text, re.S)]
    return found


def test_a_snippet_has_plain_spaces_a_publisher_and_no_edition_field():
    snippet = citation.bibtex(citation.reference("Gouvernance\u00a0: qui a piloté\u202f?", "book/x"))
    assert "\u00a0" not in snippet and "\u202f" not in snippet
    assert "Gouvernance : qui a piloté ?" in snippet
    assert re.search(r"^\s+publisher\s+= \{.+\},$", snippet, re.M)
    assert not re.search(r"^\s+edition\s+=", snippet, re.M)
    assert f"note      = {{Édition {analysis.__version__}}}" in snippet


@pytest.mark.parametrize("style", BIBTEX_STYLES)
def test_bibtex_prints_no_warning_for_the_books_references(bibtex, style, tmp_path):
    entries = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    log = run_bibtex(entries, style, tmp_path)
    assert "Warning" not in log and "error" not in log.lower(), log
    assert _bbl_items(tmp_path) == entries.count("\n@") + entries.startswith("@")


@pytest.mark.parametrize("style", BIBTEX_STYLES)
def test_bibtex_prints_no_warning_for_any_cite_box_of_the_built_book(built_html, bibtex, style, tmp_path):
    snippets = built_snippets()
    assert len(snippets) >= 20  # every chapter and annex has a cite box
    keys = [re.match(r"@\w+\{([^,]+),", s).group(1) for s in snippets]
    assert len(set(keys)) == len(keys), "two cite boxes share a BibTeX key"
    assert all(f"{{Édition {analysis.__version__}}}" in s for s in snippets)
    log = run_bibtex("\n\n".join(snippets), style, tmp_path)
    assert "Warning" not in log and "error" not in log.lower(), log
    assert _bbl_items(tmp_path) == len(snippets)
    assert "edition" not in (tmp_path / "main.bbl").read_text(encoding="utf-8")


# --- Dependencies: declared, bounded around the lock, guarded where private API is used -----------

def _third_party_imports(*folders: Path) -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                found |= {name.split(".")[0] for name in names} - stdlib
    local = {"analysis", "_ext"} | {p.stem for p in (ROOT / "_ext").glob("*.py")}
    return found - local


def _requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}


def _locked() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return {Requirement(line).name.lower().replace("_", "-"): line.split("==")[1]
            for line in lines if "==" in line and not line.startswith("#")}


def test_pyproject_declares_every_package_the_code_imports():
    distributions = packages_distributions()
    declared = _requirements()
    missing = {}
    for module in _third_party_imports(ROOT / "analysis", ROOT / "_ext"):
        names = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [module])}
        if not names & set(declared):
            missing[module] = sorted(names)
    assert missing == {}


def test_every_declared_bound_holds_the_locked_version():
    locked = _locked()
    for name, requirement in _requirements().items():
        assert requirement.specifier.contains(locked[name], prereleases=True), (name, locked[name])


def test_the_myst_nb_guard_reads_pyprojects_range_and_refuses_an_untested_release():
    sys.path.insert(0, str(ROOT / "_ext"))
    import stable_assets  # here: it loads Sphinx and myst-nb, which no other test of this file needs

    assert str(stable_assets.tested_range().specifier) == str(_requirements()["myst-nb"].specifier)
    stable_assets.check_version(installed=version("myst-nb"))
    with pytest.raises(Exception, match=r"myst-nb 9\.0\.0 is installed"):
        stable_assets.check_version(installed="9.0.0")


def test_the_newest_dependencies_workflow_runs_on_a_schedule_and_never_gates_a_merge():
    workflow = yaml.safe_load((ROOT / ".github/workflows/newest-dependencies.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"schedule", "workflow_dispatch"} and triggers["schedule"][0]["cron"]
    steps = "\n".join(step.get("run", "") for step in workflow["jobs"]["newest"]["steps"])
    assert "pip install --quiet --upgrade -r newest-requirements.txt" in steps and "make test" in steps


def test_every_pdf_names_the_edition_in_its_metadata(printed_html):
    import pikepdf

    from analysis.build import pdf

    folder = printed_html / Path(pdf.book_path()).parent
    printed = sorted(folder.rglob("*.pdf"))
    assert len(printed) > 20
    for path in printed:
        with pikepdf.open(path) as reader:
            assert str(reader.docinfo[pdf.EDITION_KEY]) == analysis.__version__, path.name


def test_every_page_footer_and_cite_box_names_the_edition(built_html):
    pages = [p for p in built_html.rglob("*.html") if "_static" not in p.parts]
    footers = [p for p in pages if 'class="provenance"' in p.read_text(encoding="utf-8")]
    assert len(footers) > 20
    for page in footers:
        text = page.read_text(encoding="utf-8")
        assert f"Édition {analysis.__version__}" in text, page.name
        boxes = re.findall(r"<div class='cite-box'.*?</div>", text, re.S)
        assert all(f"version {analysis.__version__}" in html.unescape(b) for b in boxes), page.name
