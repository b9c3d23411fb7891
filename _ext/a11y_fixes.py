"""Markup fixes for accessibility checks that upstream HTML fails, and a French interface.

- docutils wraps a bibliography in `<div role="list">` whose children carry the deprecated
  `doc-biblioentry` role instead of `listitem`; axe-core reports it as a critical violation
  (aria-required-children). We give the entries the list-item role the container requires.
- A page whose front matter sets `lang:` (the English summary) gets its body marked with that
  language, so screen readers switch voice; the rest of the book is French (`language: fr`).
- The theme's search buttons and colour-mode switch had an accessible name (`aria-label`) that does
  not contain their visible label (axe-core 4.14 `label-content-name-mismatch`, WCAG 2.5.3), and
  several of its buttons had English tooltips. `_ext/templates/` overrides those components
  (pydata-sphinx-theme 0.17.1, sphinx-book-theme 1.3.0), and the remaining English strings the
  theme builds in Python are translated here.
- Sphinx 7.4 lists an inline script added by an extension after the builder started (sphinx-thebe's
  `const THEBE_JS_URL = ...`, sphinx-togglebutton's selector) twice: once from the builder (file
  name None) and once from the registry when writing starts (file name ''), which the builder's
  duplicate check does not recognise as the same script. The second `const` declaration throws
  « Identifier 'THEBE_JS_URL' has already been declared » on every page. We keep one copy.
"""

from __future__ import annotations

from pathlib import Path

UPSTREAM = 'role="doc-biblioentry"'
FIXED = 'role="listitem"'
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"  # reader.css: source-marker tooltips, paragraph links
SEARCH_BAR_TEXT = "Rechercher dans ce livre…"
# Tooltips the theme builds in Python that its French catalogue does not translate.
FRENCH_TOOLTIPS = {
    "Source repositories": "Dépôt source et signalement de problèmes",
}


def _configure(app, config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.html_theme_options = {**config.html_theme_options, "search_bar_text": SEARCH_BAR_TEXT}


def _fix_bibliography(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and UPSTREAM in body:
        context["body"] = body.replace(UPSTREAM, FIXED)


def _mark_language(app, pagename, templatename, context, doctree) -> None:
    lang = (context.get("meta") or {}).get("lang")
    if lang and context.get("body"):
        context["body"] = f'<div lang="{lang}">{context["body"]}</div>'


def _translate_buttons(buttons: list[dict]) -> None:
    for button in buttons:
        if button.get("tooltip") in FRENCH_TOOLTIPS:
            button["tooltip"] = FRENCH_TOOLTIPS[button["tooltip"]]
        _translate_buttons(button.get("buttons", []))


def _french_header_buttons(app, pagename, templatename, context, doctree) -> None:
    _translate_buttons(context.get("header_buttons") or [])


def _script_key(script) -> tuple:
    return (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))


def _one_copy_of_each_script(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("reader.css")
    app.connect("html-page-context", _fix_bibliography)
    app.connect("html-page-context", _mark_language)
    # After sphinx-book-theme fills header_buttons (priority 501) and after every extension that
    # adds a script to one page.
    app.connect("html-page-context", _french_header_buttons, priority=900)
    app.connect("html-page-context", _one_copy_of_each_script, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
