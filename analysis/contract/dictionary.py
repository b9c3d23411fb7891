"""The data dictionary of the book, rendered from datapackage.json so the page and the contract cannot drift.

Text is French (it is shown to readers). The validator's own name patterns decide which extra rules a
field carries, so the page lists exactly what `python -m analysis validate` checks.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from analysis.contract import evidence, labels
from analysis.contract import validate as v
from analysis.contract.data import DATA_DIR, descriptor

TYPES_FR = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen (`true` / `false`)",
    "date": "date",
    "year": "année",
}
LIMITS_FR = {"minimum": "≥", "maximum": "≤", "minLength": "longueur ≥", "maxLength": "longueur ≤"}


def cell(text: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def prose(text: object) -> str:
    """A description as Markdown text: `<`, `>` and `&` outside code spans are escaped, so MyST shows
    them instead of reading raw HTML (« glossaire-<id> » would lose its `<id>` and break the page)."""
    parts = re.split(r"(`[^`]*`)", str(text))
    return "".join(part if part.startswith("`") else re.sub(r"([<>&])", r"\\\1", part) for part in parts)


def literal(value: object) -> str:
    return f"`{value}`"


def coded_value(field: dict, value: object) -> str:
    """An allowed value as the dictionary shows it: the code in a `code` element, then its French label."""
    domain = field.get(labels.DOMAIN_PROPERTY)
    if domain is None:
        return literal(value)
    return f"{literal(value)} ({labels.label(domain, value)})"


def foreign_keys(res: dict) -> dict[str, str]:
    """Field name -> `table.field` it refers to."""
    refs = {}
    for key in res["schema"].get("foreignKeys", []):
        fields = [key["fields"]] if isinstance(key["fields"], str) else key["fields"]
        targets = key["reference"]["fields"]
        targets = [targets] if isinstance(targets, str) else targets
        table = key["reference"].get("resource") or res["name"]
        for name, target in zip(fields, targets, strict=True):
            refs[name] = f"{table}.{target}"
    return refs


def primary_key(res: dict) -> list[str]:
    key = res["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def schema_constraints(field: dict, res: dict) -> list[str]:
    """What the Table Schema itself declares for a field."""
    limits, notes = field.get("constraints", {}), []
    if field["name"] in primary_key(res):
        notes.append("clé primaire")
    if limits.get("required"):
        notes.append("obligatoire")
    if limits.get("unique"):
        notes.append("unique")
    if "enum" in limits:
        notes.append("valeurs : " + ", ".join(coded_value(field, value) for value in limits["enum"]))
    if "pattern" in limits:
        notes.append(f"motif {literal(limits['pattern'])}")
    for key, sign in LIMITS_FR.items():
        if key in limits:
            notes.append(f"{sign} {limits[key]}")
    if field["name"] in foreign_keys(res):
        notes.append(f"renvoie à {literal(foreign_keys(res)[field['name']])}")
    return notes


def rule_constraints(field: dict, res: dict) -> list[str]:
    """The rules of analysis/contract/validate.py that apply to a field, found by the same name patterns."""
    name, notes = field["name"], []
    years = f"{v.YEARS[0]} et {v.YEARS[-1]}"
    if v.DATE_FIELD.search(name):
        notes.append(f"date réelle (AAAA, AAAA-MM ou AAAA-MM-JJ) entre {years}")
    if name.endswith(v.PRECISION_SUFFIX) and name.removesuffix(v.PRECISION_SUFFIX) in {
            f["name"] for f in res["schema"]["fields"]}:
        date = name.removesuffix(v.PRECISION_SUFFIX)
        notes.append(f"s'accorde avec la forme de `{date}` (jour : AAAA-MM-JJ ; mois : AAAA-MM ; année ou année "
                     f"déduite : AAAA) ; vide si et seulement si `{date}` est vide")
    if name == "row_ids":
        notes.append("chaque identifiant est la clé d'une ligne d'une table du paquet")
    if name == "code_id" and res["name"] != "codebook":
        notes.append("code applicable de la grille (ni racine ni regroupement)")
    if v.YEAR_FIELD.search(name):
        notes.append(f"année entre {years}" + (" ; période AAAA-AAAA en ordre" if name == "period" else ""))
    if v.AMOUNT_FIELD.search(name) and "minimum" not in field.get("constraints", {}):
        notes.append("jamais négatif")
    if name == "source_ids" and res["name"] != "sources":
        notes.append("au moins un identifiant ; chacun existe dans `sources`")
    if name == "region_id" and res["name"] != "regions" and name not in foreign_keys(res):
        notes.append("région connue de la table `regions`")
    if name == "territory_id" and res["name"] != "territories":
        notes.append("territoire situé dans la région de la ligne")
    if name == "url" or field.get("format") == "uri":
        notes.append("adresse http(s) complète")
    if name == "synthetic" and v.is_synthetic(res):
        notes.append("toujours `true`")
    if v.COUNT_FIELD.search(name) and v.is_aggregate(res):
        notes.append(f"≥ {v.MIN_COUNT} ou `{v.SUPPRESSED}` (effectif masqué)")
    return notes


def provenance(field: dict, res: dict) -> str:
    """Where the facts of a field come from."""
    names = {f["name"] for f in res["schema"]["fields"]}
    if field["name"] in foreign_keys(res):
        return f"table `{foreign_keys(res)[field['name']].split('.')[0]}`"
    if v.is_synthetic(res):
        return "fabriqué (données synthétiques)"
    if field["name"] == "source_ids":
        return "table `sources`"
    if "source_ids" in names:
        return "sources citées dans `source_ids`"
    if res["name"] == "sources":  # what the edition wrote or checked, versus what the document says
        own = field["name"].endswith("_fr") or field["name"] == "accessed"
        return "l'édition" if own else "le document lui-même (`url`)"
    return field.get("source", "—")


# Rules of analysis/contract/validate.py that bind several rows of one table (see rule_funding,
# rule_projects, rule_ties).
TABLE_RULES_FR = {
    "funding": "Une seule enveloppe régionale retenue (`retained` vrai) par région ; pour une même période, "
               "la somme des parts territoriales, comme leur total déclaré, ne dépasse pas cette enveloppe ; "
               "la part d'un territoire nomme ce territoire, le total des parts n'en nomme aucun.",
    "projects": "La part du FQIS (`fqis_amount`) ne dépasse pas le coût total (`total_amount`) ; "
                "`year_start` ne suit pas `year_end`.",
    "ties": "Un lien relie deux organisations distinctes (`source_actor` ≠ `target_actor`).",
    "codebook": "Une seule racine par dimension, non applicable et nommée comme la dimension dans `labels` ; "
                "un code a la même dimension que son parent ; aucun cycle de parents ; tout regroupement "
                "non applicable contient au moins un code.",
    "recommendations": "Chaque identifiant de `code_ids` est un code applicable de la grille ; chaque "
                       "identifiant de `fact_ids` est un fait de l'étude du thème "
                       + " ou ".join(f"`{t}` ({labels.label('study_topic', t)})" for t in sorted(v.FINDING_TOPICS))
                       + " : un constat, jamais une donnée du devis.",
    "labels": "Chaque valeur permise d'un champ codé a son libellé dans le domaine que ce champ déclare.",
    "finding_assessments": (
        "Chaque constat est jugé une fois dans chaque région, sur des passages de cette région. Règle de "
        f"preuve : un silence ne nomme aucun passage ; tout autre verdict ne nomme que des passages tirés de "
        f"documents de la période (`era` = `{evidence.PERIOD_ERA}`) qui ne portent pas sur l’abolition des CRÉ "
        f"(`about_abolition` faux) ; `{evidence.ISOLATED}` "
        f"({labels.label('finding_assessment', evidence.ISOLATED)}) en nomme moins de {evidence.MIN_PASSAGES} "
        "ou d’un seul document, tout autre verdict au moins {evidence.MIN_PASSAGES}, tirés d’au moins "
        f"{evidence.MIN_SOURCES} documents distincts."),
    "coded_segments": (
        f"Une dimension de la grille codée dans moins de {evidence.MIN_REGIONS} régions a, pour chaque région "
        "sans passage, un silence déclaré dans `finding_assessments` sur un constat de cette dimension."),
    "narratives": "Chaque nombre d'un paragraphe figure dans l'une des lignes que cite `row_ids`.",
}


def field_rows(res: dict) -> list[str]:
    rows = ["| Champ | Type | Signification | Valeurs permises et contraintes | Provenance |",
            "|---|---|---|---|---|"]
    for field in res["schema"]["fields"]:
        rules = schema_constraints(field, res) + rule_constraints(field, res)
        rows.append("| " + " | ".join(cell(text) for text in (
            literal(field["name"]),
            TYPES_FR.get(field["type"], field["type"]),
            prose(field.get("description", "")),
            " ; ".join(rules) or "—",
            provenance(field, res),
        )) + " |")
    return rows


def row_count(data_dir: Path, res: dict) -> int:
    with (Path(data_dir) / res["path"]).open(encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def overview(package: dict | None = None, data_dir: Path = DATA_DIR) -> str:
    """One line per table: what it holds, its file, size and key."""
    package = package or descriptor(Path(data_dir))
    rows = ["| Table | Fichier | Lignes | Clé primaire | Contenu |", "|---|---|---|---|---|"]
    for res in package["resources"]:
        rows.append("| " + " | ".join(cell(text) for text in (
            f"{{ref}}`{res.get('title', res['name'])} <dictionnaire-{res['name']}>`",
            literal(res["path"]),
            row_count(data_dir, res),
            ", ".join(literal(name) for name in primary_key(res)) or "—",
            prose(res.get("description", "")),
        )) + " |")
    return "\n".join(rows)


def tables(package: dict | None = None, data_dir: Path = DATA_DIR) -> str:
    """Every table and every field, as MyST Markdown (a rubric with a target, then a field table)."""
    package = package or descriptor(Path(data_dir))
    parts = []
    for res in package["resources"]:
        parts += [
            f"```{{rubric}} {res.get('title', res['name'])} ({res['name']})",
            f":name: dictionnaire-{res['name']}",
            "```",
            "",
            f"{prose(res.get('description', ''))} Fichier {literal(res['path'])}.",
            "",
            *([f"Règles entre lignes : {TABLE_RULES_FR[res['name']]}", ""] if res["name"] in TABLE_RULES_FR
              else []),
            *field_rows(res),
            "",
        ]
    return "\n".join(parts)


def licences(package: dict | None = None) -> str:
    package = package or descriptor(DATA_DIR)
    return ", ".join(f"[{lic.get('title', lic['name'])}]({lic['path']})" if lic.get("path") else lic["name"]
                     for lic in package.get("licenses", []))
