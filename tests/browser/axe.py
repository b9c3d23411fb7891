"""Run the vendored axe-core (tests/browser/vendor/axe-core, see SOURCE.json) in a Playwright page.

The release is pinned by its file and checksum rather than by a Python wrapper's bundled copy, so the
rules the book is checked against are the current ones and change only when we re-vendor
(`tests/browser/vendor/axe-core/update.sh VERSION`).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor" / "axe-core"
SERIOUS = {"serious", "critical"}


@cache
def source() -> dict:
    """SOURCE.json: version, licence, npm tarball and integrity, sha256 of each vendored file."""
    return json.loads((VENDOR / "SOURCE.json").read_text(encoding="utf-8"))


@cache
def script() -> str:
    """axe.min.js, after checking it is the file SOURCE.json records."""
    raw = (VENDOR / "axe.min.js").read_bytes()
    expected = source()["files"]["axe.min.js"]
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        raise RuntimeError(f"{VENDOR / 'axe.min.js'}: sha256 {actual} differs from SOURCE.json ({expected})")
    return raw.decode("utf-8")


async def run(page, options: dict | None = None) -> dict:
    """axe.run on the whole document of a Playwright (asyncio) page; returns axe's result (violations,
    passes, testEngine...)."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=script())
    return await page.evaluate(
        "options => window.axe.run(document, options)",
        {"resultTypes": ["violations"], **(options or {})},
    )


def serious(result: dict) -> list[str]:
    """One line per serious or critical violation: rule, impact, first offending elements."""
    lines = []
    for v in result["violations"]:
        if v["impact"] in SERIOUS:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{targets}]")
    return lines
