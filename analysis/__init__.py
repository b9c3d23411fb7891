"""Analysis package of the reproducible edition of the six-region Alliances study.

Every chapter reads data and draws figures through this package, so the logic is written once
for six regions and tested in tests/.
"""

from importlib.metadata import PackageNotFoundError, version

# The distribution name in pyproject.toml; its `version` is the edition number, read from the
# installed metadata so pyproject.toml stays its one definition (`make release` changes it).
DISTRIBUTION = "alliances-solidarite"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError as exc:  # imported from a checkout that was never installed
    raise ImportError(f"the {DISTRIBUTION} package is not installed: run `make install` "
                      "(or `pip install .`) so its edition number can be read") from exc
