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


async def install(context) -> None:
    """axe-core in every page the Playwright (asyncio) browser context opens, run before the page's own
    scripts. Sent once: added to each page after it loads, the 650 kB went through Playwright's pipe and
    were compiled afresh every time (about 0.15 s of CPU per page)."""
    await context.add_init_script(script())


async def run(page, options: dict | None = None) -> dict:
    """axe.run on the whole document of a page of an `install`ed context; returns axe's result
    (violations, testEngine...). noHtml leaves out the HTML excerpt of each node checked, and the first run
    leaves out the CSS selector of each node too (about a tenth of the run each); a page with a serious
    violation is checked again with selectors, so that `serious` names the offending elements. Only the engine
    and the violations come back: the passes and the rules that did not apply, 55 kB a page, cost about two
    CPU-seconds over the book to send through Playwright and check on arrival."""
    script = ("async options => { window.axe.configure({noHtml: true});"
              " const result = await window.axe.run(document, options);"
              " return {testEngine: result.testEngine, violations: result.violations}; }")
    options = {"resultTypes": ["violations"], **(options or {})}
    result = await page.evaluate(script, {"selectors": False, **options})
    if any(v["impact"] in SERIOUS for v in result["violations"]):
        result = await page.evaluate(script, options)
    return result


def serious(result: dict) -> list[str]:
    """One line per serious or critical violation: rule, impact, first offending elements."""
    lines = []
    for v in result["violations"]:
        if v["impact"] in SERIOUS:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{targets}]")
    return lines
