"""Execute the notebooks Sphinx is about to read in a few warm kernels, into myst-nb's cache.

myst-nb executes each notebook when Sphinx reads it, one after the other, each in a fresh kernel:
every page pays an interpreter start and `import analysis` (pandas, Altair), most of a page's time.
Before the read starts, this extension builds each notebook exactly as myst-nb's parser will (same
reader, same configuration, same per-notebook overrides), and executes the ones jupyter-cache does
not hold yet in a small pool of kernels that stay up from one notebook to the next: between two
notebooks the kernel's namespace is reset and its working directory moved, so a page sees what a
fresh kernel shows it, while the imported modules stay loaded. Notebooks are dealt to the kernels in
a fixed order, so two builds run the same notebooks in the same kernels. The results are stored
under the key myst-nb looks up, and the read that follows finds every notebook in the cache. A
notebook that fails here is not cached (and its kernel is replaced): myst-nb runs it again itself
and reports the failure exactly as before, so warnings and -W behave unchanged.

BOOK_EXECUTION_JOBS sets the number of kernels (default: the usable CPUs, at most 4; 1 turns this
off, and myst-nb executes every notebook itself in a fresh kernel, one at a time).

The cache key is reproduced from myst-nb's and jupyter-cache's internals (reader, config copy, stage
and bundle API), so it is only trusted for the versions it was written and tested against
(`SUPPORTED`); with any other version this step logs one info line and steps aside, and myst-nb
executes the notebooks itself, one at a time, exactly as without this extension.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path, PurePosixPath

from sphinx.util import logging

from analysis.build import kernels, notebooks
from analysis.build.kernels import jobs  # noqa: F401 - the setting's reader, for the build and tests
from analysis.contract import env as environment

# distribution -> (lowest version supported, first version not supported): major.minor[.patch] tuples.
SUPPORTED = {"myst-nb": ((1, 0), (1, 5)), "jupyter-cache": ((1, 0), (1, 1))}
logger = logging.getLogger(__name__)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(m) for m in re.findall(r"\d+", text.split("+")[0])[:3])


def unsupported() -> list[str]:
    """The installed myst-nb / jupyter-cache versions outside `SUPPORTED`, as `name version` strings."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name, (low, high) in SUPPORTED.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            out.append(f"{name} (not installed)")
            continue
        if not low <= _version(found) < high:
            out.append(f"{name} {found}")
    return out


def _notebook(env, docname: str):
    """The notebook and execution settings myst-nb's parser will use for `docname`, or None."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    nb_config: NbParserConfig = env.mystnb_config
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for rgx, alias in nb_config.kernel_rgx_aliases.items():
        if kernel is not None and re.fullmatch(rgx, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:  # noqa: BLE001 - myst-nb warns about it during the read
            return None
    if nb_config.execution_mode != "cache" or nb_config.execution_in_temp:
        return None
    if any(PurePosixPath(path.as_posix()).match(p) for p in nb_config.execution_excludepatterns):
        return None
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return None
    return path, notebook, nb_config, reader.read_fmt


def _bounds() -> str:
    return ", ".join(f"{name} >={'.'.join(map(str, low))},<{'.'.join(map(str, high))}"
                     for name, (low, high) in SUPPORTED.items())


def _pre_execute(app, env, docnames) -> None:
    n_jobs = jobs()
    config = getattr(env, "mystnb_config", None)
    if not docnames or n_jobs < 2 or config is None or config.execution_mode != "cache":
        return
    outside = unsupported()
    if outside:
        logger.info(f"parallel pre-execution off: written for {_bounds()}, found {', '.join(outside)}; "
                    "myst-nb executes the notebooks one at a time")
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(env.mystnb_config.execution_cache_path or ".jupyter_cache")
    todo = []
    for docname in sorted(docnames):
        found = _notebook(env, docname)
        if found is None:
            continue
        with suppress(KeyError):
            cache.match_cache_notebook(found[1])
            continue  # already cached: myst-nb will merge it
        todo.append(found)
    if len(todo) < 2:
        return
    names = ", ".join(Path(env.path2doc(str(path)) or path.stem).name for path, *_ in todo)
    logger.info(f"executing {len(todo)} notebooks not in the cache in {min(n_jobs, len(todo))} warm kernels: "
                f"{names}")
    results, _ = kernels.run_all([(path, notebook, nb_config.execution_timeout, nb_config.execution_allow_errors)
                                  for path, notebook, nb_config, _ in todo], n_jobs)
    for (path, _, _, read_fmt), result in zip(todo, results, strict=True):
        # jupyter-cache's database is written from this thread only
        if result is None:
            logger.info(f"{path.name}: failed here; executed again while read, which reports the error")
            continue
        logger.info(f"executed {path.relative_to(env.srcdir)} ({result.time:.1f} s)")
        stage = cache.add_nb_to_project(str(path), read_data=read_fmt) if read_fmt else \
            cache.add_nb_to_project(str(path))
        bundle = CacheBundleIn(result.nb, stage.uri, data={"execution_seconds": result.time})
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    # The downloadable notebooks' chart images, drawn beside the pages' reading and writing (one core is idle).
    notebooks.draw_charts(result.nb for result in results if result is not None)


def setup(app):
    # Every kernel this build starts, in the warm pool or by myst-nb, inherits the build's hash seed.
    os.environ[environment.HASH_SEED] = environment.BUILD_HASH_SEED
    # After data_freshness (config-inited) may have emptied the cache; before the first page is read.
    app.connect("env-before-read-docs", _pre_execute)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
