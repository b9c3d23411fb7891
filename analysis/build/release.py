"""One edition number, everywhere it appears.

`pyproject.toml`'s `version` is the one definition. Installed, it becomes the package metadata that
`analysis.__version__` reads (footer, cite boxes, PDFs, versions page). `make release VERSION=X.Y.Z`
runs the three steps below; between the first and the second, `make install` refreshes the metadata:

- `bump X.Y.Z` writes the new number into pyproject.toml (it must follow the last release);
- `sync --date AAAA-MM-JJ` writes the installed number and the date into CITATION.cff, the data
  package's descriptor and CHANGELOG.md (whose « Non publié » section becomes the release's), and
  regenerates .zenodo.json from CITATION.cff;
- `check` lists every place that disagrees with the installed number (tests/test_release.py runs it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

import analysis
from analysis.contract.data import DESCRIPTOR, ROOT

PYPROJECT = ROOT / "pyproject.toml"
CITATION = ROOT / "CITATION.cff"
ZENODO = ROOT / ".zenodo.json"
CHANGELOG = ROOT / "CHANGELOG.md"
DATAPACKAGE = ROOT / "data" / DESCRIPTOR
UNRELEASED = "## [Non publié]"
SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
SECTION = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})\s*$", re.M)
# Zenodo deposits the book (text and data, CC BY 4.0); its code's MIT licence is said in the notes,
# since a Zenodo record holds one licence (CITATION.cff lists both).
ZENODO_LICENCE = "cc-by-4.0"
ZENODO_NOTES = ("Le code (analysis/, _ext/, tests/, bench/, tools/, Makefile) est publié sous licence MIT ; "
                "les textes du livre (book/) et les données (data/) sous licence CC BY 4.0.")


class ReleaseError(ValueError):
    pass


def edition() -> str:
    """The edition number of the installed package (pyproject.toml's, once installed)."""
    return analysis.__version__


def _key(version: str) -> tuple[int, ...]:
    match = SEMVER.fullmatch(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a version number X.Y.Z")
    return tuple(int(part) for part in match.groups())


def pyproject_version(path: Path = PYPROJECT) -> str:
    return tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]


def sections(path: Path = CHANGELOG) -> list[tuple[str, str]]:
    """The released sections of the changelog, newest first: (version, date)."""
    return SECTION.findall(path.read_text(encoding="utf-8"))


def bump(version: str, path: Path = PYPROJECT, changelog: Path = CHANGELOG) -> None:
    """Write `version` into pyproject.toml; it must come after the changelog's last release."""
    released = sections(changelog)
    if released and _key(version) <= _key(released[0][0]):
        raise ReleaseError(f"{version} does not follow {released[0][0]}, the last release in {changelog.name}")
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r'^version = "[^"]*"$', f'version = "{version}"', text, count=1, flags=re.M)
    if count != 1:
        raise ReleaseError(f"{path.name}: no `version = \"...\"` line in [project]")
    path.write_text(new, encoding="utf-8")


