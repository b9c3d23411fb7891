"""`python -m analysis …`: the command line lives in `analysis.build.cli`."""

import sys

from analysis.build.cli import main

if __name__ == "__main__":
    sys.exit(main())
