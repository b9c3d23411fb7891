"""What a page says about the build it comes from: edition, commit, data version, build date.

The footer of every page shows these four values (see _ext/reproduction.py). The build date is the
only value that changes between two builds of the same commit: it sits alone in a
`<span class="build-date">` so a byte-for-byte comparison of two builds can ignore it.
`SOURCE_DATE_EPOCH` (the reproducible-builds convention) fixes it.
"""

from __future__ import annotations

import datetime as dt
import html
import subprocess

from analysis.contract import dates, env
from analysis.contract.data import DATA_DIR, ROOT, descriptor
from analysis.present import citation

UNKNOWN = "inconnue"


def edition() -> str:
    """The edition number (pyproject.toml's, through the installed package's metadata)."""
    return citation.edition()


def commit(root=ROOT) -> str:
    """The short hash of the checked-out commit, or « inconnue » outside a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return out.stdout.strip() or UNKNOWN


def data_version(data_dir=DATA_DIR) -> str:
    version = descriptor(data_dir).get("version")
    if not version:
        raise ValueError(f"{data_dir}/datapackage.json: no `version`")
    return str(version)


def build_date() -> dt.date:
    """Today (UTC), or the day SOURCE_DATE_EPOCH names."""
    epoch = env.value(env.SOURCE_DATE_EPOCH)
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.date()


def french_date(day: dt.date) -> str:
    """« 1er décembre 2026 », « 15 août 2027 »: the book's one way to write a full date."""
    return dates.french(day.isoformat(), "jour")


def footer_html() -> str:
    """The provenance line of every page's footer."""
    parts = [
        f"Édition {html.escape(edition())}",
        f"commit <code class=\"build-commit\">{html.escape(commit())}</code>",
        f"données version {html.escape(data_version())}",
        f"construit le <span class=\"build-date\">{french_date(build_date())}</span>",
    ]
    return f'<p class="provenance">{" · ".join(parts)}</p>'


def supported_pythons(pyproject=ROOT / "pyproject.toml") -> list[str]:
    """The Python releases pyproject.toml's `requires-python` (">=3.A,<3.B") allows, e.g. ['3.11', '3.12']."""
    import re
    import tomllib

    spec = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["requires-python"]
    match = re.fullmatch(r">=3\.(\d+),\s*<3\.(\d+)", spec.replace(" ", ""))
    if not match:
        raise ValueError(f"{pyproject.name}: requires-python must read '>=3.A,<3.B', not {spec!r}")
    return [f"3.{minor}" for minor in range(int(match.group(1)), int(match.group(2)))]


def french_list(items: list[str]) -> str:
    """« 3.11, 3.12 ou 3.13 »."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} ou {items[-1]}"
