"""Privacy scan (analysis/interviews/privacy.py): crafted pages, notebooks and PDFs holding an e-mail address, a
phone number or a deny-listed name are caught. The built book itself is scanned once, by `make privacy-scan`
at the end of `make test`."""

from __future__ import annotations

import importlib.util
import json

import pytest

from analysis.build.cli import main
from analysis.interviews import privacy

NAME = "Hélène Côté"


def _crafted(tmp_path):
    root = tmp_path / "html"
    (root / "book").mkdir(parents=True)
    (root / "_static").mkdir()
    (root / "book" / "page.html").write_text(
        "<p>Écrire à marie.gagnon@example.org ou au (418)&nbsp;555-0123.</p>\n"
        '<script type="application/json" class="altair-spec">{"values": [{"who": "HELENE COTE"}]}</script>\n'
        "<p>Le plan 2010-2015 et les forums de 1997-1998 ; 4 200 000 $.</p>\n", encoding="utf-8")
    notebook = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": 1,
                           "outputs": [{"output_type": "stream", "name": "stdout", "text": "819-555-0199\n"}]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "book" / "page.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (root / "_static" / "library.js").write_text("/* maintainer: someone@example.com */", encoding="utf-8")
    return root


def test_crafted_page_and_notebook_are_caught(tmp_path):
    root = _crafted(tmp_path)
    findings, _ = privacy.scan(root, [NAME])
    found = {(f.path, f.line, f.kind, f.text) for f in findings}
    assert found == {
        ("book/page.html", 1, "email", "marie.gagnon@example.org"),
        ("book/page.html", 1, "phone", "(418)\xa0555-0123"),
        ("book/page.html", 2, "deny-list", "name on line 1 of the deny-list"),
        ("book/page.ipynb", 1, "phone", "819-555-0199"),
    }


def test_cli_fails_without_repeating_the_name(tmp_path, capsys):
    root = _crafted(tmp_path)
    deny = tmp_path / "deny-list.txt"
    deny.write_text(f"# interviewees\n{NAME}\n", encoding="utf-8")
    assert main(["privacy-scan", str(root), "--deny-list", str(deny)]) == 2
    out = capsys.readouterr().out
    assert "deny-list" in out and "Côté" not in out and "COTE" not in out


def test_allowances_need_a_reason_and_go_stale_loudly(tmp_path):
    root = _crafted(tmp_path)
    allowed = {("email", "marie.gagnon@example.org"): "adresse générique publiée par l'organisme",
               ("email", "ancien@example.org"): "plus utilisée"}
    problems, notes = privacy.check(root, [], allowed)
    assert not any("marie.gagnon" in p for p in problems)
    assert any("ancien@example.org" in p and "no longer found" in p for p in problems)
    assert any("marie.gagnon" in n and "générique" in n for n in notes)
    table = tmp_path / "allow.csv"
    table.write_text("kind,text,reason\nemail,x@example.org,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        privacy.allowlist(table)
    assert privacy.allowlist() == {} or all(privacy.allowlist().values())


MINIMAL_PDF_TEXT = "Contact : jean.roy@example.org"


def _pdf(text: str, *placed: tuple[int, int, str]) -> bytes:
    """A one-page PDF whose text layer holds `text`, then each (x, y, text) of `placed` (hand-written objects, no
    PDF library needed)."""
    stream = " ".join(f"BT /F1 12 Tf {x} {y} Td ({t}) Tj ET"
                      for x, y, t in [(72, 720, text), *placed]).encode("cp1252")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdfs_are_scanned_or_reported_as_skipped(tmp_path):
    (tmp_path / "livre.pdf").write_bytes(_pdf(MINIMAL_PDF_TEXT))
    findings, notes = privacy.scan(tmp_path)
    if importlib.util.find_spec("pypdfium2") is None:
        assert findings == [] and notes == ["livre.pdf: PDF skipped (pypdfium2 is not installed)"]
    else:
        assert [(f.kind, f.text) for f in findings] == [("email", "jean.roy@example.org")]


def test_a_page_the_book_pdf_shares_with_a_chapter_pdf_is_reported_in_both(tmp_path):
    for name in ("chapitre.pdf", "livre.pdf"):
        (tmp_path / name).write_bytes(_pdf(MINIMAL_PDF_TEXT))
    findings, _ = privacy.scan(tmp_path)
    assert sorted((f.path, f.kind) for f in findings) == [("chapitre.pdf", "email"), ("livre.pdf", "email")]


def test_a_pdf_table_row_is_read_cell_by_cell_and_a_hyphen_ending_a_line_stays(tmp_path):
    """pdfium reads « Bas-Saint- » at a line's end and « Laurent » below it as one word, marking the hyphen; the
    name in the row's next cell must still be read apart from it."""
    (tmp_path / "tableau.pdf").write_bytes(_pdf("Bas-Saint-", (72, 706, "Laurent"), (200, 720, NAME),
                                               (320, 720, "418 555-0188")))
    lines = privacy._texts(tmp_path / "tableau.pdf")
    assert "Bas-Saint-Laurent" in lines
    findings, _ = privacy.scan(tmp_path, [NAME])
    assert sorted((f.kind, f.text) for f in findings) == [("deny-list", "name on line 1 of the deny-list"),
                                                          ("phone", "418 555-0188")]


def test_a_french_amount_beside_a_year_is_not_a_phone_number():
    """A printed table puts « 525 560 » (thousands grouped by a narrow no-break space) next to « 2013 »."""
    assert privacy.PHONE.search("montant\n525\u202f560 2013 2015") is None
    assert privacy.PHONE.search("1\u202f040\u202f297 2020") is None
    assert privacy.PHONE.search("au 418 555-0123 ou au (418)\u00a0555-0123") is not None
