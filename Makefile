# Set-up and main jobs. `make demo` and `make test` need nothing run before them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
SAMPLE := kg/data/sample/hf-daily-papers-sample.txt
DEMO_OUT ?= demo-out
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test system-deps demo test test-fast benchmarks docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=23.2"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[test]"
	touch $@ $(VENV)/.installed

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
