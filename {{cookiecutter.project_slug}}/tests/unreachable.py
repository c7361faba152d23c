"""Databases that cannot answer: a port nobody listens on, and a server that never replies."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import URL

from {{ cookiecutter.package_name }}.settings import (
    Environment,
    Settings,
)


def closed_port_url() -> URL:
    """A database URL whose port refuses connections (a database that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return URL.create("postgresql", "nobody", "secret", "127.0.0.1", port, "none")


@asynccontextmanager
async def silent_server() -> AsyncIterator[URL]:
    """A database URL whose server accepts connections and never answers (a hung server)."""
    released = asyncio.Event()

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await released.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield URL.create("postgresql", "nobody", "secret", "127.0.0.1", port, "none")
    finally:
        released.set()
        server.close()
        await server.wait_closed()


def settings_for(url: URL, **database: object) -> Settings:
    """Test settings on `url`, with database settings changed as given."""
    return Settings(
        environment=Environment.TEST,
        database={"url": url.render_as_string(hide_password=False), **database},
    )
