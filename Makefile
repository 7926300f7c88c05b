# Adil Soz trends: `make report` builds everything from the shipped data, `make test` checks it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.DEFAULT_GOAL := help
.PHONY: help install report site release test mutation lab lock distclean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# The package's bytecode is written once at install (compileall writes it even where the environment
# sets PYTHONDONTWRITEBYTECODE): otherwise every command compiles the package again at start.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	mkdir -p $(dir $(LAB_SETTINGS)) && cp jupyter/overrides.json $(LAB_SETTINGS)
	touch $(STAMP)

# JupyterLab's settings for this project (jupyter/overrides.json): a .py file opens as a notebook
# (jupytext's viewer), and no autosave, so that a parameter changed to try something reaches
# notebooks/<name>.py only when saved on purpose. Written with the
# environment (any JupyterLab started from .venv reads them) and again when they change.
$(LAB_SETTINGS): jupyter/overrides.json | $(STAMP)
	mkdir -p $(dir $@) && cp jupyter/overrides.json $@

install: $(STAMP) $(LAB_SETTINGS) ## Create .venv and install the pinned dependencies

report: $(STAMP) $(LAB_SETTINGS) ## Bring data/processed/ and reports/ up to date (newest month, three languages); redoes only what changed
	$(BIN)/analysis --wait 3600 report

release: $(STAMP) ## Release the data as releases/<version>/ (validated, never overwritten) when they changed since releases/latest
	$(BIN)/analysis --wait 3600 release

site: $(STAMP) ## Make the embed snippets, download bundles and reports/site/ again from what reports/ holds
	$(BIN)/analysis --wait 3600 site

lab: $(STAMP) $(LAB_SETTINGS) ## Open JupyterLab on the project (as root too, as in a container)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP) ## Lint with ruff, then run the test suite (the end-to-end tests alone: pytest -m e2e)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

mutation: $(STAMP) ## Mutation testing of the code and tables that decide the published numbers (slow; docs/testing.md)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats >/dev/null
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	  print(f\"python: {s['killed']} of {s['total']} mutants killed ({100 * s['killed'] / s['total']:.1f}%)\")"
	$(BIN)/python scripts/mutate_domain_tables.py

lock: ## Re-resolve the dependencies and rewrite requirements.lock
	rm -rf /tmp/adilsoz-lock && $(PYTHON) -m venv /tmp/adilsoz-lock
	/tmp/adilsoz-lock/bin/python -m pip install --quiet -e '.[dev]'
	/tmp/adilsoz-lock/bin/python -m pip freeze --exclude-editable > requirements.lock

distclean: ## Remove the virtual environment and every generated output
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.csv reports/*
	touch reports/.gitkeep
