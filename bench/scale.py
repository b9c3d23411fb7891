"""Scaled copies of the data package, for timing validation, regional aggregates and networks at ×N.

`scaled_package(src, dest, factor)` writes a copy of the package where every table except the reference
tables (regions, labels, codebook, recommendations, rereadings) holds `factor` copies of each row. Copy k >
1 suffixes every identifier it owns (`bsl-t-01` -> `bsl-t-01-x2`) and every reference to a replicated row
(foreign keys, `*_ids` lists), so keys stay unique and foreign keys resolve inside the same copy; regions
stay the six study regions, each with `factor` times its record. Two rules of the package need care: one
retained envelope per region (copies are not retained) and territorial parts that must not exceed the
envelope (a copy's parts are undated, so only the first copy's count against it; their amounts stay those
the narrative paragraphs state). The copy is then rehashed and is a valid package (the benchmark checks it).

`python bench/scale.py [FACTOR ...]` times, on ×1, ×10 and ×100 copies, each in a fresh process: validation,
every region's profile plus the completeness table, and the network measures; it prints one JSON object.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.contract.env import DATA_DIR as DATA_DIR_ENV

ROOT = Path(__file__).resolve().parents[1]
# Tables that describe the study or the edition rather than a region's record; `rereadings` is keyed by
# (region, date), so copies of its rows would repeat their keys.
REFERENCE_TABLES = {"regions", "labels", "codebook", "recommendations", "rereadings"}
# Organisations of no region (the ministry, Quebec-wide bodies) are the same for every copy of the regions:
# one ministry signs every Alliance, however many regions there are.
SHARED_ROWS_TABLE = "actors"
FACTORS = (1, 10, 100)


def _primary_key(res: dict) -> list[str]:
    key = res["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def _foreign_keys(res: dict) -> dict[str, str]:
    """Field -> referenced table, for single-field foreign keys (an empty resource means the table itself)."""
    out = {}
    for fk in res["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if len(fields) == 1:
            out[fields[0]] = fk["reference"].get("resource") or res["name"]
    return out


def scaled_package(src: Path, dest: Path, factor: int) -> Path:
    """Write the package of `src` scaled ×factor into `dest` (created) and rehash it."""
    from analysis.contract.validate import rehash

    descriptor = json.loads((src / "datapackage.json").read_text(encoding="utf-8"))
    resources = [r for r in descriptor["resources"] if "path" in r and "schema" in r]
    replicated = {r["name"] for r in resources} - REFERENCE_TABLES
    rows_of = {}
    for res in resources:
        with (src / res["path"]).open(encoding="utf-8", newline="") as fh:
            rows_of[res["name"]] = list(csv.reader(fh))
    # The ids each replicated table owns (single-field primary keys).
    owned: dict[str, set[str]] = {}
    for res in resources:
        key = _primary_key(res)
        if res["name"] in replicated and len(key) == 1 and rows_of[res["name"]]:
            col = rows_of[res["name"]][0].index(key[0])
            owned[res["name"]] = {row[col] for row in rows_of[res["name"]][1:] if len(row) > col}
    shared = set()
    if SHARED_ROWS_TABLE in owned:
        header = rows_of[SHARED_ROWS_TABLE][0]
        key, region = header.index("actor_id"), header.index("region_id")
        shared = {row[key] for row in rows_of[SHARED_ROWS_TABLE][1:] if not row[region]}
        owned[SHARED_ROWS_TABLE] -= shared
    every_id = set().union(*owned.values()) if owned else set()

    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "datapackage.json", dest / "datapackage.json")
    for res in resources:
        rows = rows_of[res["name"]]
        out = dest / res["path"]
        out.parent.mkdir(parents=True, exist_ok=True)
        if res["name"] not in replicated or not rows:
            shutil.copy2(src / res["path"], out)
            continue
        header, body = rows[0], rows[1:]
        key, fks = _primary_key(res), _foreign_keys(res)
        mappers = {}  # column -> ids that get the copy's suffix
        for i, name in enumerate(header):
            if len(key) == 1 and name == key[0]:
                mappers[i] = owned.get(res["name"], set())
            elif name in fks and fks[name] in replicated:
                mappers[i] = owned.get(fks[name], set())
            elif name.endswith("_ids"):
                mappers[i] = every_id
        funding = res["name"] == "funding" and {"scope", "amount", "retained"} <= set(header)
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            for k in range(1, factor + 1):
                for row in body:
                    if k > 1 and len(key) == 1 and row[header.index(key[0])] in shared:
                        continue  # written once, with the first copy
                    new = list(row)
                    if k > 1:
                        for i, ids in mappers.items():
                            if i < len(new) and new[i]:
                                new[i] = ";".join(f"{part}-x{k}" if part in ids else part
                                                  for part in new[i].split(";"))
                    if funding:
                        rec = dict(zip(header, new, strict=False))
                        if k > 1 and rec["retained"] == "true":
                            new[header.index("retained")] = "false"
                        if k > 1 and rec["scope"] == "part-territoriale":
                            # undated, so not counted against the one retained envelope
                            for name in ("period_start", "period_end"):
                                new[header.index(name)] = ""
                    writer.writerow(new)
    rehash(dest)
    return dest


CPU: dict[str, float] = {}  # part -> CPU seconds of this process (steadier than wall time on a busy machine)


def _timed(fn, part: str):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    CPU[part] = round(time.process_time() - cpu, 3)
    return round(time.perf_counter() - start, 3), value


def measure_one() -> dict:
    """Validation, regional aggregates and network measures on the package `analysis` reads by default.

    Run in a fresh process whose `analysis` package sits beside the scaled `data/` (see `measure`), so
    every function reads the scaled copy through its usual defaults and no cache is shared.
    """
    start = time.perf_counter()
    from analysis.contract import data, validate
    from analysis.study import graphs as networks
    from analysis.study import region
    seconds_import = round(time.perf_counter() - start, 3)

    seconds_validate, problems = _timed(lambda: validate.validate(data.DATA_DIR), "validate")

    def aggregates():
        for region_id in data.load("regions")["region_id"]:
            region.profile(region_id)
        return region.completeness()

    measured = networks

    def network_measures():
        measured.completeness()
        return measured.compare()

    seconds_regions, _ = _timed(aggregates, "regions")
    seconds_networks, _ = _timed(network_measures, "networks")
    rows = sum(max(0, sum(1 for _ in (data.DATA_DIR / r["path"]).open(encoding="utf-8")) - 1)
               for r in data.descriptor()["resources"] if "path" in r)
    return {"rows": rows, "validation_problems": len(problems), "first_problems": [str(p) for p in problems[:3]],
            "import": seconds_import, "validate": seconds_validate, "regions": seconds_regions,
            "networks": seconds_networks, "total": round(seconds_validate + seconds_regions + seconds_networks, 3),
            "cpu": {**CPU, "total": round(sum(CPU.values()), 3)}}


def growth_exponent(factors: list[int], seconds: list[float]) -> float | None:
    """Least-squares slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    points = [(math.log(f), math.log(s)) for f, s in zip(factors, seconds, strict=True) if s > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 2) if sxx else None


