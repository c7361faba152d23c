"""The relay and the consumers as long-running tasks: in processes of their own (the
`relay` and `consume` commands) or inside the development server."""

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ....settings import Environment, Settings
from ..database import Database
from ..embedded_postgres import default_data_dir
from .consumers import EventConsumers, Subscription
from .embedded_nats import default_nats_dir, start_embedded_nats
from .nats_broker import JetStreamPublisher, connected, ensure_stream
from .relay import OutboxRelay

logger = logging.getLogger(__name__)


def broker_url(settings: Settings, project_root: Path | None = None) -> str:
    """The configured URL, or an embedded NATS server's when none is set in development."""
    if settings.broker.url is not None:
        return settings.broker.url.get_secret_value()
    data_dir = embedded_broker_dir(settings, project_root)
    if data_dir is None:
        raise RuntimeError("a broker URL is required outside development")
    return start_embedded_nats(data_dir)


def embedded_broker_dir(settings: Settings, project_root: Path | None = None) -> Path | None:
    if settings.broker.url is not None or settings.environment is not Environment.DEVELOPMENT:
        return None
    if settings.broker.embedded_dir is not None:
        return settings.broker.embedded_dir
    root = project_root or Path.cwd()
    return default_nats_dir(settings.database.embedded_dir or default_data_dir(root))


async def relay_events(database: Database, url: str, settings: Settings) -> None:
    async with connected(url, settings.broker, name="relay") as client:
        await ensure_stream(client.jetstream(), settings.broker)
        publisher = JetStreamPublisher(client, settings.broker)
        relay = OutboxRelay(database.engine, publisher, settings.broker, settings.outbox)
        await relay.run()


async def consume_events(
    database: Database, url: str, settings: Settings, subscriptions: Sequence[Subscription[Any]]
) -> None:
    if not subscriptions:
        logger.info("no context subscribes to another's events: nothing to consume")
        return
    async with connected(url, settings.broker, name="consumers") as client:
        sessions = database.sessions
        consumers = EventConsumers(sessions, subscriptions, settings.broker, settings.inbox)
        await consumers.run(client)
