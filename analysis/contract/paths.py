"""Where the checkout is: a module with no dependency, so a check that only hashes files starts fast."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout, when the package runs from one

# The Vega, Vega-Lite and vega-embed bundle the book ships, in the built HTML's _static/ (_ext/vega_bundle.py).
VEGA_BUNDLE = "vega-bundle.js"

# The governance networks' downloads (GraphML, GEXF, CSV) inside the built HTML: _ext/downloads.py writes them,
# and the regional chapters link to them (analysis.present.diagram).
NETWORKS_DOWNLOAD_DIR = "telechargements/reseaux"
