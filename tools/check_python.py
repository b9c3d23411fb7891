"""Stop early, with what to install, when the Python that would build .venv cannot install the lock.

Run by `make install` before anything else, with the interpreter it would use ($(PYTHON)). Written for
any Python 3: it must speak even on an old interpreter. The supported range is pyproject.toml's
`requires-python`, the one place it is stated.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def supported():
    """(lowest, highest) minor versions allowed by `requires-python = ">=3.A,<3.B"`."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'requires-python\s*=\s*">=3\.(\d+)\s*,\s*<3\.(\d+)"', text)
    if not match:
        raise SystemExit("pyproject.toml: requires-python must read \">=3.A,<3.B\"")
    return int(match.group(1)), int(match.group(2)) - 1


def main():
    low, high = supported()
    found = sys.version_info[:2]
    wanted = "Python 3.%d to 3.%d" % (low, high)
    if not (found[0] == 3 and low <= found[1] <= high):
        print("Python %d.%d (%s) cannot install this book's environment: it needs %s."
              % (found[0], found[1], sys.executable, wanted), file=sys.stderr)
        pick = min(high, low + 1)
        print("Debian 12 (3.11) and Ubuntu 24.04 (3.12) ship one: sudo apt-get install python3 python3-venv.\n"
              "Elsewhere (e.g. Ubuntu 22.04): sudo add-apt-repository ppa:deadsnakes/ppa &&"
              " sudo apt-get install python3.%d python3.%d-venv (or: pyenv install 3.%d).\n"
              "Then run: make install PYTHON=python3.%d" % (pick, pick, pick, pick), file=sys.stderr)
        return 1
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        print("Python %d.%d has no venv module. On Debian or Ubuntu: sudo apt-get install python3.%d-venv"
              % (found[0], found[1], found[1]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
