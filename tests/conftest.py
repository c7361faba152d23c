"""The environment shared by every baked project of a test run."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .baking import bake, run


@pytest.fixture(scope="session")
def project_venv(cookies_session: Any) -> Iterator[Path]:
    """One environment with the baked projects' dependencies, installed once per run.

    Built by the default project's own `make install`, so the install recipe is tested too.
    It lives outside pytest's temporary folders: pytest makes those private again at every
    start, and the embedded PostgreSQL, run as root, executes its binaries from this
    environment as another user.
    """
    venv = Path(tempfile.mkdtemp(prefix="baked-project-")) / "venv"
    project = bake(cookies_session)
    run(["make", "--no-print-directory", "install", f"VENV={venv}"], project, venv)
    yield venv
    shutil.rmtree(venv.parent, ignore_errors=True)


@pytest.fixture(autouse=True)
def remove_new_embedded_databases() -> Iterator[None]:
    """Delete the embedded PostgreSQL data folders that a baked project's run created.

    Each baked project lives in a new folder, so each gets a new data folder (keyed by its
    path) under the temporary directory, stopped but not removed when its run ends.
    """
    before = set(_embedded_data_dirs())
    yield
    for data_dir in set(_embedded_data_dirs()) - before:
        # One whose server still runs belongs to a run that has not ended (another test
        # session on this machine): it is left alone.
        if not (data_dir / "postmaster.pid").exists():
            shutil.rmtree(data_dir.parent, ignore_errors=True)


def _embedded_data_dirs() -> Iterator[Path]:
    return Path(tempfile.gettempdir()).glob("*-*/pgdata")
