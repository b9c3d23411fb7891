"""The quiet log of a book build: what a person waiting for `make book` needs, one line per step.

Kept: the chapters executed (one line each, with their time), the downloadable notebooks written, every
warning and error, the closing lines. Dropped: Sphinx's and myst's configuration dumps, the per-page
« reading sources » / « writing output » progress, the cached-notebook notices, and ipykernel's
« Kernel is running over TCP without encryption » warning, which says nothing about the book.

`hide` lists texts that must never reach a log (a restricted build passes the interview folder's path
and name): a line holding one is replaced by a notice, never printed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NOISE = re.compile(
    r"Kernel is running over TCP without encryption"
    r"|^(Running Sphinx|loading translations|making output directory|myst v|myst-nb v|sphinx-multitoc-numbering"
    r"|checking bibtex cache|parsing bibtex file|building \[mo\]|writing output\.\.\.\s*$|reading sources\.\.\. \["
    r"|writing output\.\.\. \[|copying |generating indices|writing additional pages|dumping "
    r"|looking for now-outdated|pickling environment|checking consistency|preparing documents|copying assets"
    r"|Config Path|Source Folder)"
    r"|: Using cached notebook: ID=|^\[etoc\]"
    # jupyter-book's closing banner: `make book` prints where the book is in one line of its own
    r"|^=+$|^(Finished generating HTML|Your book's HTML|You can look at your book|Or paste this line"
    r"|The HTML pages are in)|^(\.\./|file://)"
)
HIDDEN = "(a line naming the restricted interview folder was left out of the log)"


def quiet(lines: Iterable[str], hide: Iterable[str] = ()) -> Iterator[str]:
    """The lines worth reading, without colour codes; a line holding a `hide` text is replaced."""
    secrets = [h for h in hide if h]
    for raw in lines:
        line = ANSI.sub("", raw.rstrip("\n"))
        if any(secret in line for secret in secrets):
            yield HIDDEN
        elif line.strip() and not NOISE.search(line.strip()):
            yield line


def main() -> int:
    """`jb build … 2>&1 | python -m analysis.build.buildlog`: the quiet log, line by line as it comes."""
    for line in quiet(sys.stdin):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
