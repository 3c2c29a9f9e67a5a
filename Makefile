# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the virtual environment they need; nothing else is assumed but python3.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/storyline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/storyline
	$(BIN)/storyline demo

lint: $(BIN)/storyline
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(BIN)/storyline
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) build *.egg-info
