"""The layer rules hold. The contracts name contexts by wildcard, so every context is under them."""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_import_contracts_are_kept() -> None:
    assert lint_imports(config_filename=str(PYPROJECT)) == 0
