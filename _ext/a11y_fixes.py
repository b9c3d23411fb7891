"""Small markup fixes for accessibility checks that upstream HTML fails.

docutils wraps a bibliography in `<div role="list">` whose children carry the deprecated
`doc-biblioentry` role instead of `listitem`; axe-core reports it as a critical violation
(aria-required-children). We give the entries the list-item role the container requires.

A page whose front matter sets `lang:` (the English summary) gets its body marked with that
language, so screen readers switch voice; the rest of the book is French (`language: fr`).
"""

from __future__ import annotations

UPSTREAM = 'role="doc-biblioentry"'
FIXED = 'role="listitem"'


def _fix_bibliography(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and UPSTREAM in body:
        context["body"] = body.replace(UPSTREAM, FIXED)


def _mark_language(app, pagename, templatename, context, doctree) -> None:
    lang = (context.get("meta") or {}).get("lang")
    if lang and context.get("body"):
        context["body"] = f'<div lang="{lang}">{context["body"]}</div>'


def setup(app):
    app.connect("html-page-context", _fix_bibliography)
    app.connect("html-page-context", _mark_language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
