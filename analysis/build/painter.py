"""vl-convert's work for the build in a process of its own: the downloadable notebooks' chart images and the
Vega bundle the pages load.

vl-convert holds the GIL while it works: a thread drawing the charts left the build's own thread a tenth of a core,
and a thread bundling left it nothing. In the build's process, either stops Sphinx's one-page-at-a-time reading and
writing; in this process, started by the first job, they run on the core that reading and writing leave idle.
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _process() -> ProcessPoolExecutor:
    # spawn, not fork: the build's process has threads (the kernels' clients), and vl-convert's runtime its own
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))


def submit(job, *args) -> Future:
    """`job(*args)` in the painter process; its result or error comes with the future's `result()`."""
    return _process().submit(job, *args)


def vega_lite(spec: str) -> dict:
    """The Vega-Lite spec held in a page's altair-spec script (its JSON text)."""
    return json.loads(spec.replace("<\\/", "</"))


def draw_png(spec: str, width: int) -> bytes:
    """A chart as a PNG drawn from its Vega-Lite spec (the JSON text of a page's altair-spec script); a chart as
    wide as its container gets `width`."""
    import vl_convert

    chart = vega_lite(spec)
    if chart.get("width") == "container":
        chart["width"] = width
    return vl_convert.vegalite_to_png(chart, scale=1)


def write_bundle(target: Path, first_line: str) -> None:
    """Vega, Vega-Lite (the version Altair writes) and vega-embed as one script, under `first_line`."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
    target.parent.mkdir(parents=True, exist_ok=True)
    # The IIFE keeps the bundle's top-level consts out of the page's global scope.
    target.write_text(first_line + "(function () {\n" + bundle + "\n})();\n", encoding="utf-8")
