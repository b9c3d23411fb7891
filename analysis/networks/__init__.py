"""Governance networks, in three modules.

- `graphs`: the domain: one typed graph per region and phase, measures, governance modes and their
  robustness, the summary of what each diagram draws; returns data, draws nothing;
- `diagram`: for readers: the Altair diagram, the sentence and the tables printed beside it;
- `export`: GraphML, GEXF and CSV files of each region's whole record.
"""

from analysis.networks import diagram, export, graphs
from analysis.networks.export import DOWNLOAD_DIR, EXPORT_FORMATS, export_all

__all__ = ["DOWNLOAD_DIR", "EXPORT_FORMATS", "diagram", "export", "export_all", "graphs"]
