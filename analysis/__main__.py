"""`python -m analysis …`: the command line lives in `analysis.build.cli`."""

import sys

from analysis.build.cli import main
from analysis.contract.data import DataNotFound
from analysis.contract.report import EXIT_INVALID

if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataNotFound as exc:  # an installed package outside a checkout, with no folder given
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_INVALID)
