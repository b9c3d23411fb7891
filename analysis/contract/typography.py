"""French typography for text shown to readers, prose from the data included.

A no-break space goes before « : ; ? ! » and inside « »; a narrow one (U+202F) is what French
printers use before « ; ? ! », a full one (U+00A0) before « : » and inside the guillemets. An
apostrophe between two letters is the typographic one (’).
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = "[ \u00a0\u202f]"
# A space (or none) before a high punctuation mark that follows a word, a closing sign, or the start of
# a text (in HTML the word may end the previous element); URLs (`https://`), times (`10:30`) and ratios
# keep their colon untouched because a digit or a slash follows.
_AFTER = r"(?:(?<=[\w»)\]%$’'\"*…])|^)"
_BEFORE_COLON = re.compile(rf"{_AFTER}{_SPACES}?:(?=\s|$)")
_BEFORE_OTHER = re.compile(rf"{_AFTER}{_SPACES}?([;?!])(?=\s|$|[»)])")
_AFTER_OPEN = re.compile(rf"«{_SPACES}?")
_BEFORE_CLOSE = re.compile(rf"{_SPACES}?»")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def fr(text: str) -> str:
    """Return `text` with French no-break spaces around « : ; ? ! » and « » and curly apostrophes."""
    text = _APOSTROPHE.sub("\u2019", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_OTHER.sub(lambda m: NNBSP + m.group(1), text)
    text = _AFTER_OPEN.sub("«" + NBSP, text)
    return _BEFORE_CLOSE.sub(NBSP + "»", text)


def problems(text: str) -> list[str]:
    """Excerpts of `text` where French typography is missing (for tests over built pages)."""
    bad = re.compile(r"\w[ ]?[:;?!](?=\s)|«[ \w]|\w ?»")
    return [text[max(0, m.start() - 20): m.end() + 20] for m in bad.finditer(text)
            if not text[m.start():m.end()].startswith(("http", "https"))]

