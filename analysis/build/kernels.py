"""Warm kernels: one Jupyter kernel runs several notebooks in turn, each as a fresh kernel would.

Starting a kernel and importing pandas, Altair and the analysis package costs most of a small
chapter's time. A warm kernel pays it once: before each notebook, its namespace is reset, its working
directory moved to the notebook's folder and its execution count set back to one, while the modules it
imported stay loaded. The build's pre-execution (_ext/parallel_execute.py) and the determinism check
(analysis.build.determinism) run chapters this way.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from jupyter_cache.executors.utils import ExecutionResult
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.util import run_hook

from analysis.contract import env


def jobs() -> int:
    """Kernels to run at once: BOOK_EXECUTION_JOBS, or the usable CPUs (at most 4)."""
    value = env.value(env.EXECUTION_JOBS)  # 1 leaves the build's execution to myst-nb
    if value:
        return max(1, int(value))
    return max(1, min(4, len(os.sched_getaffinity(0))))


# Run in a warm kernel before each notebook: a fresh namespace, the notebook's own folder, the execution count
# a fresh kernel starts from, and no chart counted yet (chart ids number the drawings of one page).
# %reset runs two full garbage collections, which went through every object of the loaded modules each time
# (a fifth of a warm kernel's time): once the namespace is empty, what is left (modules, the kernel) is frozen
# out of later collections. Collections decide only when unreachable objects are freed, never an output.
RESET = """%reset -f
import gc as _gc, os as _os, sys as _sys
_gc.freeze()
_os.chdir({cwd!r})
if "analysis.present.charts" in _sys.modules:
    _sys.modules["analysis.present.charts"].start_page()
del _gc, _os, _sys
get_ipython().execution_count = 1"""

# Run once in a kernel whose notebooks are audited: every file opened under `root` is recorded, in a module of
# its own that `%reset` leaves alone, until TAKE prints the list and empties it after each notebook.
AUDIT = """import sys as _sys
if "_opened_files" not in _sys.modules:
    def _install(root):
        import os, types
        from pathlib import Path
        record = _sys.modules["_opened_files"] = types.ModuleType("_opened_files")
        record.paths = set()

        def hook(event, args):
            if event == "open" and args and isinstance(args[0], (str, os.PathLike)):
                path = Path(os.fspath(args[0]))
                path = (path if path.is_absolute() else Path.cwd() / path).resolve()
                if root in path.parents:
                    record.paths.add(path.relative_to(root).as_posix())
        _sys.addaudithook(hook)
    _install(__import__("pathlib").Path({root!r}))
    del _install
del _sys"""
TAKE = """import sys as _sys, json as _json
print(_json.dumps(sorted(_sys.modules["_opened_files"].paths)))
_sys.modules["_opened_files"].paths.clear()
del _sys, _json"""


class _KeptClient(NotebookClient):
    """nbclient's client, talking to the kernel through the kernel client of the warm kernel's first notebook. A
    new kernel client would wait, before the first cell, for a fifth of a second in which the kernel sends nothing
    (jupyter_client's wait_for_ready): a fifth of a second per notebook, without any work."""

    def __init__(self, notebook, warm: WarmKernel, **options):
        super().__init__(notebook, **options)
        self.warm = warm

    async def async_start_new_kernel_client(self):
        if self.warm.kc is None:
            self.warm.kc = await super().async_start_new_kernel_client()
        else:  # already connected and ready: only the hook a new client runs
            self.kc = self.warm.kc
            await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc


class WarmKernel:
    """One kernel kept running across notebooks, so each notebook does not pay a start and the imports.
    With `audit` (a folder), `opened` maps each notebook's path to the files under that folder it opened."""

    def __init__(self, audit: Path | None = None):
        self.km = None
        self.kc = None
        self.audit = Path(audit).resolve() if audit else None
        self.opened: dict[Path, list[str]] = {}

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def execute(self, path: Path, notebook, timeout: int, allow_errors: bool = False):
        """Execute `notebook` (its source at `path`) in place; jupyter-cache's `ExecutionResult`, or None
        when it failed (the kernel is then replaced). The notebook's own metadata may override the two."""
        execution = notebook.metadata.get("execution", {})
        if self.km is None:
            name = notebook.metadata.get("kernelspec", {}).get("name", "python3")
            self.km = AsyncKernelManager(kernel_name=name)
        client = _KeptClient(notebook, self, km=self.km, record_timing=False,  # timings would change the cache key
                             timeout=execution.get("timeout", timeout),
                             allow_errors=execution.get("allow_errors", allow_errors),
                             resources={"metadata": {"path": str(path.parent)}})

        async def run(code: str, output_hook=lambda _: None) -> None:
            reply = await client.kc.execute_interactive(code, store_history=False, output_hook=output_hook,
                                                        timeout=60)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the kernel could not run: {code.splitlines()[0]}")

        async def reset(notebook):  # nbclient's hook once the kernel client is ready, before the first cell
            await run(RESET.format(cwd=str(path.parent)))
            if self.audit:
                await run(AUDIT.format(root=str(self.audit)))

        async def take(notebook):  # once the last cell ran, the kernel client still open (the manager is ours)
            printed = []
            await run(TAKE, lambda msg: msg["msg_type"] == "stream" and printed.append(msg["content"]["text"]))
            self.opened[path] = json.loads("".join(printed))

        client.on_notebook_start = reset
        if self.audit:
            client.on_notebook_complete = take
        start = time.perf_counter()
        try:
            client.execute()
        except Exception:  # noqa: BLE001 - the caller reports it (the build lets myst-nb run it and say why)
            self.close()
            return None
        return ExecutionResult(notebook, str(path.parent), time.perf_counter() - start, None, None)

    def close(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            with suppress(Exception):
                run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


def run_all(todo: list[tuple[Path, object, int, bool]], jobs: int,
            audit: Path | None = None) -> tuple[list, dict[Path, list[str]]]:
    """Execute every (path, notebook, timeout, allow_errors) in `jobs` warm kernels: the results in `todo`'s
    order, and with `audit`, the files under it each notebook opened (see WarmKernel). Notebooks are dealt
    to the kernels in a fixed order, so two runs put the same notebooks in the same kernel."""
    n_kernels = max(1, min(jobs, len(todo)))
    shares = [todo[i::n_kernels] for i in range(n_kernels)]

    def run_share(share):
        with WarmKernel(audit) as kernel:
            return [kernel.execute(*item) for item in share], kernel.opened

    with ThreadPoolExecutor(max_workers=n_kernels) as pool:
        done = list(pool.map(run_share, shares))
    results, opened = [None] * len(todo), {}
    for i, (share_results, share_opened) in enumerate(done):
        results[i::n_kernels] = share_results
        opened.update(share_opened)
    return results, opened
