"""The publishing workflow, .gitattributes and the README's release steps."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+$")


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflow_is_valid_yaml_that_runs_make_test():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    runs = [step["run"] for step in _steps(workflow) if "run" in step]
    assert any(re.search(r"^\s*make test\s*$", run, re.M) for run in runs)


def test_workflow_deploys_the_built_html_to_pages_with_pinned_actions():
    workflow = _workflow()
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]
    assert all(PINNED.match(u) for u in uses), uses
    upload = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_csv_files_keep_lf_line_endings_on_every_checkout():
    rules = (ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "*.csv  text eol=lf" in rules or "*.csv text eol=lf" in rules


def test_readme_explains_how_to_publish_an_edition():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publier une nouvelle édition", 1)[1].split("\n## ", 1)[0]
    for step in ("CHANGELOG.md", "CITATION.cff", "date-released", "datapackage.json", "git tag"):
        assert step in section, step
