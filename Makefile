# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job: solve the bundled DreamCoder list tasks with the embedded SQLite library.
demo: $(STAMP)
	$(BIN)/hortus solve lists --library sqlite:///hortus.db --timeout 2 || [ $$? -eq 1 ]
	$(BIN)/hortus library show --library sqlite:///hortus.db

test: $(STAMP)
	$(BIN)/ruff check hortus tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/hortus bench enumerate
	$(BIN)/hortus bench lists --timeout 10

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