def measure(factors: tuple[int, ...] = FACTORS, src: Path = ROOT / "data", timeout: float = 900) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="alliances-scale-") as tmp:
        for factor in factors:
            home = Path(tmp) / f"x{factor}"
            shutil.copytree(ROOT / "analysis", home / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
            scaled_package(src, home / "data", factor)
            # the copy is not a checkout (no CITATION.cff beside it): its data folder is given, as to a wheel
            env = {**os.environ, "PYTHONPATH": str(home), DATA_DIR_ENV: str(home / "data")}
            try:
                done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one"], cwd=home, env=env,
                                      check=True, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                results[f"x{factor}"] = {"error": f"timed out after {timeout:.0f} s"}
                break
            results[f"x{factor}"] = json.loads(done.stdout.strip().splitlines()[-1])
    done_factors = [f for f in factors if "total" in results.get(f"x{f}", {})]
    parts = ("validate", "regions", "networks", "total")
    exponents = {p: growth_exponent(done_factors, [results[f"x{f}"][p] for f in done_factors]) for p in parts}
    cpu = [results[f"x{f}"]["cpu"]["total"] for f in done_factors]
    exponents["cpu_total"] = growth_exponent(done_factors, cpu)
    # Between the two largest sizes fixed costs weigh least: the slope there is the growth that matters.
    exponents["cpu_total_largest_step"] = growth_exponent(done_factors[-2:], cpu[-2:])
    for part in ("validate", "regions", "networks"):
        exponents[f"cpu_{part}_largest_step"] = growth_exponent(
            done_factors[-2:], [results[f"x{f}"]["cpu"][part] for f in done_factors[-2:]])
    return {"factors": list(factors), "by_factor": results, "growth_exponent": exponents}


if __name__ == "__main__":
    if sys.argv[1:] == ["--one"]:
        print(json.dumps(measure_one()))
    else:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(tuple(int(a) for a in sys.argv[1:]) or FACTORS), indent=2))
