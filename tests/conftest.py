"""The environment shared by every baked project of a test run."""

from pathlib import Path
from typing import Any

import pytest

from .baking import bake, run


@pytest.fixture(scope="session")
def project_venv(cookies_session: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One environment with the baked projects' dependencies, installed once per run.

    Built by the default project's own `make install`, so the install recipe is tested too.
    """
    venv = tmp_path_factory.mktemp("baked") / "venv"
    project = bake(cookies_session)
    run(["make", "--no-print-directory", "install", f"VENV={venv}"], project, venv)
    return venv
