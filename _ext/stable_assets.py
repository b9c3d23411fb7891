"""Make a first (cold) build link its assets exactly as every later build does.

Sphinx appends `?v=<checksum>` to a stylesheet's URL only when the file is already in the output's
`_static/` while pages are written. myst-nb copies its `mystnb.<hash>.css` there at the very end of a
build, so a cold build links it without `?v=` and every later build with it: two builds of the same
sources differed. We copy the file when the builder starts, as myst-nb itself would at the end (same
source, same name), so the link is the same whatever the state of `_build/`.

This uses two private functions of myst-nb: they are imported only after checking that the installed
myst-nb is in the range pyproject.toml declares (the range this was tested with), so a newer release
stops the build with a message saying so rather than a bare ImportError or a silently wrong link.
"""

from __future__ import annotations

from importlib.metadata import requires, version
from pathlib import Path

from packaging.requirements import Requirement
from sphinx.errors import ExtensionError

from analysis import DISTRIBUTION

GUARDED = "myst-nb"


def tested_range(package: str = GUARDED) -> Requirement:
    """The bounds pyproject.toml gives `package` (read from the installed package's metadata)."""
    for line in requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        if requirement.name == package and requirement.marker is None:
            return requirement
    raise ExtensionError(f"pyproject.toml declares no bounds for {package}, which _ext/stable_assets.py needs")


def check_version(package: str = GUARDED, installed: str | None = None) -> None:
    installed = installed or version(package)
    wanted = tested_range(package)
    if not wanted.specifier.contains(installed, prereleases=True):
        raise ExtensionError(
            f"_ext/stable_assets.py uses private functions of {package} tested for {wanted.specifier} "
            f"(pyproject.toml), but {package} {installed} is installed: install requirements.lock "
            f"(make install), or check that myst_nb.sphinx_ext._get_file_hash and _import_resources_path "
            f"still behave the same and widen the bounds in pyproject.toml")


check_version()

from myst_nb import static  # noqa: E402  (after the version check, on purpose)
from myst_nb.sphinx_ext import _get_file_hash, _import_resources_path  # noqa: E402
from sphinx.util.fileutil import copy_asset_file  # noqa: E402


def _copy_mystnb_css(app) -> None:
    if app.builder.format != "html":
        return
    with _import_resources_path(static, "mystnb.css") as source:
        target = Path(app.outdir) / "_static" / f"mystnb.{_get_file_hash(source)}.css"
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_asset_file(str(source), str(target))


def setup(app):
    app.connect("builder-inited", _copy_mystnb_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
