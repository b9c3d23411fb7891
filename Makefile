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

.PHONY: install validate book book-all serve lint unit test browser-deps bench lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Skipped when data/ and analysis/ hash as at the last successful validation (stamp in _build/, never in data/).
VALIDATED := _build/.validated
validate: install
	@sum=$$(find data analysis -type f -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum | sha256sum); \
	if [ -f $(VALIDATED) ] && [ "$$(cat $(VALIDATED))" = "$$sum" ]; then \
	  echo "data/ valid (unchanged since its last validation; rm $(VALIDATED) to force)"; \
	else $(BIN)/python -m analysis validate data && mkdir -p _build && echo "$$sum" > $(VALIDATED); fi

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

# Side by side in one run, in scratch copies: floor, cold build vs one-notebook-at-a-time baseline,
# rebuilds, `make test`, page weight, chart drawing, data ×1/×10/×100 -> bench/results/latest.{json,md}.
# BENCH_ARGS=--quick skips the slow parts (see python bench/run.py --help).
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
