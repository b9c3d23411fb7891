"""Regional chapters: one template for all regions, `new-region` for a new one, and what the template shows."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.build import template
from analysis.build.cli import main
from analysis.contract import data, env
from tests.conftest import ROOT

REGION_IDS = list(data.load("regions")["region_id"])
CHAPTERS = ROOT / "book" / "regions"


@pytest.mark.parametrize("region_id", REGION_IDS)
def test_every_chapter_is_exactly_the_template(region_id):
    path = ROOT / template.CHAPTER.format(region_id=region_id)
    assert path.is_file(), f"{path} missing: run `python -m analysis new-region {region_id}`"
    assert path.read_text(encoding="utf-8") == template.render(region_id), (
        f"{path} differs from the template: edit analysis/build/templates/region.md, then rerun new-region")


def test_every_region_is_in_the_toc_and_every_regional_chapter_is_a_region():
    assert sorted(template.toc_regions()) == sorted(REGION_IDS)
    assert sorted(p.stem for p in CHAPTERS.glob("*.md")) == sorted(REGION_IDS)


def test_no_regional_prose_in_the_template():
    text = template.TEMPLATE.read_text(encoding="utf-8")
    names = list(data.load("regions")["name"])
    assert not any(name in text for name in names)
    assert "six" not in text.lower().split()


def test_unknown_region_is_refused_with_the_file_and_known_ids(tmp_path):
    with pytest.raises(KeyError, match=r"regions.csv: no region 'gaspesie' \(known: .*mauricie"):
        template.render("gaspesie")


def _copy_repository(tmp: Path) -> Path:
    root = tmp / "repo"
    for folder in ("analysis", "data", "book"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    for name in ("_toc.yml", "CITATION.cff", "_config.yml"):
        shutil.copy(ROOT / name, root / name)
    return root


def _add_region(root: Path, region_id: str, name: str) -> None:
    path = root / "data" / "regions.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([region_id, "11", name, "etude-frq"])


@pytest.mark.spawns
def test_new_region_writes_the_chapter_and_its_toc_entry_then_the_chapter_runs(tmp_path, monkeypatch, capsys):
    """A region added to regions.csv gets its chapter by the command alone, and that chapter executes."""
    import jupytext
    from nbclient import NotebookClient

    root = _copy_repository(tmp_path)
    _add_region(root, "gaspesie", "Gaspésie–Îles-de-la-Madeleine")
    environ = {**os.environ, "PYTHONPATH": str(root)}
    environ.pop(env.INTERVIEWS_DIR, None)
    chapter = root / "book" / "regions" / "gaspesie.md"

    # The command as documented, run from the copy's own package.
    done = subprocess.run([sys.executable, "-m", "analysis", "new-region", "gaspesie"], cwd=root, env=environ,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # A second run must not overwrite the region's own prose; --force does, and the toc entry stays single
    # (the command's entry point, in-process, on the copy).
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nProse propre à la région.\n", encoding="utf-8")
    assert main(["new-region", "gaspesie", "--root", str(root)]) == 2
    assert "--force" in capsys.readouterr().err
    assert "Prose propre à la région." in chapter.read_text(encoding="utf-8")
    assert main(["new-region", "gaspesie", "--force", "--root", str(root)]) == 0, capsys.readouterr().err
    assert "Prose propre à la région." not in chapter.read_text(encoding="utf-8")
    assert "# Gaspésie–Îles-de-la-Madeleine" in chapter.read_text(encoding="utf-8")
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    assert toc.count("- file: book/regions/gaspesie\n") == 1
    assert template.toc_regions(root)[-1] == "gaspesie"

    monkeypatch.setenv("PYTHONPATH", str(root))
    monkeypatch.delenv(env.INTERVIEWS_DIR, raising=False)
    monkeypatch.setenv(env.BOOK_BUILD, "1")  # run as the build runs it: charts as markup, not PNG images
    notebook = jupytext.read(chapter)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(chapter.parent)}}).execute()
    html = "".join(str(out.get("data", {}).get("text/html", "")) for cell in notebook.cells
                   for out in cell.get("outputs", []))
    assert "gaspesie-bref-enveloppe" in html and "non documenté" in html
    assert "Récit régional non documenté" in html


def test_new_region_refuses_an_unknown_id(tmp_path, capsys):
    root = _copy_repository(tmp_path)
    assert main(["new-region", "nulle-part", "--root", str(root)]) == 2
    assert "regions.csv: no region 'nulle-part'" in capsys.readouterr().err
    assert not (root / "book" / "regions" / "nulle-part.md").exists()


def _displayed(monkeypatch) -> list:
    from analysis.present import chapter

    shown: list = []
    monkeypatch.setattr(chapter, "display", shown.append)
    return shown


def test_public_chapter_keeps_only_a_note_on_the_interviews(monkeypatch):
    from analysis.present import chapter
    from analysis.study import region

    monkeypatch.delenv(env.INTERVIEWS_DIR, raising=False)
    shown = _displayed(monkeypatch)
    chapter.interviews(region.profile("mauricie"))
    markup = "".join(getattr(item, "data", "") for item in shown)
    assert len(shown) == 1 and "interview-note" in markup and "entrevues.html" in markup
    count = int(data.load("study_facts").set_index("fact_id").loc[chapter.INTERVIEW_FACT, "value"])
    assert f"{count} entrevues" in markup
    assert "published-aggregate" not in markup and "synthetic-banner" not in markup


def test_restricted_chapter_shows_the_region_aggregates(tmp_path, monkeypatch):
    from analysis.present import chapter
    from analysis.study import region
    from tests.test_synthetic import restricted_copy

    monkeypatch.setenv(env.INTERVIEWS_DIR, str(restricted_copy(tmp_path)))
    shown = _displayed(monkeypatch)
    chapter.interviews(region.profile("mauricie"))
    markup = "".join(item.data for item in shown if isinstance(getattr(item, "data", None), str))
    assert "restricted-banner" in markup and "data-synthetic='false'" in markup
    assert any(not isinstance(getattr(item, "data", ""), str) for item in shown)  # the chart
