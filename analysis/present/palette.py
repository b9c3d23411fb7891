"""The book's colours, without the charting library: the codebook export (`export-qdc`) colours its codes
with them and must not pay for importing Altair."""

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
