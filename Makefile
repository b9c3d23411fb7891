# Two commands for newcomers: `make book` and `make test`. Everything else is a helper target.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
JB     := $(BIN)/jb
HTML   := _build/html
PORT   ?= 8000
# pytest-xdist: test files spread over the cores; each file stays whole, in order, on one worker
# (test_validate.py ends by checking what its other tests left in data/). PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile

.PHONY: install validate book book-all serve lint unit test browser-deps bench lock clean \
        validate-restricted determinism determinism-check linkcheck privacy-scan

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

validate: install
	$(BIN)/python -m analysis validate data

book: validate
	$(JB) build . -W -n --keep-going
	@echo "Book built: open $(HTML)/index.html, or run 'make serve' and visit http://127.0.0.1:$(PORT)/"

# --all re-reads every page, so a failing notebook cannot hide behind the cache (CI uses this).
book-all: validate
	$(JB) build . --all -W -n --keep-going

serve:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

lint: install
	$(BIN)/ruff check analysis tests _ext bench

browser-deps:
	@tools/ensure-chromium.sh

test: install browser-deps lint book-all
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory linkcheck privacy-scan determinism-check

# Cold build, no-change rebuild, rebuild after a data edit, pytest and `make test`, in a scratch copy.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Regenerate the exact lock from pyproject.toml in a throw-away environment.
lock:
	rm -rf /tmp/alliances-lock && $(PYTHON) -m venv /tmp/alliances-lock
	/tmp/alliances-lock/bin/pip install --quiet -e '.[test]'
	( echo '# Exact versions installed by `make book` (regenerate: make lock). Python 3.11.'; \
	  /tmp/alliances-lock/bin/pip freeze --exclude-editable ) > requirements.lock

clean:
	rm -rf _build

# --- Quality gates (issue 13) -------------------------------------------------------------------
# The restricted interview folder ($ALLIANCES_INTERVIEWS_DIR), with every detail, on this terminal only:
# a build that meets a problem says no more than "invalid" (_ext/restricted_gate.py).
validate-restricted: install
	$(BIN)/python -m analysis validate-restricted

# A second, cold build (empty execution cache) in its own folder must give the same files as the
# book-all build, byte for byte, apart from the build date (analysis/determinism.py says what is masked).
DETERMINISM := _build/determinism
determinism: book-all determinism-check

# The same without rebuilding _build/html first (make test has just built it).
determinism-check:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	@rm -rf $(DETERMINISM) && mkdir -p $(DETERMINISM)
	@echo "determinism: second cold build into $(DETERMINISM) (log: $(DETERMINISM)/build.log)"
	@$(JB) build . --path-output $(DETERMINISM) --all -W -n --keep-going > $(DETERMINISM)/build.log 2>&1 \
	  || { tail -40 $(DETERMINISM)/build.log; exit 1; }
	$(BIN)/python -m analysis compare-builds $(DETERMINISM)/_build/html $(HTML)

# Internal links and anchors must resolve (exit 2 otherwise); external ones are listed, never fetched.
linkcheck:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m analysis links $(HTML) --report _build/linkcheck/external-links.txt

# E-mail addresses, phone numbers and deny-listed names (deny-list.txt of the restricted folder, when
# $ALLIANCES_INTERVIEWS_DIR is set) anywhere in _build: pages, executed notebooks, downloads, PDFs.
privacy-scan:
	@test -f $(HTML)/index.html || { echo "No book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m analysis privacy-scan _build
