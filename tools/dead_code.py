"""Dead code in the analysis package: `vulture` over the package, with the callers outside it.

The chapters call the package from their code cells (MyST notebooks, not Python files), so their
cells are extracted into one temporary module that vulture reads as a caller, beside `_ext/`, the
tests and the benchmarks. Exit 1 and one line per unused name when vulture finds any.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)
OPTIONS = re.compile(r"\A---\n.*?^---\n", re.S | re.M)  # a cell's YAML options block
CALLERS = ["_ext", "tests", "bench"]
MIN_CONFIDENCE = "60"
WHITELIST = ROOT / "tools" / "vulture_whitelist.py"


def chapter_cells() -> str:
    """The code of every chapter cell and of the regional template, as one Python source."""
    sources = sorted((ROOT / "book").rglob("*.md")) + sorted((ROOT / "analysis").rglob("templates/*.md"))
    cells = []
    for path in sources:
        for code in CELL.findall(path.read_text(encoding="utf-8")):
            code = OPTIONS.sub("", code)
            lines = [line for line in code.splitlines()
                     if not line.lstrip().startswith(("%", "!", ":", "from __future__"))]
            cells.append("def _cell():\n" + "".join(f"    {line}\n" for line in lines) + "    pass\n")
    return "\n".join(cells)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        callers = Path(tmp) / "chapter_cells.py"
        callers.write_text(chapter_cells(), encoding="utf-8")
        args = [sys.executable, "-m", "vulture", "analysis", *CALLERS, str(callers), str(WHITELIST),
                "--min-confidence", MIN_CONFIDENCE, "--exclude", "*/fixtures/*"]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    unused = [line for line in done.stdout.splitlines() if line.startswith("analysis/")]
    for line in unused:
        print(line)
    if done.returncode not in (0, 3):  # 3: vulture found dead code (anywhere, callers included)
        print(done.stderr, file=sys.stderr)
        return done.returncode
    return 1 if unused else 0


if __name__ == "__main__":
    sys.exit(main())
