"""Generate the synthetic stand-in for the restricted interview tables (`data/synthetic/`).

The study's coded interview summaries are restricted: they never enter the repository. The public
edition renders instead two tables with the same schema as the restricted ones, fabricated here from
published aggregates only, so the pipeline (loading, disclosure control, charts) runs end to end. They
are *données synthétiques*: no conclusion may be drawn from them. Every row carries `synthetic=true`.

What is published, and therefore used (read from the data package, never typed here):
- the number of interviews (`study_facts`, fact `etude-entretiens`);
- the regions of the study (`regions`);
- the actor groups the study met (`study_facts`, fact `etude-groupes-acteurs`, its `items`);
- the codable codes of the analysis grid (`codebook`, `is_codable` true).

What is not published, and the neutral rule used instead (nothing favours one value over another):
- interviews per region: equal split; the remainder goes, one each, to regions drawn at random;
- actor group within a region: equal split over the groups; remainder to groups drawn at random;
- level (regional or local) within a region: equal split; remainder drawn at random; the list of
  levels is then shuffled over the region's interviews;
- codes of an interview: as many codes as the grid has dimensions, drawn uniformly without
  replacement from all codable codes, independently for each interview.

Fidelity: structural only (types, keys, volumes, the published total). The relations between
fields are random by construction and carry no information about the real interviews.

Every draw comes from one `random.Random(SEED)`, in a fixed order, so the output is byte-identical on
every run. Run it only by `python -m analysis synthesize` (then `python -m analysis rehash`); builds and
tests never write into data/ (the tests regenerate into a temporary folder and compare).
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from pathlib import Path

from analysis.contract import data
from analysis.contract.data import DATA_DIR, ID_SEPARATOR

SEED = 20_260_404
LEVELS = ("regional", "local")
TOTAL_FACT = "etude-entretiens"
GROUPS_FACT = "etude-groupes-acteurs"
ID_PREFIX = "syn"
FILES = {"interviews": "interviews.csv", "interview_codes": "interview_codes.csv"}
SUBDIR = "synthetic"


def slug(text: str) -> str:
    """`intervenants institutionnels` -> `intervenants-institutionnels`, `élus` -> `elus`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(plain.lower().split())


def actor_groups(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """The study's actor groups as {slug: French label}, in the order the study fact lists them."""
    facts = data.load("study_facts", data_dir).set_index("fact_id")
    labels = [item.strip() for item in str(facts.loc[GROUPS_FACT, "items"]).split(ID_SEPARATOR) if item.strip()]
    return {slug(label): label for label in labels}


def total_interviews(data_dir: Path = DATA_DIR) -> int:
    facts = data.load("study_facts", data_dir).set_index("fact_id")
    return int(facts.loc[TOTAL_FACT, "value"])


def codable_codes(data_dir: Path = DATA_DIR) -> tuple[list[str], int]:
    """Codable code ids in codebook order, and the number of dimensions of the grid."""
    codebook = data.load("codebook", data_dir)
    codable = codebook[codebook["is_codable"].fillna(False).astype(bool)]
    return codable["code_id"].tolist(), codebook["dimension"].nunique()


def equal_split(total: int, keys: list[str], rng: random.Random) -> dict[str, int]:
    """`total` shared as evenly as possible; the remainder goes, one each, to keys drawn at random."""
    base, remainder = divmod(total, len(keys))
    lucky = set(rng.sample(keys, remainder))
    return {key: base + (key in lucky) for key in keys}


def generate(data_dir: Path = DATA_DIR) -> tuple[list[dict], list[dict]]:
    """The two synthetic tables as lists of rows (strings), in a stable order."""
    rng = random.Random(SEED)
    regions = data.load("regions", data_dir)["region_id"].tolist()
    groups = list(actor_groups(data_dir))
    codes, n_dimensions = codable_codes(data_dir)
    order = {code: i for i, code in enumerate(codes)}
    per_region = equal_split(total_interviews(data_dir), regions, rng)
    width = len(str(sum(per_region.values())))
    interviews, interview_codes, number = [], [], 0
    for region in regions:
        per_group = equal_split(per_region[region], groups, rng)
        region_groups = [group for group in groups for _ in range(per_group[group])]
        level_counts = equal_split(per_region[region], list(LEVELS), rng)
        levels = [level for level in LEVELS for _ in range(level_counts[level])]
        rng.shuffle(levels)
        for group, level in zip(region_groups, levels, strict=True):
            number += 1
            interview_id = f"{ID_PREFIX}-{number:0{width}d}"
            interviews.append({"interview_id": interview_id, "region_id": region, "actor_group": group,
                               "level": level, "synthetic": "true"})
            for code in sorted(rng.sample(codes, n_dimensions), key=order.__getitem__):
                interview_codes.append({"interview_id": interview_id, "code_id": code, "synthetic": "true"})
    return interviews, interview_codes


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(out_dir: Path | None = None, data_dir: Path = DATA_DIR) -> list[Path]:
    """Write both tables into `out_dir` (default: data/synthetic/); return the paths written."""
    out_dir = Path(out_dir) if out_dir is not None else Path(data_dir) / SUBDIR
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in zip(FILES, generate(data_dir), strict=True):
        path = out_dir / FILES[name]
        path.write_text(to_csv(rows), encoding="utf-8", newline="")
        paths.append(path)
    return paths
