"""The one regional chapter template, and `python -m analysis new-region ID` that writes from it.

Every regional chapter is exactly `render(region_id)`: the region's id and name (from
`regions.csv`) put into `analysis/build/templates/region.md`. What differs between regions comes from
the data when the chapter runs, never from the chapter file.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from analysis.contract import data

TEMPLATE = Path(__file__).parent / "templates" / "region.md"
CHAPTER = "book/regions/{region_id}.md"
TOC = "_toc.yml"
TOC_ENTRY = "book/regions/{region_id}"
_TOC_LINE = re.compile(r"^(?P<indent>\s*)- file: book/regions/(?P<id>[\w-]+)\s*$")


def render(region_id: str, data_dir: Path = data.DATA_DIR) -> str:
    """The chapter text of one region."""
    regions = data.load("regions", Path(data_dir)).set_index("region_id")
    if region_id not in regions.index:
        raise KeyError(f"{Path(data_dir) / 'regions.csv'}: no region {region_id!r} "
                       f"(known: {', '.join(regions.index)})")
    text = TEMPLATE.read_text(encoding="utf-8")
    return Template(text).substitute(region_id=region_id, name=regions.loc[region_id, "name"])


def toc_regions(root: Path = data.ROOT) -> list[str]:
    """Region ids the table of contents lists, in its order."""
    lines = (Path(root) / TOC).read_text(encoding="utf-8").splitlines()
    return [m["id"] for m in map(_TOC_LINE.match, lines) if m]


def add_to_toc(region_id: str, root: Path = data.ROOT) -> bool:
    """Add the chapter after the last regional entry of `_toc.yml`; False when it is already there."""
    path = Path(root) / TOC
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    matches = [(i, m) for i, m in enumerate(map(_TOC_LINE.match, lines)) if m]
    if not matches:
        raise ValueError(f"{path}:1:1: no regional chapter entry (`- file: book/regions/...`) to add one after")
    if any(m["id"] == region_id for _, m in matches):
        return False
    last, match = matches[-1]
    lines.insert(last + 1, f"{match['indent']}- file: {TOC_ENTRY.format(region_id=region_id)}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return True


def write(region_id: str, root: Path = data.ROOT, data_dir: Path | None = None, force: bool = False) -> Path:
    """Write the region's chapter from the template and list it in the toc; an existing chapter holds a
    region's own prose, so it is rewritten only when `force` says so."""
    data_dir = Path(root) / "data" if data_dir is None else Path(data_dir)
    path = Path(root) / CHAPTER.format(region_id=region_id)
    if path.exists() and not force:
        raise ValueError(f"{CHAPTER.format(region_id=region_id)} already exists and may hold the region's own "
                         "prose; nothing was written (--force rewrites it from the template)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(region_id, data_dir), encoding="utf-8")
    add_to_toc(region_id, root)
    return path
