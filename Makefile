# Set-up and main jobs. `make demo` and `make test` need nothing run before them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
SAMPLE := kg/data/sample/hf-daily-papers-sample.txt
DEMO_OUT ?= demo-out
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test system-deps spacy-without-hooks demo test test-fast benchmarks docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=23.2"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	$(MAKE) --no-print-directory spacy-without-hooks
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[test]"
	$(MAKE) --no-print-directory spacy-without-hooks
	touch $@ $(VENV)/.installed

# spaCy's PyPI wheels for Python < 3.12 carry Cython's profiling hooks, which take the GIL around every call of the
# NER's transition loop: the same release rebuilt from its source without them extracts 1.66x as fast, with
# byte-identical output (kg/extract/spacy_build.py). Once per venv, a few minutes; SPACY_FROM_SOURCE=0 skips it, and
# a failed rebuild leaves the PyPI wheel in place with a warning.
SPACY_FROM_SOURCE ?= 1
spacy-without-hooks: | $(BIN)/python
	@if [ "$(SPACY_FROM_SOURCE)" = 0 ]; then echo "SPACY_FROM_SOURCE=0: keeping spaCy's PyPI wheel."; \
	else $(BIN)/python -m kg.extract.spacy_build || echo "warning: keeping spaCy's PyPI wheel (see above)."; fi

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

install-test: system-deps $(VENV)/.installed-test

demo: install
	$(BIN)/kg build $(SAMPLE) -o $(DEMO_OUT)
	$(BIN)/kg stats $(DEMO_OUT)
	$(BIN)/kg export $(DEMO_OUT) --format turtle -o exports/demo.ttl
	$(BIN)/kg view $(DEMO_OUT) -o $(DEMO_OUT)/overview.html
	@echo
	@echo "Demo build:     $(abspath $(DEMO_OUT))"
	@echo "  graph files:  $(abspath $(DEMO_OUT))/graph/"
	@echo "  SPARQL store: $(abspath $(DEMO_OUT))/rdf/   (kg sparql $(DEMO_OUT) --list)"
	@echo "  Cypher store: $(abspath $(DEMO_OUT))/cypher/ (kg cypher $(DEMO_OUT) --list)"
	@echo "  view:         $(abspath $(DEMO_OUT))/overview.html"
	@echo "  Turtle:       $(abspath exports/demo.ttl)"
	@echo "Try: $(BIN)/kg sparql $(DEMO_OUT) --name most_used_datasets"

test: install-test
	$(BIN)/python -m pytest -q

benchmarks: install-test
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

docs: install
	$(BIN)/python -m kg.docs > docs/cli.md

clean:
	rm -rf $(DEMO_OUT) .pytest_cache tests/_artifacts
