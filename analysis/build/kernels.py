"""Warm kernels: one Jupyter kernel runs several notebooks in turn, each as a fresh kernel would.

Starting a kernel and importing pandas, Altair and the analysis package costs most of a small
chapter's time. A warm kernel pays it once: before each notebook, its namespace is reset, its working
directory moved to the notebook's folder and its execution count set back to one, while the modules it
imported stay loaded. The build's pre-execution (_ext/parallel_execute.py) and the determinism check
(analysis.build.determinism) run chapters this way.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from jupyter_cache.executors.utils import ExecutionResult
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

JOBS_ENV = "BOOK_EXECUTION_JOBS"  # how many kernels run at once; 1 leaves the build's execution to myst-nb


def jobs() -> int:
    """Kernels to run at once: BOOK_EXECUTION_JOBS, or the usable CPUs (at most 4)."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value:
        return max(1, int(value))
    return max(1, min(4, len(os.sched_getaffinity(0))))


# Run in a warm kernel before each notebook: a fresh namespace, the notebook's own folder, the execution count
# a fresh kernel starts from, and no chart counted yet (chart ids number the drawings of one page).
RESET = """%reset -f
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "analysis.present.charts" in _sys.modules:
    _sys.modules["analysis.present.charts"].start_page()
del _os, _sys
get_ipython().execution_count = 1"""


class WarmKernel:
    """One kernel kept running across notebooks, so each notebook does not pay a start and the imports."""

    def __init__(self):
        self.km = None

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
        client = NotebookClient(notebook, km=self.km, record_timing=False,  # timings would change the cache key
                                timeout=execution.get("timeout", timeout),
                                allow_errors=execution.get("allow_errors", allow_errors),
                                resources={"metadata": {"path": str(path.parent)}})

        async def reset(notebook):  # nbclient's hook once the kernel client is ready, before the first cell
            reply = await client.kc.execute_interactive(RESET.format(cwd=str(path.parent)), store_history=False,
                                                        output_hook=lambda _: None, timeout=60)
            if reply["content"]["status"] != "ok":
                raise RuntimeError("the kernel could not be reset")

        client.on_notebook_start = reset
        start = time.perf_counter()
        try:
            client.execute()
        except Exception:  # noqa: BLE001 - the caller reports it (the build lets myst-nb run it and say why)
            self.close()
            return None
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
        return ExecutionResult(notebook, str(path.parent), time.perf_counter() - start, None, None)

    def close(self) -> None:
        if self.km is not None:
            with suppress(Exception):
                run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


def run_all(todo: list[tuple[Path, object, int, bool]], jobs: int) -> list:
    """Execute every (path, notebook, timeout, allow_errors) in `jobs` warm kernels; results in `todo`'s order.
    Notebooks are dealt to the kernels in a fixed order, so two runs put the same notebooks in the same kernel."""
    n_kernels = max(1, min(jobs, len(todo)))
    shares = [todo[i::n_kernels] for i in range(n_kernels)]

    def run_share(share):
        with WarmKernel() as kernel:
            return [kernel.execute(*item) for item in share]

    with ThreadPoolExecutor(max_workers=n_kernels) as pool:
        done = list(pool.map(run_share, shares))
    results = [None] * len(todo)
    for i, share_results in enumerate(done):
        results[i::n_kernels] = share_results
    return results
