# Two commands on a fresh machine with Python 3.11 and make:
#   make run    create the venv, install, build, validate, print the 44365 code card and answer showcase questions
#   make test   create the venv with the test tools and run the whole suite (ruff, mypy, pytest)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install build lint typecheck clean docs bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cptkg build --out dist
	$(BIN)/cptkg validate
	$(BIN)/cptkg info 44365
	$(BIN)/cptkg query codes-ending-in -p segment=jejunum --format csv
	$(BIN)/cptkg query code-finder -p segment=ileum -p method=lesion-removal
	$(BIN)/cptkg query claims-vs-curated

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/queries.py
	$(BIN)/python benchmarks/stores.py

build: $(STAMP)
	$(BIN)/cptkg build --out dist

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --dist worksteal

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/cptkg diagram --out docs/model.svg
