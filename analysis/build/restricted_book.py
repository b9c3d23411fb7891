"""`make book-restricted DIR=… [OUT=…]`: the restricted edition in one command.

The folder is checked first (analysis/interviews/restricted.py); then `jb build` runs with
`ALLIANCES_INTERVIEWS_DIR` set, into OUT (outside the repository: by default `~/alliances-edition-restreinte`),
and its own gate runs the privacy scan on everything it wrote (_ext/restricted_gate.py). The log is the
quiet log of `make book` (analysis/build/buildlog.py), also kept in `OUT/build.log`; no line of it names the
folder. A failure ends with one paragraph that says what failed and what to run next, never a traceback:
the details quote the folder's files, so only `make validate-restricted` prints them, on the data
holder's terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.build import buildlog
from analysis.contract import env, paths
from analysis.contract.data import ROOT, in_repository
from analysis.contract.report import EXIT_INVALID
from analysis.interviews import restricted

DEFAULT_OUT = Path("~/alliances-edition-restreinte")
LOG_NAME = "build.log"
# Vega, Vega-Lite and vega-embed as `make book` bundled them (_ext/vega_bundle.py): nothing of the folder.
VEGA_BUNDLE = Path("_build/html/_static") / paths.VEGA_BUNDLE
INVALID = ("The restricted edition was not built: the interview folder has problems, and nothing was executed "
           "or written. Run `make validate-restricted DIR=…` with the same folder to see each problem (file, "
           "row, column and rule), fix them, then run this command again.")
INSIDE = ("The restricted edition was not built: its output folder is inside the repository, where it could be "
          "committed. Give OUT= a folder outside the repository (the default is ~/alliances-edition-restreinte).")
FAILED = ("The restricted edition was not built: {reason}. The lines above, also kept in {log}, say which page "
          "or step failed; nothing under {html} may be published until a build of the same folder succeeds.")


def _reason(lines: list[str]) -> str:
    """The build's own one-line cause, from the gate's messages or Sphinx's error line."""
    text = "\n".join(lines)
    if restricted.GENERIC_MESSAGE in text:
        return "the interview folder has problems"
    if "privacy scan found" in text:
        return "the privacy scan found personal details in what was built, and the pages were removed"
    errors = [line for line in lines if "ERROR" in line or "WARNING" in line or "Error" in line]
    return f"the build stopped on « {errors[-1][:200]} »" if errors else "the build stopped"


def _seed_vega_bundle(root: Path, out: Path) -> None:
    """A new OUT starts with the public build's bundle: bundling costs about 2.5 CPU-seconds, and
    _ext/vega_bundle.py still rebuilds it when its first line names other versions."""
    public, target = root / VEGA_BUNDLE, out / VEGA_BUNDLE
    if public.is_file() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(public, target)


def main(folder: Path, out: Path | None = None, root: Path = ROOT, toc: Path | None = None,
         strict: bool = True) -> int:
    folder = Path(folder).expanduser().resolve()
    out = Path(out or DEFAULT_OUT).expanduser().resolve()
    if in_repository(out, root):
        print(INSIDE, file=sys.stderr)
        return EXIT_INVALID
    try:
        invalid = bool(restricted.problems(folder))
    except Exception:  # noqa: BLE001 - any failure is reported the same way, without its details
        invalid = True
    if invalid:
        print(INVALID, file=sys.stderr)
        return EXIT_INVALID
    out.mkdir(parents=True, exist_ok=True)
    _seed_vega_bundle(root, out)
    command = [str(Path(sys.executable).with_name("jb")), "build", str(root), "--path-output", str(out)]
    command += (["--toc", str(toc)] if toc else []) + (["-W", "-n", "--keep-going"] if strict else ["-n"])
    print(f"restricted edition: building into {out}", flush=True)
    hide = [str(folder), folder.name]
    kept: list[str] = []
    with open(out / LOG_NAME, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, env={**os.environ, env.INTERVIEWS_DIR: str(folder)}, cwd=root,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        in_traceback = False
        for line in buildlog.quiet(process.stdout, hide):
            # A traceback is the build tool's, not the reader's: the paragraph below says what matters.
            in_traceback = in_traceback or line.startswith("Traceback (most recent call last)")
            if in_traceback and not line.startswith(("sphinx.errors", "Extension error")):
                continue
            kept.append(line)
            print(line, flush=True)
            log.write(line + "\n")
        status = process.wait()
        if status:
            message = FAILED.format(reason=_reason(kept), log=out / LOG_NAME, html=out / "_build" / "html")
            log.write(message + "\n")
    if status:
        print(message, file=sys.stderr)
        return EXIT_INVALID
    print(f"restricted edition built: {out / '_build' / 'html' / 'index.html'} (checked by the privacy scan)")
    return 0
