"""The layer rules hold, and every bounded context is under them."""

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

from {{ cookiecutter.package_name }} import (
    contexts,
)

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_import_contracts_are_kept() -> None:
    assert lint_imports(config_filename=str(PYPROJECT)) == 0


def test_every_bounded_context_is_covered_by_the_contracts() -> None:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    layered = {
        container.rsplit(".", 1)[-1]
        for contract in config
        if contract["type"] == "layers"
        for container in contract["containers"]
    }

    assert set(contexts.discover()) <= layered
