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

# The main job: a short lifelong-learning session on the bundled DreamCoder list tasks, in the
# embedded SQLite library: what was learned, then a report.
LIBRARY := sqlite:///hortus.db
demo: $(STAMP)
	$(BIN)/hortus learn lists --library $(LIBRARY) --iterations 2 --timeout 2 --test-split 0.5
	$(BIN)/hortus library routines --library $(LIBRARY) --kind invented
	$(BIN)/hortus library show --library $(LIBRARY)
	$(BIN)/hortus report --library $(LIBRARY) --out report.html

test: $(STAMP)
	$(BIN)/ruff check hortus tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/hortus bench enumerate
	$(BIN)/hortus bench lists --timeout 10

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
