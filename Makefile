# `make demo` bakes the default service into .demo/ and runs it; `make test` tests the template.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
DEMO := .demo

.PHONY: demo test lint clean

$(BIN)/cookiecutter: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

demo: $(BIN)/cookiecutter ## Bake the default project into .demo/ and serve it on an embedded PostgreSQL
	$(BIN)/cookiecutter . --no-input --overwrite-if-exists --output-dir $(DEMO)
	PATH="$(abspath $(BIN)):$$PATH" $(MAKE) -C $(DEMO)/task-service run

test: lint ## The template's whole test suite
	$(BIN)/pytest

lint: $(BIN)/cookiecutter ## The template's own code: hooks and tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy context/hooks

clean:
	rm -rf $(VENV) $(DEMO) .mypy_cache .ruff_cache .pytest_cache
