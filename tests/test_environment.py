"""The pip lock, pyproject.toml and environment.yml describe the same set of packages."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(r) for r in reqs}


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or _name(item) in {"python", "pip"}:
                continue
            version = re.split(r"==|=", item, maxsplit=1)
            pins[_name(item)] = version[1] if len(version) > 1 else ""
    return pins


def _lock() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pairs = (line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return {_name(name): version for name, version in pairs}


def test_environment_yml_lists_the_same_direct_dependencies_as_pyproject():
    assert set(_environment()) == _pyproject()


def test_environment_yml_pins_the_locked_versions():
    lock = _lock()
    assert {name: pin for name, pin in _environment().items()} == {
        name: lock[name] for name in _environment()
    }


def test_every_direct_dependency_is_locked():
    assert _pyproject() <= set(_lock())
