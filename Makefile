# `make demo` bakes the default service into .demo/ and runs it; `make test` tests the template.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
DEMO := .demo
TOOLS := cookiecutter, cruft, pytest, ruff and mypy

.PHONY: help demo test lint clean

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z]+:.*## / { printf "  make %-6s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(BIN)/cookiecutter: requirements-dev.txt
	@if command -v uv >/dev/null 2>&1; then \
		echo "Installing the template's tools ($(TOOLS)) into $(VENV)/ with uv: a few seconds."; \
		uv venv --quiet --allow-existing --python $(PYTHON) $(VENV) && \
		uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt; \
	else \
		echo "Installing the template's tools ($(TOOLS)) into $(VENV)/ with pip: about 40 s (with uv on PATH, a few seconds)."; \
		$(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install --upgrade pip && \
		$(BIN)/python -m pip install -r requirements-dev.txt; \
	fi
	@touch $@

demo: $(BIN)/cookiecutter ## Bake the default project into .demo/ and serve it on an embedded PostgreSQL
	@$(BIN)/python demo.py $(DEMO)
	PATH="$(abspath $(BIN)):$$PATH" $(MAKE) -C $(DEMO)/task-service run

test: lint ## The template's whole test suite
	$(BIN)/pytest

lint: $(BIN)/cookiecutter ## The template's own code: hooks and tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy context/hooks

clean: ## Remove .venv/, .demo/ and the tools' caches
	rm -rf $(VENV) $(DEMO) .mypy_cache .ruff_cache .pytest_cache
