from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from starlette.types import ASGIApp

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import (
    create_app,
)
from {{ cookiecutter.package_name }}.settings import (
    Environment,
    Settings,
)

from ..unreachable import closed_port_url, settings_for


@pytest.fixture
async def client(database: Database) -> AsyncIterator[AsyncClient]:
    """The real application (middleware, error handlers, routers) on the test's transaction."""
    async with client_of(database) as client:
        yield client


@pytest.fixture
async def committing_client(committed_database: Database) -> AsyncIterator[AsyncClient]:
    """The real application on a database where every commit is real."""
    async with client_of(committed_database) as client:
        yield client


def settings_under_test(**changed: Any) -> Settings:
    """The settings of an application under test, changed as given; its database is the one
    handed to `create_app`, never one named by a URL."""
    return Settings(
        environment=Environment.TEST,
        database={"url": "postgresql://unused"},
        **changed,
    )


@asynccontextmanager
async def client_of(database: Database) -> AsyncIterator[AsyncClient]:
    async with client_for(create_app(settings_under_test(), database)) as client:
        yield client


@asynccontextmanager
async def client_for(app: ASGIApp) -> AsyncIterator[AsyncClient]:
    # As from a real server: an unhandled error is a 500 response, not an exception here.
    transport = ASGITransport(app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def unreachable_client() -> AsyncIterator[AsyncClient]:
    """The real application on a database that is down: its port refuses connections."""
    url = closed_port_url()
    # A refused connection answers at once, long before this timeout.
    database = Database.from_settings(settings_for(url, connect_timeout=5), url)
    async with client_of(database) as client:
        yield client
    await database.dispose()
