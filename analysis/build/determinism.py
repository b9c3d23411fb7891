"""Compare two builds of the book: every file must be byte-identical, apart from the build date.

What may differ between two builds made on different days, and is masked before comparing HTML:
- any element whose class list holds `build-date` (the footer's build date), attributes included
  (`<time class="build-date" datetime="...">`);
- Sphinx's « last updated » line (`<p class="last-updated">`) and its `docbuild:last-update` meta tag.
Everything else — pages, chart specifications and their element ids, tables, downloads — must match.

`python -m analysis compare-builds REFERENCE OTHER` (used by `make determinism`) exits 2 on a difference.

`python -m analysis reexecute CACHE` is the same gate without a second build (`make test` runs it): every
chapter the build executed is run again, in warm kernels under another hash seed (env.CHECK_HASH_SEED: sets of
strings gone through in another order), from the notebook the build stored, and its outputs — chart
specifications, tables, glued numbers — must equal the stored ones, cell for cell. The rest of a page is
Sphinx rendering those outputs, which depends on nothing else. The same run is audited
(`sys.addaudithook` in the kernels): a chapter that opens a file of the repository which
analysis/build/inputs.py does not list fails too, since the build would not run it again when that file
changes.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

from analysis.build import inputs
from analysis.contract import env

MASK = "[date de construction]"
_BUILD_DATE_ELEMENT = re.compile(
    r"(<(?P<tag>[a-zA-Z][\w-]*)\b[^>]*\bclass=(?P<q>[\"'])(?:(?!(?P=q)).)*\b(?:build-date|last-updated)\b"
    r"(?:(?!(?P=q)).)*(?P=q)[^>]*>)(?P<body>.*?)(</(?P=tag)>)", re.S)
_LAST_UPDATE_META = re.compile(r'(<meta name="docbuild:last-update" content=")[^"]*(")')
TEXT_SUFFIXES = {".html", ".js", ".css", ".txt", ".csv", ".json", ".graphml", ".gexf", ".qdc", ".xml", ".md",
                 ".ipynb", ".svg", ".inv", ".buildinfo"}


def mask(text: str) -> str:
    """The page with its build date replaced by a fixed placeholder."""
    text = _BUILD_DATE_ELEMENT.sub(lambda m: f"<{m.group('tag')} {MASK}></{m.group('tag')}>", text)
    return _LAST_UPDATE_META.sub(rf"\g<1>{MASK}\g<2>", text)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _content(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.suffix == ".html":
        return mask(raw.decode("utf-8")).encode("utf-8")
    return raw


def _first_difference(name: str, a: bytes, b: bytes) -> str:
    if Path(name).suffix not in TEXT_SUFFIXES:
        return f"{name}: binary content differs ({len(a)} and {len(b)} bytes)"
    lines_a = a.decode("utf-8", errors="replace").splitlines()
    lines_b = b.decode("utf-8", errors="replace").splitlines()
    for number, (x, y) in enumerate(zip(lines_a, lines_b, strict=False), start=1):
        if x != y:
            start = next((i for i, (c, d) in enumerate(zip(x, y, strict=False)) if c != d), min(len(x), len(y)))
            window = slice(max(0, start - 40), start + 60)
            return f"{name}:{number}: differs: {x[window]!r} / {y[window]!r}"
    return f"{name}: one build has {len(lines_a)} lines, the other {len(lines_b)}"


def compare(reference: Path, other: Path) -> tuple[list[str], list[str]]:
    """(differences, notes). A file of the reference missing from the other build, or differing, is a
    difference; a file only in `other` is a note (an incremental build can keep files of an older one)."""
    reference, other = Path(reference), Path(other)
    in_ref, in_other = _files(reference), _files(other)
    differences = [f"{name}: only in {reference}" for name in sorted(in_ref - in_other)]
    for name in sorted(in_ref & in_other):
        a, b = _content(reference / name), _content(other / name)
        if a != b:
            differences.append(_first_difference(name, a, b))
    # Leftovers of older incremental builds are not a difference: one line says how many, not which.
    extra = len(in_other - in_ref)
    notes = [f"{extra} file(s) only in {other}, left by earlier builds (not compared)"] if extra else []
    return differences, notes


def _outputs(cell) -> str:
    return json.dumps(cell.get("outputs", []), sort_keys=True, ensure_ascii=False)


def _in_checkout(path: Path, root: Path) -> Path:
    """Where a notebook the cache records is in the checkout at `root`. The cache keeps the absolute path of the
    build that stored it, and its records still serve a checkout moved or copied since (they are matched on the
    notebook's code): then the notebook is the file under `root` named by the longest tail of that path."""
    if path.is_relative_to(root):
        return path
    tails = (root.joinpath(*path.parts[i:]) for i in range(1, len(path.parts)))
    return next((tail for tail in tails if tail.is_file()), path)


def reexecuted(cache_path: Path, root: Path, jobs: int = 2, timeout: int = 300) -> tuple[list[str], int]:
    """Run every notebook of the build's execution cache again, under an audit hook and the check's hash seed;
    (one line per chapter whose outputs differ or that read a file of `root` the list of inputs does not cover,
    number of chapters compared)."""
    from jupyter_cache import get_cache

    from analysis.build import kernels  # Jupyter's modules load only to run chapters, not to compare two builds

    cache = get_cache(str(cache_path))
    stored = [(_in_checkout(Path(record.uri), root), cache.get_cache_bundle(record.pk).nb)
              for record in sorted(cache.list_cache_records(), key=lambda r: r.uri)]
    fresh = []
    for _, nb in stored:
        blank = copy.deepcopy(nb)
        for cell in blank.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        fresh.append(blank)
    os.environ[env.BOOK_BUILD] = "1"  # as during the build (_ext/vega_bundle.py): the kernels inherit it
    os.environ[env.HASH_SEED] = env.CHECK_HASH_SEED  # not the build's (_ext/parallel_execute.py)
    results, opened = kernels.run_all([(path, nb, timeout, False)
                                       for (path, _), nb in zip(stored, fresh, strict=True)], jobs, audit=root)
    problems = []
    for (path, before), result in zip(stored, results, strict=True):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        if result is None:
            problems.append(f"{name}: failed when run again")
            continue
        if unlisted := inputs.unlisted(opened.get(path, []), name):
            problems.append(f"{name}: read {', '.join(unlisted)}, which analysis/build/inputs.py does not list "
                            "(a change there would not make the build run the chapter again)")
        for index, (old, new) in enumerate(zip(before.cells, result.nb.cells, strict=True)):
            if old.cell_type == "code" and _outputs(old) != _outputs(new):
                a, b = _outputs(old), _outputs(new)
                at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
                problems.append(f"{name}: cell {index}: outputs differ: {a[max(0, at - 40):at + 60]!r} / "
                                f"{b[max(0, at - 40):at + 60]!r}")
                break
    return problems, len(stored)
