"""The relay as a process of its own (`python -m {{ cookiecutter.package_name }} relay`): killed in the middle of
its work and started again, it still hands a consumer every event exactly once; a stop signal
ends it with exit status 0."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy import URL, func, select

from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    OutboxMessage,
)

from {{ cookiecutter.package_name }}.settings import (
    BrokerSettings,
)
from tests.conftest import TEST_DATABASE_SETTINGS

CommitEvents = Callable[..., Awaitable[list[DomainEvent]]]

PREFIX = "{{ cookiecutter.__env_prefix }}"
# The package under test, whichever copy of it the environment has installed.
SOURCE = Path(__file__).resolve().parents[3] / "src"
DEADLINE = 20.0


@pytest.fixture
def start_relay(
    database_url: URL, broker_url: str, broker_settings: BrokerSettings, tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `relay` processes on the test's database and stream; killed at the end if alive."""
    started: list[subprocess.Popen[bytes]] = []
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(PREFIX)}
    environment = {
        **inherited,
        "PYTHONPATH": os.pathsep.join([str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]),
        f"{PREFIX}ENVIRONMENT": "test",
        f"{PREFIX}LOG_LEVEL": "WARNING",
        f"{PREFIX}DATABASE__URL": database_url.render_as_string(hide_password=False),
        f"{PREFIX}DATABASE__TRANSACTION_POOLING": str(TEST_DATABASE_SETTINGS.transaction_pooling),
        f"{PREFIX}BROKER__URL": broker_url,
        f"{PREFIX}BROKER__SUBJECT_PREFIX": broker_settings.subject_prefix,
        # Small claims, so a kill lands in the middle of the work, and a short lease, so the
        # next process takes over the dead one's claim soon.
        f"{PREFIX}OUTBOX__BATCH_SIZE": "10",
        f"{PREFIX}OUTBOX__LEASE_SECONDS": "0.5",
        f"{PREFIX}OUTBOX__POLL_INTERVAL": "0.1",
    }

    def start() -> subprocess.Popen[bytes]:
        with (tmp_path / f"relay-{len(started)}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "{{ cookiecutter.package_name }}", "relay"],
                env=environment,
                cwd=tmp_path,  # no `.env` of the developer's applies
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


async def delivered(database: Database) -> int:
    statement = select(func.count()).where(OutboxMessage.delivered_at.is_not(None))
    async with database.engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(DEADLINE):
        while not await check():  # noqa: ASYNC110 (the state of the database)
            await asyncio.sleep(0.01)


async def consume_all(js: JetStreamContext, broker: BrokerSettings, count: int) -> list[Msg]:
    """What a new consumer of the stream receives: `count` messages, then nothing more."""
    subscription = await js.pull_subscribe(f"{broker.subject_prefix}.>", stream=broker.stream)
    received: list[Msg] = []
    async with asyncio.timeout(DEADLINE):
        while len(received) < count:
            for message in await subscription.fetch(count - len(received), timeout=DEADLINE):
                await message.ack()
                received.append(message)
    info = await subscription.consumer_info()
    assert info.num_pending == 0
    return received


async def test_a_relay_killed_mid_batch_and_started_again_hands_over_every_event_once(
    start_relay: Callable[[], subprocess.Popen[bytes]],
    commit_events: CommitEvents,
    committed_database: Database,
    jetstream: JetStreamContext,
    broker_settings: BrokerSettings,
) -> None:
    aggregates = [uuid4() for _ in range(20)]
    first = start_relay()
    events = await commit_events(*aggregates * 10)

    async def some_delivered() -> bool:
        return await delivered(committed_database) > 0

    async def all_delivered() -> bool:
        return await delivered(committed_database) == len(events)

    await eventually(some_delivered)
    first.send_signal(signal.SIGKILL)
    await asyncio.to_thread(first.wait)
    assert await delivered(committed_database) < len(events)  # it died with work left

    second = start_relay()
    await eventually(all_delivered)
    second.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(second.wait, DEADLINE) == 0

    received = await consume_all(jetstream, broker_settings, len(events))
    assert sorted(message.header["Nats-Msg-Id"] for message in received if message.header) == (
        sorted(str(event.id) for event in events)
    )
    versions: dict[str, list[int]] = {}
    for message in received:
        body = json.loads(message.data)
        versions.setdefault(body["aggregate_id"], []).append(body["aggregate_version"])
    assert versions == {str(aggregate): list(range(1, 11)) for aggregate in aggregates}
