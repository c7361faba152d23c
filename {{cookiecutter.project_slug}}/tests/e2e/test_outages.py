"""A hung database makes the service unready by the probe's deadline, never a hanging probe."""

import time

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.api import (
    health,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import create_app

from ..unreachable import settings_for, silent_server
from .conftest import client_for


async def test_ready_answers_503_by_its_deadline_when_the_database_hangs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A shorter deadline than the 1 s of a real probe keeps the test fast.
    monkeypatch.setattr(health, "READINESS_TIMEOUT_SECONDS", 0.2)
    async with silent_server() as url:
        # Far longer than the probe may take: the probe's own deadline must answer first.
        settings = settings_for(url, connect_timeout=10)
        database = Database.from_settings(settings, url)
        async with client_for(create_app(settings, database)) as client:
            started = time.monotonic()
            response = await client.get("/health/ready")
            elapsed = time.monotonic() - started
        await database.dispose()

    assert response.status_code == 503
    assert 0.2 <= elapsed < 0.7
