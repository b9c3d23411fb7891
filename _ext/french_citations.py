"""Author-year citations in French: an undated work is « s. d. » (sans date), not the English « n.d. ».

sphinxcontrib-bibtex 2.6 writes the missing year as a literal inside its `year` template node, and its
author-year styles take that node by module-level import, with no setting to change the text. We put a
French node in its place in the two modules that use it, before any page is read.
"""

from __future__ import annotations

from pybtex.style.template import field, first_of, node, optional

UNDATED = "s. d."


@node
def year(children, data):
    assert not children
    return first_of[optional[field("year")], UNDATED].format_data(data)


def setup(app):
    from sphinxcontrib.bibtex.style.referencing import basic_author_year, extra_year

    basic_author_year.year = year
    extra_year.year = year
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
