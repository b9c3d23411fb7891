"""The data package as one deterministic zip, its sha256 printed on the reproduction page."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from frictionless.console import console
from typer.testing import CliRunner

from analysis.contract import archive
from analysis.contract.data import DATA_DIR, descriptor
from tests.conftest import HTML


def test_zip_holds_descriptor_at_its_root_beside_tables_dictionary_and_licence():
    names = zipfile.ZipFile(io.BytesIO(archive.build())).namelist()
    tables = {r["path"] for r in descriptor()["resources"]}
    assert set(names) == {"datapackage.json", "dictionnaire.csv", "LICENCE.md"} | tables
    assert names == sorted(names)


def test_frictionless_command_line_reads_the_zip_itself_and_finds_every_table_valid(tmp_path):
    """The standard tool's own command line (its console entry point, in-process) on the zip readers download,
    whose tables are the data files byte for byte (below): every table read, and valid."""
    zipped = archive.write(tmp_path)
    result = CliRunner().invoke(console, ["validate", "--json", str(zipped)])
    report = json.loads(result.output)
    names = [r["name"] for r in descriptor()["resources"]]
    assert [task["name"] for task in report["tasks"]] == names
    assert result.exit_code == 0 and report["valid"], result.output[-3000:]
    assert all(task["stats"]["rows"] > 0 for task in report["tasks"])  # each table really read


def test_descriptor_describes_only_what_ships():
    assert "à terme" not in descriptor()["description"]


def test_zip_members_are_the_files_byte_for_byte():
    with zipfile.ZipFile(io.BytesIO(archive.build())) as zf:
        for res in descriptor()["resources"]:
            assert zf.read(res["path"]) == (DATA_DIR / res["path"]).read_bytes()
        dictionary = zf.read("dictionnaire.csv").decode("utf-8").splitlines()
        n_fields = sum(len(r["schema"]["fields"]) for r in descriptor()["resources"])
        assert len(dictionary) == n_fields + 1 and "`" not in "".join(dictionary)


def test_zip_bytes_do_not_depend_on_time_or_machine():
    first = archive.build()
    assert archive.build() == first
    for info in zipfile.ZipFile(io.BytesIO(first)).infolist():
        assert info.date_time == archive.EPOCH and info.external_attr == 0o644 << 16


def test_built_zip_is_the_one_whose_hash_the_reproduction_page_shows(built_html):
    built = (HTML / archive.download_path()).read_bytes()
    digest = hashlib.sha256(built).hexdigest()
    assert built == archive.build()
    page = (HTML / "book/annexes/reproduire.html").read_text(encoding="utf-8")
    assert f"<pre class='sha256'>{digest}</pre>" in page or f'<pre class="sha256">{digest}</pre>' in page
    assert archive.download_path() in page


def test_the_command_writes_the_zip_and_prints_its_hash(tmp_path, capsys):
    from analysis.build.cli import main

    assert main(["data-zip", str(tmp_path)]) == 0
    written = (tmp_path / archive.download_path()).read_bytes()
    assert f"sha256 {hashlib.sha256(written).hexdigest()}" in capsys.readouterr().out
