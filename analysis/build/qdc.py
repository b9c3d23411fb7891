"""Export the codebook as a REFI-QDA Codebook (`.qdc`) that NVivo, ATLAS.ti, MAXQDA, QualCoder… import.

The format (namespace urn:QDA-XML:codebook:1.0) nests `Code` elements to express the tree and has a single
free-text `Description` per code, so the MacQueen columns (definition, include, exclude, example) and the
code's origin are folded into that text. GUIDs are uuid5 of the code id: re-exports are byte-identical and
a code keeps its GUID across editions. The output is validated against the official Codebook.xsd vendored
in analysis/interviews/schemas/ (see its header for origin and licence).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.contract import data, xsd
from analysis.contract.data import DATA_DIR
from analysis.contract.paths import DOWNLOADS
from analysis.interviews.qdpx import SCHEMAS
from analysis.present.palette import PALETTE

NAMESPACE = "urn:QDA-XML:codebook:1.0"
XSD = SCHEMAS / "Codebook.xsd"
DOWNLOAD_PATH = f"{DOWNLOADS}/grille-alliances.qdc"  # written by _ext/downloads.py
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/alliances-solidarite/edition-reproductible#codebook")
ORIGIN = f"Alliances pour la solidarité — édition reproductible {__version__} (analysis.build.qdc)"
# One colour per dimension: the colour-blind palette, plus a neutral grey for the ninth dimension.
DIMENSION_COLOURS = dict(zip(
    ["axe", "approche", "dynamique", "processus", "enjeu", "condition", "avancee", "obstacle", "theme"],
    PALETTE + ["#999999"], strict=True,
))


def guid(code_id: str) -> str:
    """A stable GUID for a code id."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


def description(row: pd.Series) -> str:
    """The MacQueen columns folded into the one free-text field the format offers."""
    origin = (f"Résumé de l'étude — {row['seed_locator']}" if row["origin"] == "etude"
              else "Ajout de l'édition pour le codage documentaire")
    parts = [
        row["definition_fr"],
        f"Inclure : {row['include_fr']}",
        f"Exclure : {row['exclude_fr']}",
        f"Exemple (générique) : {row['example_fr']}",
        f"Identifiant : {row['code_id']} · Origine : {origin}",
    ]
    if not pd.isna(row.get("note")) and row.get("note"):
        parts.append(f"Note : {row['note']}")
    return "\n".join(parts)


def build(codebook: pd.DataFrame) -> ET.Element:
    """The `CodeBook` element: codes nested under their parent, children in file order."""
    ET.register_namespace("", NAMESPACE)
    q = f"{{{NAMESPACE}}}"
    root = ET.Element(f"{q}CodeBook", {"origin": ORIGIN})
    codes = ET.SubElement(root, f"{q}Codes")
    rows = {row["code_id"]: row for _, row in codebook.iterrows()}
    children: dict[str | None, list[str]] = {}
    for code_id, row in rows.items():
        parent = None if pd.isna(row["parent_id"]) else row["parent_id"]
        children.setdefault(parent, []).append(code_id)

    def add(parent_el: ET.Element, code_id: str) -> None:
        row = rows[code_id]
        el = ET.SubElement(parent_el, f"{q}Code", {
            "guid": guid(code_id),
            "name": row["label_fr"],
            "isCodable": "true" if bool(row["is_codable"]) else "false",
            "color": DIMENSION_COLOURS[row["dimension"]],
        })
        ET.SubElement(el, f"{q}Description").text = description(row)
        for child in children.get(code_id, []):
            add(el, child)

    for root_id in children.get(None, []):
        add(codes, root_id)
    return root


def to_bytes(codebook: pd.DataFrame) -> bytes:
    tree = ET.ElementTree(build(codebook))
    ET.indent(tree, space="  ")
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"


def write(path: Path, data_dir: Path = DATA_DIR) -> Path:
    """Write the package's codebook as a .qdc file at `path` and check it against the XSD."""
    path = Path(path)
    payload = to_bytes(data.load("codebook", Path(data_dir)))
    problems = validate(payload)
    if problems:
        raise ValueError("the generated .qdc does not validate: " + "; ".join(problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def validate(document: bytes | str | Path) -> list[str]:
    """Problems found by validating a .qdc (bytes, text or path) against the official Codebook.xsd."""
    source = document.encode("utf-8") if isinstance(document, str) else document
    return [f"{where}: {message}" for where, message in xsd.errors(XSD, source)]
