"""French typography on every page the build writes: prose, tables from the data, titles, footer.

One rule (`analysis.contract.typography.fr`) applied once, to the finished HTML, so no author, chapter or
data row has to type a no-break space: a space (or none) before « : ; ? ! » becomes a no-break
space, and so does the space inside « ». Only text between tags changes; tags, scripts, styles,
code (`code`, `pre`, `kbd`, `samp`) and anything marked `lang="en"` are left byte for byte.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from analysis.contract.typography import fr

KEEP = {"code", "pre", "kbd", "samp", "math", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Comments and raw-text elements are passed over whole; any other tag is tracked to know where text sits.
_TOKEN = re.compile(r"<!--.*?-->|<(script|style|textarea)\b[^>]*>.*?</\1\s*>|<!?[^>]*>", re.S | re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)([^>]*)>")
_ENGLISH = re.compile(r"""\blang\s*=\s*["']?en""", re.I)


def french_html(page: str) -> str:
    """`page` with French spacing in its visible text; tags, scripts and code are left byte for byte."""
    out, stack, last = [], [], 0  # stack: (tag, keep text as is)
    for token in _TOKEN.finditer(page):
        out.append(_text(page[last:token.start()], stack))
        out.append(token.group(0))
        last = token.end()
        tag = _TAG.fullmatch(token.group(0))
        if tag is None or token.group(1):
            continue
        closing, name, rest = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            if any(open_ == name for open_, _ in stack):
                while stack and stack.pop()[0] != name:
                    pass
        elif name not in VOID and not rest.rstrip().endswith("/"):
            keep = name in KEEP or bool(_ENGLISH.search(rest)) or (bool(stack) and stack[-1][1])
            stack.append((name, keep))
    out.append(_text(page[last:], stack))
    return "".join(out)


def _text(raw: str, stack: list[tuple[str, bool]]) -> str:
    if not raw.strip() or (stack and stack[-1][1]):
        return raw
    plain = html.unescape(raw)
    new = fr(plain)
    return raw if new == plain else html.escape(new, quote=False)


def _remember(app, pagename, templatename, context, doctree) -> None:
    app.env.french_pages = getattr(app.env, "french_pages", set()) | {pagename}


def _apply(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for pagename in sorted(getattr(app.env, "french_pages", set())):
        path = Path(app.outdir) / f"{pagename}.html"
        if path.is_file():
            html = path.read_text(encoding="utf-8")
            new = french_html(html)
            if new != html:
                path.write_text(new, encoding="utf-8")
    app.env.french_pages = set()


def setup(app):
    app.connect("html-page-context", _remember)
    app.connect("build-finished", _apply, priority=400)  # before the downloads and PDFs read the pages
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
