"""Where things are: the checkout, and the names the built HTML shares between modules. A module with no
dependency, so a check that only hashes files starts fast."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout, when the package runs from one

# The Vega, Vega-Lite and vega-embed bundle the book ships, in the built HTML's _static/ (_ext/vega_bundle.py).
VEGA_BUNDLE = "vega-bundle.js"

# The readers' downloads, inside the built HTML: the data package's zip (analysis.contract.archive) and the
# codebook (analysis.build.qdc), then one folder each for the chapters' notebooks and PDFs
# (analysis.build.notebooks, analysis.build.pdf) and for the governance networks (GraphML, GEXF, CSV), which
# _ext/downloads.py writes and the regional chapters link to.
DOWNLOADS = "telechargements"
NETWORKS_DOWNLOAD_DIR = f"{DOWNLOADS}/reseaux"
