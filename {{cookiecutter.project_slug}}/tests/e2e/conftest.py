from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

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


@pytest.fixture
async def client(database: Database) -> AsyncIterator[AsyncClient]:
    """The real application (middleware, error handlers, routers) on the test's transaction."""
    settings = Settings(environment=Environment.TEST, database={"url": "postgresql://unused"})
    app = create_app(settings, database)
    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client
