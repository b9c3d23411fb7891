"""The quiet build log keeps what a person waiting needs (a line per chapter, warnings, the verdict) and
drops configuration dumps, per-page progress, kernel transport warnings and jupyter-book's banner; a line
naming a hidden text (the restricted folder) never passes."""

from __future__ import annotations

from analysis.build.buildlog import HIDDEN, quiet

RAW = """\
\x1b[01mRunning Sphinx v7.4.7\x1b[39;49;00m
\x1b[01mmyst v3.0.1:\x1b[39;49;00m MdParserConfig(commonmark_only=False)
executing 2 notebooks not in the cache, 2 at a time: index, mauricie
executed book/regions/mauricie.md (2.6 s)
[IPKernelApp] WARNING | Kernel is running over TCP without encryption. Anyone with access can connect.
\x1b[01mreading sources... \x1b[39;49;00m[ 50%] \x1b[35mbook/index\x1b[39;49;00m
/srv/book/index.md: Using cached notebook: ID=1 [mystnb]
/srv/book/regions/mauricie.md:22: WARNING: undefined label: 'contexte'
data/ or analysis/ or the restricted interviews changed since the last build: every chapter is executed again
reading /home/equipe/dossier-confidentiel/interviews.csv
build succeeded, 1 warning.
===============================================================================
Your book's HTML pages are here:
    ../../tmp/out/_build/html/
"""


def test_the_quiet_log_keeps_what_matters_and_hides_the_folder():
    assert list(quiet(RAW.splitlines(keepends=True), hide=["/home/equipe/dossier-confidentiel",
                                                           "dossier-confidentiel"])) == [
        "executing 2 notebooks not in the cache, 2 at a time: index, mauricie",
        "executed book/regions/mauricie.md (2.6 s)",
        "/srv/book/regions/mauricie.md:22: WARNING: undefined label: 'contexte'",
        "data/ or analysis/ or the restricted interviews changed since the last build: every chapter is "
        "executed again",
        HIDDEN,
        "build succeeded, 1 warning.",
    ]
