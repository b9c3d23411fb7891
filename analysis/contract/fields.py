"""Fields that several tables share, defined once (the model: PUDL's `fields.py`).

`make rehash` writes each definition below into every table of `data/datapackage.json` that has the
field, and `python -m analysis validate` refuses a descriptor whose copy drifted from it. A table keeps
its own `required`, and the table whose primary key the field is keeps its own definition.
"""

from __future__ import annotations

import copy

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_LIST = r"^[a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*$"
PROVINCE = "quebec"  # region_id of a document about the whole province (table sources)
OWN = ("required",)  # constraints a table sets for itself

SHARED = {
    "region_id": {
        "type": "string",
        "description": "Région (table regions).",
        "constraints": {"pattern": SLUG},
    },
    "territory_id": {
        "type": "string",
        "description": "Territoire (table territories), quand la ligne ne concerne qu’un territoire de la région.",
        "constraints": {"pattern": SLUG},
    },
    "source_ids": {
        "type": "string",
        "description": "Identifiants des sources (table sources), séparés par « ; » ; `etude-frq` désigne le "
                       "résumé public de l’étude.",
        "constraints": {"pattern": ID_LIST},
    },
    "date_precision": {
        "type": "string",
        "description": "Précision de « date » : jour, mois, année, ou année déduite par l’édition (la valeur ne "
                       "garde alors que l’année). Vide si la date est vide.",
        "labels": "date_precision",
        "constraints": {"enum": ["jour", "mois", "annee", "annee-deduite"]},
    },
    "confidence": {
        "type": "string",
        "description": "Degré de certitude : élevée (lu dans la source), moyenne (source secondaire ou mention "
                       "unique), faible (déduit, contradictoire ou année absente).",
        "labels": "confidence",
        "constraints": {"enum": ["elevee", "moyenne", "faible"]},
    },
}
# sources.region_id also takes PROVINCE: its own description, the shared pattern.
OVERRIDES = {
    ("sources", "region_id"): {
        "description": f"Région documentée (table regions), ou « {PROVINCE} » pour un document qui porte sur "
                       "tout le Québec.",
    },
}


def _primary_key(res: dict) -> list[str]:
    key = res["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def expected(res: dict, field: dict) -> dict | None:
    """The definition `field` of table `res` must have, or None when the field is not shared here."""
    name = field["name"]
    if name not in SHARED or name in _primary_key(res):
        return None
    want = copy.deepcopy(SHARED[name]) | {"name": name}
    want |= OVERRIDES.get((res["name"], name), {})
    own = {k: v for k, v in field.get("constraints", {}).items() if k in OWN}
    want["constraints"] = want.get("constraints", {}) | own
    return want


def apply(descriptor: dict) -> dict:
    """The descriptor with every shared field written from its one definition (fields keep their order)."""
    out = copy.deepcopy(descriptor)
    for res in out["resources"]:
        fields = res.get("schema", {}).get("fields", [])
        for i, field in enumerate(fields):
            want = expected(res, field)
            if want is not None:
                fields[i] = want
    return out


def drifted(descriptor: dict) -> list[tuple[str, str]]:
    """(table, field) of every shared field whose copy in the descriptor differs from its definition."""
    return [(res["name"], field["name"]) for res in descriptor["resources"]
            for field in res.get("schema", {}).get("fields", [])
            if (want := expected(res, field)) is not None and want != field]
