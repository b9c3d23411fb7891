"""Names vulture cannot see used: called by the standard library, or attributes a library reads."""

from types import SimpleNamespace

from analysis.build import anchors, links, pdf

anchors._Ids.handle_starttag  # html.parser.HTMLParser calls it
links._Page.handle_starttag  # html.parser.HTMLParser calls it
pdf._Quiet.log_message  # http.server calls it

_ = SimpleNamespace()
_._ID  # pypdf writes PdfWriter._ID (set in analysis/build/pdf.py) as the file identifier
_.compress_type  # zipfile reads these ZipInfo attributes (set in analysis/contract/archive.py)
_.create_system
