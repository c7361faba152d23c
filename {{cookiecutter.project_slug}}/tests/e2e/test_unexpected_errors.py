"""An unexpected error is a 500 problem, logged once, and the client's connection stays open.

Served by a real uvicorn, since what is at stake is the server's keep-alive connection.
"""

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import create_app

from .conftest import settings_under_test


def failing_app() -> FastAPI:
    """The application with two more routes: one fails, one tells the client's port."""
    # Never connected to: neither route uses the database.
    database = Database(create_async_engine("postgresql+asyncpg://unused@127.0.0.1/unused"))
    app = create_app(settings_under_test(), database)

    async def fail() -> None:
        raise RuntimeError("boom")

    async def peer(request: Request) -> int:
        assert request.client is not None
        return request.client.port

    app.add_api_route("/fail", fail)
    app.add_api_route("/peer", peer)
    return app


@pytest.fixture
def served() -> Iterator[str]:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(failing_app(), lifespan="off", log_config=None))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]})
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    host, port = listening.getsockname()
    yield f"http://{host}:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listening.close()


def test_a_500_keeps_the_connection_and_is_logged_once(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=served) as client:
        before = client.get("/peer").json()
        failed = client.get("/fail", headers={"X-Request-ID": "req-500"})
        after = client.get("/peer").json()

    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.headers["X-Request-ID"] == "req-500"
    assert "boom" not in failed.text
    # The same client port: the request after the 500 came on the same connection.
    assert after == before
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.getMessage() for record in errors] == ["unhandled error on GET /fail"]
    assert errors[0].exc_info is not None
