"""Every response carries X-Request-ID, and every log line of the request carries the same id."""

import logging
import re
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.structured_logging import (
    CorrelationFilter,
)

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.settings import (
    Environment,
    Settings,
)

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
async def failing_client(database: Database) -> AsyncIterator[AsyncClient]:
    """The application with one more route, which fails."""
    settings = Settings(environment=Environment.TEST, database={"url": "postgresql://unused"})
    app: FastAPI = create_app(settings, database)

    async def fail() -> None:
        logging.getLogger("orders").info("about to fail")
        raise RuntimeError("boom")

    app.add_api_route("/fail", fail)
    transport = ASGITransport(app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_given_request_id_is_returned(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "edge-7f3a.1"})

    assert response.headers["X-Request-ID"] == "edge-7f3a.1"


async def test_a_missing_request_id_is_made_up(client: AsyncClient) -> None:
    first = await client.get("/health/live")
    second = await client.get("/health/live")

    assert GENERATED_ID.match(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize("given", ["x" * 129, "two words", "new\\nline", ""])
async def test_an_unusable_request_id_is_replaced(client: AsyncClient, given: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": given})

    assert GENERATED_ID.match(response.headers["X-Request-ID"])


async def test_every_log_line_of_a_failing_request_carries_its_id(
    failing_client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(CorrelationFilter())

    with caplog.at_level(logging.INFO):
        response = await failing_client.get("/fail", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-500"
    assert "boom" not in response.text
    ids = {record.getMessage(): getattr(record, "request_id", None) for record in caplog.records}
    assert ids["about to fail"] == "req-500"
    assert ids["unhandled error on GET /fail"] == "req-500"
