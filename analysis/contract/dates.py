"""Partial dates as the sources give them, and how a reader sees them.

A dated row stores `YYYY`, `YYYY-MM` or `YYYY-MM-DD` plus a precision (`jour`, `mois`, `annee`,
`annee-deduite`; domain `date_precision` of the labels table). A date is never shown more
precisely than its precision says.
"""

from __future__ import annotations

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
LENGTH_OF = {"jour": 10, "mois": 7, "annee": 4, "annee-deduite": 4}  # the stored value's length


def precision_of(value: str) -> str:
    """The precision a stored value carries by its form (an inferred year must be declared)."""
    return {10: "jour", 7: "mois", 4: "annee"}[len(value)]


def french(value: object, precision: object = None) -> str:
    """« 6 juillet 2011 », « juillet 2011 », « 2011 », « vers 2011 (année déduite) »; empty -> ''."""
    import pandas as pd  # here: the validator imports this module and never needs pandas

    if value is None or pd.isna(value) or str(value) == "":
        return ""
    text = str(value)
    precision = precision_of(text) if precision is None or pd.isna(precision) else str(precision)
    year = text[:4]
    if precision == "annee-deduite":
        return f"vers {year} (année déduite)"
    if precision == "annee":
        return year
    month = MONTHS_FR[int(text[5:7]) - 1]
    if precision == "mois":
        return f"{month} {year}"
    day = int(text[8:10])
    return f"{'1er' if day == 1 else day} {month} {year}"

