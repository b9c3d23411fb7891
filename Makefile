# Two commands for newcomers: `make book` and `make test`. Everything else is a helper target.
# Any Python 3.11 to 3.13 works (pyproject.toml's requires-python): `make install PYTHON=python3.12`.
PYTHON ?= python3
# bash with pipefail: a build piped through the log filter still fails when the build fails.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
JB     := $(BIN)/jb
HTML   := _build/html
PORT   ?= 8000
# pytest-xdist: test files spread over the cores; each file stays whole, in order, on one worker (a module's
# fixtures, such as the browser's visit of every page, then run once). The files are dealt out in the order
# tests/conftest.py gives (those that start builds and kernels first), not by their number of tests.
# PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder
# The quiet build log: one line per chapter executed, every warning and error, no configuration dumps
# and no ipykernel transport warnings (analysis/build/buildlog.py).
LOG_FILTER := $(BIN)/python -u -m analysis.build.buildlog
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The gates start many Python processes: with bytecode caches (__pycache__/, ignored by git and by every
# fingerprint), each one neither compiles the package again nor has pytest rewrite the tests' asserts again,
# even where the shell asks Python not to write them.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install validate rehash book book-all book-restricted serve lint unit test test-fast browser-deps bench lock clean \
        pdf print-pdf pytest browser-checks anchors lab \
        validate-restricted determinism determinism-check linkcheck privacy-scan

# The Python version is checked first: an unsupported one stops here, saying what to install.
$(STAMP): requirements.lock pyproject.toml
	@if test -x $(BIN)/python; then $(BIN)/python tools/check_python.py; else \
	  command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11, 3.12 or 3.13, then: make install PYTHON=python3.12" >&2; exit 1; }; \
	  $(PYTHON) tools/check_python.py && $(PYTHON) -m venv $(VENV); fi
	@echo "installing the $$(grep -c '==' requirements.lock) pinned packages of requirements.lock into $(VENV) (about 2 minutes on two cores)..."
	@$(PIP) -r requirements.lock
	@echo "installing the analysis package (editable)..."
	@$(PIP) --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Skipped when the build's inputs (analysis/build/inputs.py) hash as at the last successful validation
# (stamp in _build/, never in data/).
VALIDATED := _build/.validated
validate: install
	@sum=$$($(BIN)/python -m analysis.build.inputs); \
	if [ -f $(VALIDATED) ] && [ "$$(cat $(VALIDATED))" = "$$sum" ]; then \
	  echo "data/ valid (unchanged since its last validation; rm $(VALIDATED) to force)"; \
	else $(BIN)/python -m analysis validate data && mkdir -p _build && echo "$$sum" > $(VALIDATED); fi

# After a deliberate edit of a file in data/: validate, then re-record its sha256 in data/datapackage.json
# (refused while any other problem remains).
rehash: install
	$(BIN)/python -m analysis rehash data

# Nothing to do while nothing the book reads changed since its last clean build (the fingerprint in
# _build/.clean-build, written by _ext/data_freshness.py; analysis/build/inputs.py says what is read).
# Incremental after a build without warnings; otherwise every page is re-read (--all), so a page that failed
# cannot hide behind the cache.
book: validate
	@if $(BIN)/python -m analysis.build.inputs --book-current; then \
	  echo "Book up to date: nothing it reads changed since its last clean build ($(HTML)/index.html)"; else \
	  echo "building the book: one line per chapter executed (a cold build takes about a minute on a quiet two-core machine, up to five when it is busy)"; \
	  $(JB) build . $(if $(wildcard _build/.clean-build),,--all) -W -n --keep-going 2>&1 | $(LOG_FILTER) && \
	  echo "Book built: open $(HTML)/index.html, or run 'make serve' and visit http://127.0.0.1:$(PORT)/"; fi

# --all re-reads every page, whatever the last build was.
book-all: validate
	@$(JB) build . --all -W -n --keep-going 2>&1 | $(LOG_FILTER)

# The restricted edition (the data holder's machine only): make book-restricted DIR=~/entrevues/tables
# [OUT=~/alliances-edition-restreinte]. The folder is checked first, the output goes outside the repository,
# the built files are privacy-scanned, and no log line names the folder (analysis/build/restricted_book.py).
# The recipe lines are not echoed: they hold the folder's path.
book-restricted: validate
	@test -n "$(DIR)" || { echo "give the interview folder: make book-restricted DIR=~/entrevues/tables" >&2; exit 2; }
	@$(BIN)/python -m analysis build-restricted "$(DIR)" $(if $(OUT),--out "$(OUT)")

# One PDF per chapter and one for the whole book, printed from the built pages by headless Chromium,
# into $(HTML)/telechargements/pdf/ (the chapters' download menus link there). Only the PDFs whose page,
# fetched files or code changed are printed again (keys in _build/.pdf-keys.json).
pdf: book browser-deps
	@$(MAKE) --no-print-directory print-pdf

# Add the anchors the built book publishes to book/anchors.txt (run after merging new pages).
anchors: install
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m analysis anchors $(HTML)

# JupyterLab on the same environment; chapters (.md) open as notebooks through jupytext, and charts
# are PNG images drawn locally (no internet needed).
lab: install
	$(PIP) -r requirements-lab.lock
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp tools/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) book/index.md

