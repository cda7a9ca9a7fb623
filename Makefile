# The two commands of the README. Each sets up what it needs first (a virtualenv in .venv).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint clean bench

demo: setup
	$(VENV)/bin/ledgerport init --demo
	$(VENV)/bin/ledgerport serve

test: setup lint
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy

# The benchmark of issue 5 (needs PostgreSQL on 127.0.0.1:5432 and wrk); see bench/run.py.
bench: setup
	$(VENV)/bin/python bench/run.py

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "ledgerport needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
