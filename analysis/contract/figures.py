"""Numbers a French text states, « 4,4 M$ » read as 4 400 000 and « 4 400 000 » as one number.

Used by the validator (every number of a narrative paragraph is held by a row it cites) and by the pages.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?")
_SCALE = re.compile(r"^\s*(M\s?\$|millions?|G\s?\$|milliards?|k\s?\$)", re.I)


def numbers(text: str) -> set[float]:
    """Every number `text` states, scaled by a unit that follows it (M$, milliards, k$)."""
    found = set()
    for match in _NUMBER.finditer(str(text)):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
        value = float(raw)
        scale = _SCALE.match(str(text)[match.end():])
        if scale:
            unit = scale.group(1).lower()
            value *= 1e6 if unit.startswith("m") else 1e9 if unit.startswith("g") else 1e3
        found.add(round(value, 6))
    return found