serve:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# ruff; the layers of analysis/ (import-linter contracts in pyproject.toml); dead code (vulture, with the
# chapters' cells as callers).
lint: install
	$(BIN)/ruff check analysis tests _ext bench tools
	@$(BIN)/lint-imports --no-cache --no-logo | tail -n +2 | grep -v '^$$' | grep -v '^-*$$'
	$(BIN)/python tools/dead_code.py

browser-deps:
	@tools/ensure-chromium.sh

# No build: lint beside the unit and data tests (a test that reads the built book, uses a browser, or starts a
# kernel, an interpreter, a build or another program is left out: make test runs them all). The tests are
# dealt out one by one: no fixture of theirs is costly, and test_validate.py is a third of the time.
test-fast: install
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint unit

unit:
	$(BIN)/python -m pytest $(subst --dist loadfile --no-loadscope-reorder,--dist load,$(PYTEST_ARGS)) -m "not built and not browser and not spawns"

# The PDFs are printed here too, so the tests that read them (and the links to them) always run. After the
# build the gates run two at a time, one per core (each one's output printed whole when it ends): the browser
# checks, which print the PDFs on their visit of each page (one load of a page for both) and then run the
# tests that read them (the internal links and anchors of the book with its PDFs among them: make linkcheck's
# check, so it is not run twice), and the chapters run again for determinism; the other tests start when
# determinism is done, and lint and the privacy scan (which reads the PDFs) when the browser checks are.
test: install browser-deps book
	@echo "gates, two at a time: browser checks (printing the PDFs, then links), determinism, tests, lint, privacy (each shown when it ends)"
	@$(MAKE) --no-print-directory -j2 --output-sync=target GATES=1 browser-checks determinism-check pytest lint \
	  privacy-scan

# GATES reaches the sub-make on its command line only: the tests' own commands never see it.
unexport GATES

# The test suite alone, on the book as it is (within make test, all but the browser checks and the PDFs' tests).
pytest:
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(if $(GATES),-m "not browser and not pdf")

# Every page in headless Chromium (tests/browser), in one process whose tabs share the browser; the PDFs that
# are out of date are printed on the same visit of their page, after its checks. The tests that read the PDFs
# (marked `pdf` by tests/conftest.py) come after them in the same process. Within make test the other core runs
# the other tests: one tab at a time, which costs less CPU than two.
browser-checks:
	$(BIN)/python -m pytest -m "browser or pdf" --print-pdf $(if $(GATES),--browser-tabs 1)

# The printing itself, on the book as it is (make pdf builds it first).
print-pdf:
	$(BIN)/python -m analysis pdf $(HTML)

# Side by side in one run, in scratch copies: floor, cold build vs one-notebook-at-a-time baseline,
# rebuilds, `make test`, page weight, chart drawing, data ×1/×10/×100 -> _build/bench/latest.{json,md};
# `make bench RECORD=1` writes them to bench/results/ (tracked) for an edition's record.
# BENCH_ARGS=--quick skips the slow parts (see python bench/run.py --help).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS) $(if $(RECORD),--output bench/results)