def _set_line(path: Path, pattern: str, line: str) -> None:
    """Replace the one line matching `pattern`, keeping the rest of the file byte for byte."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, line, text, count=1, flags=re.M)
    if count != 1:
        raise ReleaseError(f"{path.name}: no line matches {pattern}")
    path.write_text(new, encoding="utf-8")


def release_changelog(text: str, version: str, date: str, repository: str) -> str:
    """The « Non publié » section becomes `## [version] - date`, with its link under the others."""
    if UNRELEASED not in text:
        raise ReleaseError(f"{CHANGELOG.name}: no « {UNRELEASED[3:]} » section to release")
    text = text.replace(UNRELEASED, f"## [{version}] - {date}", 1)
    link = f"[{version}]: {repository.rstrip('/')}/releases/tag/v{version}\n"
    first_link = re.search(r"^\[\d+\.\d+\.\d+\]: ", text, flags=re.M)
    if first_link:
        return text[:first_link.start()] + link + text[first_link.start():]
    return text.rstrip("\n") + "\n\n" + link


def citation() -> dict:
    return yaml.safe_load(CITATION.read_text(encoding="utf-8"))


def zenodo(meta: dict) -> dict:
    """.zenodo.json, derived from CITATION.cff: what Zenodo reads when a forge release mints a DOI."""
    study = meta["references"][0]
    return {
        "title": meta["title"],
        "version": str(meta["version"]),
        "publication_date": str(meta["date-released"]),
        "upload_type": "publication",
        "publication_type": "book",
        "language": "fra",
        "creators": [{"name": author["name"]} for author in meta["authors"]],
        "description": meta["abstract"],
        "keywords": meta["keywords"],
        "license": ZENODO_LICENCE,
        "notes": ZENODO_NOTES,
        "related_identifiers": [
            {"identifier": meta["repository-code"], "relation": "isSupplementedBy", "scheme": "url"},
            {"identifier": meta["url"], "relation": "isAlternateIdentifier", "scheme": "url"},
            {"identifier": study["url"], "relation": "isDerivedFrom", "scheme": "url"},
        ],
    }


def zenodo_text(meta: dict) -> str:
    return json.dumps(zenodo(meta), ensure_ascii=False, indent=2) + "\n"


def sync(date: str) -> None:
    """Write the installed edition number and `date` everywhere the edition appears."""
    dt.date.fromisoformat(date)
    version = edition()
    if pyproject_version() != version:
        raise ReleaseError(f"pyproject.toml says {pyproject_version()}, the installed package {version}: "
                           "run `make install` first")
    _set_line(CITATION, r"^version: .*$", f"version: {version}")
    _set_line(CITATION, r"^date-released: .*$", f'date-released: "{date}"')
    _set_line(DATAPACKAGE, r'^  "version": "[^"]*",$', f'  "version": "{version}",')
    CHANGELOG.write_text(release_changelog(CHANGELOG.read_text(encoding="utf-8"), version, date,
                                           citation()["repository-code"]), encoding="utf-8")
    ZENODO.write_text(zenodo_text(citation()), encoding="utf-8")


def problems() -> list[str]:
    """Every place whose edition number or date disagrees with the installed package."""
    version = edition()
    meta = citation()
    found = []
    if pyproject_version() != version:
        found.append(f"pyproject.toml: version {pyproject_version()}, installed {version} (run `make install`)")
    if str(meta["version"]) != version:
        found.append(f"CITATION.cff: version {meta['version']}, not {version}")
    released = sections()
    if not released or released[0][0] != version:
        found.append(f"CHANGELOG.md: newest section {released[0][0] if released else 'none'}, not {version}")
    elif released[0][1] != str(meta["date-released"]):
        found.append(f"CHANGELOG.md: {version} dated {released[0][1]}, CITATION.cff {meta['date-released']}")
    package_version = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["version"]
    if package_version != version:
        found.append(f"data/{DESCRIPTOR}: version {package_version}, not {version}")
    if not ZENODO.is_file() or ZENODO.read_text(encoding="utf-8") != zenodo_text(meta):
        found.append(f"{ZENODO.name}: not as CITATION.cff gives it (python -m analysis.build.release sync)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.build.release", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("bump", help="write the new edition number into pyproject.toml").add_argument("version")
    p_sync = sub.add_parser("sync", help="write the installed edition number everywhere it appears")
    p_sync.add_argument("--date", default=dt.datetime.now(dt.UTC).date().isoformat(), help="release date")
    sub.add_parser("check", help="list the places that disagree with the installed edition number")
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            bump(args.version)
            return 0
        if args.command == "sync":
            sync(args.date)
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"edition {edition()}: pyproject.toml, CITATION.cff, CHANGELOG.md, {ZENODO.name} and "
              f"data/{DESCRIPTOR} agree")
    return 2 if found else 0


if __name__ == "__main__":
    sys.exit(main())
