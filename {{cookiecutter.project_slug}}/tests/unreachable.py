"""Databases that cannot answer: a port nobody listens on, a server that never replies, and
one that stops replying."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import URL

from {{ cookiecutter.package_name }}.settings import (
    Environment,
    Settings,
)
from tests.conftest import TEST_DATABASE_SETTINGS

# Bound, never listening, and kept for the whole run: connecting to one is refused, and no
# other socket can take its port, not even as the local port of a connection to itself
# (which would answer nothing until the connect timeout).
_HELD_PORTS: list[socket.socket] = []


def closed_port_url() -> URL:
    """A database URL whose port refuses connections (a database that is down)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    _HELD_PORTS.append(probe)
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


@asynccontextmanager
async def freezing_relay(target: URL) -> AsyncIterator[tuple[URL, asyncio.Event]]:
    """A URL for the server of `target` through a relay that, once the event is set, stops
    passing anything on, for connections open and new alike: a server that hangs while
    connections to it are pooled."""
    frozen = asyncio.Event()
    relays: set[asyncio.Task[None]] = set()
    streams: list[asyncio.StreamWriter] = []

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        socket_dir = target.query.get("host")  # the embedded PostgreSQL's Unix socket
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            path = f"{socket_dir}/.s.PGSQL.{target.port or 5432}"
            return await asyncio.open_unix_connection(path)
        return await asyncio.open_connection(target.host, target.port or 5432)

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (data := await reader.read(65536)) and not frozen.is_set():
            writer.write(data)
            await writer.drain()
        await asyncio.Future()  # frozen, or one side closed: hold the other side open

    async def relay(client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        if not frozen.is_set():
            server, to_server = await connect()
            streams.append(to_server)
            await asyncio.gather(forward(client, to_server), forward(server, to_client))
        await asyncio.Future()

    def start(client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        streams.append(to_client)
        relays.add(asyncio.create_task(relay(client, to_client)))

    listener = await asyncio.start_server(start, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield target.set(host="127.0.0.1", port=port, query={}), frozen
    finally:
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)
        for stream in streams:
            stream.close()
        listener.close()
        await listener.wait_closed()


def settings_for(url: URL, **database: object) -> Settings:
    """Test settings on `url`, with database settings changed as given."""
    return Settings(
        environment=Environment.TEST,
        database={
            "url": url.render_as_string(hide_password=False),
            "transaction_pooling": TEST_DATABASE_SETTINGS.transaction_pooling,
            **database,
        },
    )