# Regenerate the exact locks from pyproject.toml in a throw-away environment (with Python 3.11).
LOCK_HEADER := \# Exact versions of everything `make install` puts in .venv, pip, setuptools and wheel included (regenerate: make lock). Python 3.11; installs unchanged on 3.12 and 3.13.
# The throw-away environment lives in a folder of its own from mktemp, removed whatever happens.
lock:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && $(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --upgrade pip setuptools wheel && \
	"$$tmp/venv/bin/pip" install --quiet -e '.[test]' && \
	( echo '$(LOCK_HEADER)'; "$$tmp/venv/bin/pip" freeze --all --exclude-editable ) > requirements.lock && \
	"$$tmp/venv/bin/pip" install --quiet -c requirements.lock -e '.[lab]' && \
	( echo '# requirements.lock plus JupyterLab, for `make lab` (regenerate: make lock).'; \
	  "$$tmp/venv/bin/pip" freeze --all --exclude-editable ) > requirements-lab.lock

clean:
	rm -rf _build

# --- Quality gates (issue 13) -------------------------------------------------------------------
# The restricted interview folder ($ALLIANCES_INTERVIEWS_DIR), with every detail, on this terminal only:
# a build that meets a problem says no more than "invalid" (_ext/restricted_gate.py).
validate-restricted: install
	@$(BIN)/python -m analysis validate-restricted $(if $(DIR),"$(DIR)")

# Determinism, as make test checks it: every chapter the build executed is run again, in warm kernels, from the
# notebook the build stored, and must give the same outputs, cell for cell (analysis/build/determinism.py); it
# must open no file of the repository that analysis/build/inputs.py does not list (an audit hook records them).
# Within make test the browser checks have the other core: one kernel runs every chapter, and a second one does
# not pay its start and imports again.
determinism-check:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	@$(if $(GATES),BOOK_EXECUTION_JOBS=1) $(BIN)/python -m analysis reexecute _build/.jupyter_cache 2>&1 | $(LOG_FILTER)

# The longer check: a second, cold build in its own folder must give the same files as the book-all build,
# byte for byte, apart from the build date (analysis/build/determinism.py says what is masked).
DETERMINISM := _build/determinism
determinism: book-all
	@rm -rf $(DETERMINISM) && mkdir -p $(DETERMINISM)
	@echo "determinism: second cold build into $(DETERMINISM) (log: $(DETERMINISM)/build.log)"
	@$(JB) build . --path-output $(DETERMINISM) --all -W -n --keep-going > $(DETERMINISM)/build.log 2>&1 \
	  || { tail -40 $(DETERMINISM)/build.log; exit 1; }
	@$(BIN)/python -m analysis compare-builds $(DETERMINISM)/_build/html $(HTML)

# Within make test, the privacy scan reads the PDFs: it waits for them.
ifdef GATES
privacy-scan: browser-checks
endif

# Internal links and anchors must resolve (exit 2 otherwise); external ones are listed, never fetched.
linkcheck:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	@$(BIN)/python -m analysis links $(HTML) --report _build/linkcheck/external-links.txt

# E-mail addresses, phone numbers and deny-listed names (deny-list.txt of the restricted folder, when
# $ALLIANCES_INTERVIEWS_DIR is set) anywhere in _build: pages, executed notebooks, downloads, PDFs.
# A restricted edition: make privacy-scan DIR=~/entrevues/tables OUT=~/alliances-edition-restreinte.
privacy-scan:
	@$(if $(OUT),true,test -f $(HTML)/index.html) || { echo "No book yet: run 'make book' first."; exit 1; }
	@$(if $(DIR),ALLIANCES_INTERVIEWS_DIR="$(DIR)") $(BIN)/python -m analysis privacy-scan $(if $(OUT),"$(OUT)/_build",_build)

# --- Releases (issue 21) ---------------------------------------------------------------------------
# `make release VERSION=X.Y.Z [DATE=AAAA-MM-JJ]`: pyproject.toml's version is the one definition; it is
# installed (package metadata), then written into CITATION.cff, .zenodo.json, the data package and the
# changelog, whose « Non publié » section becomes the release's (analysis/build/release.py).
DATE ?= $(shell date -u +%F)
.PHONY: release release-check
release:
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z [DATE=AAAA-MM-JJ]" >&2; exit 2; }
	$(MAKE) --no-print-directory install
	$(BIN)/python -m analysis.build.release bump $(VERSION)
	$(MAKE) --no-print-directory install
	$(BIN)/python -m analysis.build.release sync --date $(DATE)
	@echo "Edition $(VERSION): make book, make test, then commit and tag v$(VERSION) (README: Publier une nouvelle édition)."

release-check: install
	$(BIN)/python -m analysis.build.release check
