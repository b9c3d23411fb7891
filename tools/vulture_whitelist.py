"""Names vulture cannot see used: called by the standard library, or attributes a library reads."""

from types import SimpleNamespace

from analysis.build import anchors, links, pdf
from analysis.present import charts

anchors._Ids.handle_starttag  # html.parser.HTMLParser calls it
links._Page.handle_starttag  # html.parser.HTMLParser calls it
pdf._Quiet.log_message  # http.server calls it
charts.start_page  # called by the code analysis.build.kernels sends to a warm kernel (a string)

_ = SimpleNamespace()
# pikepdf writes these PDF dictionary entries, which analysis/build/pdf.py sets as attributes
_.Producer, _.Keywords, _.ViewerPreferences, _.IDTree, _.P, _.Parent, _.Next, _.Prev
_.compress_type  # zipfile reads these ZipInfo attributes (set in analysis/contract/archive.py)
_.create_system
_.on_notebook_start  # nbclient calls the hooks set on its client (analysis/build/kernels.py)
_.on_notebook_complete
