"""The relay on a real broker and a real database: every committed event reaches the stream,
once, in order per aggregate, whatever fails on the way and however many relays run."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from sqlalchemy import func, select, update

from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging import (
    relay as relay_module,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.embedded_nats import (
    start_embedded_nats,
    stop_embedded_nats,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.nats_broker import (
    JetStreamPublisher,
    ensure_stream,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    OutboxDeadLetter,
    OutboxMessage,
    outbox_backlog,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.publisher import (
    OutgoingMessage,
    Publisher,
    PublishResult,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.relay import (
    OutboxRelay,
)

from {{ cookiecutter.package_name }}.settings import (
    BrokerSettings,
    OutboxSettings,
)
from tests.conftest import metric, on_a_direct_connection

CommitEvents = Callable[..., Awaitable[list[DomainEvent]]]
Published = Callable[[], Awaitable[list[RawStreamMsg]]]
BuildRelay = Callable[..., OutboxRelay]

# Retries a millisecond apart: the tests wait for outcomes, not for backoff.
QUICK = OutboxSettings(
    poll_interval=0.05, max_attempts=3, retry_base_seconds=0.001, retry_max_seconds=0.002
)
DEADLINE = 10.0
# How an event was settled: when it was delivered, its attempts, and any lease left on it.
SETTLEMENT = OutboxMessage.delivered_at, OutboxMessage.attempts, OutboxMessage.lease_token


@pytest.fixture
async def nats_client(broker_url: str) -> AsyncIterator[Client]:
    client = await nats.connect(broker_url)
    yield client
    await client.close()


@pytest.fixture
def publisher(nats_client: Client, broker_settings: BrokerSettings) -> JetStreamPublisher:
    return JetStreamPublisher(nats_client, broker_settings)


@pytest.fixture
def relay(
    committed_database: Database,
    publisher: JetStreamPublisher,
    broker_settings: BrokerSettings,
    jetstream: JetStreamContext,
) -> BuildRelay:
    """A relay of the test's database to the test's stream, `through` a publisher if given."""

    def build(settings: OutboxSettings = QUICK, through: Publisher | None = None) -> OutboxRelay:
        engine = committed_database.engine
        return OutboxRelay(engine, through or publisher, broker_settings, settings)

    return build


@pytest.fixture(
    params=[-1, 40], ids=["larger-than-the-limit", "within-the-limit-but-not-with-its-headers"]
)
def poison_text(request: pytest.FixtureRequest, nats_client: Client) -> Callable[[int], str]:
    """The text of an event whose body, in an envelope of the given size, is `request.param`
    bytes short of the broker's limit (the headers come on top)."""

    def text(envelope_size: int) -> str:
        room: int = request.param
        return "x" * (nats_client.max_payload - room - envelope_size)

    return text


class Stalling:
    """A publisher that holds its batch until released: a relay paused (a long garbage
    collection, a network partition) between its claim and its publish."""

    def __init__(self, publisher: Publisher) -> None:
        self._publisher = publisher
        self.holding = asyncio.Event()
        self.released = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._publisher.connected

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PublishResult]:
        self.holding.set()
        await self.released.wait()
        return await self._publisher.publish(messages)


class Counting:
    """A publisher that notes every event it sends."""

    def __init__(self, publisher: Publisher) -> None:
        self._publisher = publisher
        self.sent: list[str] = []

    @property
    def connected(self) -> bool:
        return self._publisher.connected

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PublishResult]:
        self.sent.extend(message.id for message in messages)
        return await self._publisher.publish(messages)


async def outbox_rows(database: Database, *columns: Any) -> list[tuple[Any, ...]]:
    """Columns of every outbox row, in commit order."""
    statement = select(*columns).order_by(OutboxMessage.sequence)
    async with database.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(statement)]


async def undelivered(database: Database) -> int:
    statement = select(func.count()).where(OutboxMessage.delivered_at.is_(None))
    async with database.engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def drain(relay: OutboxRelay, database: Database) -> None:
    """Relay until no event waits; fail after `DEADLINE` seconds."""
    async with asyncio.timeout(DEADLINE):
        while await undelivered(database):
            if not await relay.relay_once():
                await asyncio.sleep(0.005)


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(DEADLINE):
        while not await check():  # noqa: ASYNC110 (the state of the database or the client)
            await asyncio.sleep(0.01)


def by_aggregate(messages: Sequence[RawStreamMsg]) -> dict[str, list[int]]:
    """Each aggregate's versions, in the order the stream holds them."""
    versions: dict[str, list[int]] = {}
    for message in messages:
        body = json.loads(message.data or b"")
        versions.setdefault(body["aggregate_id"], []).append(body["aggregate_version"])
    return versions


def message_ids(messages: Sequence[RawStreamMsg]) -> list[str]:
    return [(message.headers or {})["Nats-Msg-Id"] for message in messages]


async def test_an_event_goes_out_with_its_subject_headers_and_body_then_counts_as_delivered(
    relay: BuildRelay,
    commit_events: CommitEvents,
    published: Published,
    committed_database: Database,
    broker_settings: BrokerSettings,
) -> None:
    aggregate = uuid4()
    (event,) = await commit_events(aggregate, text="Write docs", request_id="request-42")

    assert await relay().relay_once() == 1

    (message,) = await published()
    assert message.subject == f"{broker_settings.subject_prefix}.notes.note_written"
    assert message.headers is not None
    assert message.headers["Nats-Msg-Id"] == str(event.id)
    assert message.headers["Content-Type"] == "application/json"
    assert message.headers["X-Request-ID"] == "request-42"
    body = json.loads(message.data or b"")
    assert datetime.fromisoformat(body.pop("occurred_at")) == event.occurred_at
    assert body == {
        "id": str(event.id),
        "type": "note_written",
        "schema_version": 1,
        "aggregate_id": str(aggregate),
        "aggregate_version": 1,
        "data": {"text": "Write docs"},
    }
    ((delivered_at, attempts, lease),) = await outbox_rows(committed_database, *SETTLEMENT)
    assert (delivered_at is not None, attempts, lease) == (True, 0, None)


async def test_the_relay_counts_the_backlog_and_what_the_broker_answered(
    relay: BuildRelay, commit_events: CommitEvents
) -> None:
    stored = metric("outbox_publishes_total", outcome="stored")
    await commit_events(uuid4(), uuid4())
    relaying = relay()

    waiting = await relaying.count_backlog()

    assert waiting.events == metric("outbox_backlog_events") == 2
    assert metric("outbox_oldest_event_age_seconds") == waiting.oldest_age_seconds
    assert await relaying.relay_once() == 2
    assert metric("outbox_publishes_total", outcome="stored") - stored == 2
    await relaying.count_backlog()
    assert metric("outbox_backlog_events") == metric("outbox_oldest_event_age_seconds") == 0


async def test_an_event_the_stream_did_not_store_stays_undelivered_and_no_attempt_is_counted(
    relay: BuildRelay,
    commit_events: CommitEvents,
    committed_database: Database,
    jetstream: JetStreamContext,
    broker_settings: BrokerSettings,
) -> None:
    await commit_events(uuid4())
    await jetstream.delete_stream(broker_settings.stream)  # the broker answers, no stream stores

    assert await relay().relay_once() == 0

    assert await outbox_rows(committed_database, *SETTLEMENT) == [(None, 0, None)]
    await ensure_stream(jetstream, broker_settings)
    assert await relay().relay_once() == 1
    stream = await jetstream.stream_info(broker_settings.stream)
    assert stream.state.messages == 1


async def test_each_aggregate_s_events_reach_the_stream_in_their_order(
    relay: BuildRelay,
    commit_events: CommitEvents,
    published: Published,
    committed_database: Database,
) -> None:
    aggregates = [uuid4() for _ in range(4)]
    for _ in range(5):
        await commit_events(*aggregates)  # every aggregate's events interleaved in commit order

    # Fewer aggregates per claim than there are: several claims, each a few aggregates deep.
    await drain(relay(QUICK.model_copy(update={"batch_size": 3})), committed_database)

    messages = await published()
    assert by_aggregate(messages) == {str(aggregate): [1, 2, 3, 4, 5] for aggregate in aggregates}
    assert len(set(message_ids(messages))) == 20


async def test_a_claim_takes_batch_size_events_each_aggregate_s_first_before_any_second(
    relay: BuildRelay,
    commit_events: CommitEvents,
    committed_database: Database,
) -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    events = await commit_events(a, b, c, a, b, c, a, b, c)

    assert await relay(QUICK.model_copy(update={"batch_size": 4})).relay_once() == 4

    delivered = OutboxMessage.id, OutboxMessage.delivered_at.is_not(None)
    assert await outbox_rows(committed_database, *delivered) == [
        (event.id, position < 4) for position, event in enumerate(events)
    ]


async def test_events_a_relay_claimed_and_left_are_delivered_by_another_once_its_lease_expires(
    relay: BuildRelay,
    publisher: JetStreamPublisher,
    commit_events: CommitEvents,
    published: Published,
    committed_database: Database,
) -> None:
    aggregate = uuid4()
    events = await commit_events(aggregate, aggregate, aggregate)
    short_lease = QUICK.model_copy(update={"lease_seconds": 0.25})
    stalling = Stalling(publisher)
    stalled = asyncio.create_task(relay(short_lease, stalling).relay_once())
    try:
        await stalling.holding.wait()
        other = relay(short_lease)

        assert await other.relay_once() == 0  # the lease holds
        await drain(other, committed_database)  # then it expires
        settled = await outbox_rows(committed_database, *SETTLEMENT)

        # The stalled relay wakes up and publishes the same events again: the stream drops
        # them by their ids, and its settlement, under a lease it lost, changes nothing.
        stalling.released.set()
        await stalled
    finally:
        stalled.cancel()
        with suppress(asyncio.CancelledError):
            await stalled
    messages = await published()
    assert message_ids(messages) == [str(event.id) for event in events]
    assert await outbox_rows(committed_database, *SETTLEMENT) == settled
    assert [(attempts, lease) for delivered_at, attempts, lease in settled if delivered_at] == [
        (0, None)
    ] * 3


async def test_relays_running_side_by_side_send_each_event_once_in_order_per_aggregate(
    relay: BuildRelay,
    publisher: JetStreamPublisher,
    commit_events: CommitEvents,
    published: Published,
    committed_database: Database,
) -> None:
    aggregates = [uuid4() for _ in range(10)]
    events = await commit_events(*aggregates * 8)
    small_batches = QUICK.model_copy(update={"batch_size": 4})
    publishers = [Counting(publisher), Counting(publisher)]

    await asyncio.gather(
        *(drain(relay(small_batches, counting), committed_database) for counting in publishers)
    )

    sent = [event_id for counting in publishers for event_id in counting.sent]
    assert sorted(sent) == sorted(str(event.id) for event in events)  # no event sent twice
    messages = await published()
    assert len(messages) == len(events)
    assert by_aggregate(messages) == {str(aggregate): list(range(1, 9)) for aggregate in aggregates}


async def test_an_event_the_broker_refuses_is_dead_lettered_and_the_others_flow_meanwhile(
    relay: BuildRelay,
    commit_events: CommitEvents,
    published: Published,
    committed_database: Database,
    poison_text: Callable[[int], str],
) -> None:
    poisoned, healthy = uuid4(), uuid4()
    dead_lettered = metric("outbox_dead_letters_total")
    # Retries far enough apart to look at the outbox between two, even on a busy machine.
    backing_off = QUICK.model_copy(update={"retry_base_seconds": 0.6, "retry_max_seconds": 0.6})
    relaying = relay(backing_off)
    (probe,) = await commit_events(healthy, text="")
    await relaying.relay_once()
    (sent,) = await published()
    (poison,) = await commit_events(poisoned, text=poison_text(len(sent.data or b"")))
    first, after_poison, second = await commit_events(healthy, poisoned, healthy)

    assert await relaying.relay_once() == 2
    # The healthy aggregate's events went out; the poisoned one waits behind its first event.
    state = OutboxMessage.id, OutboxMessage.delivered_at.is_not(None), OutboxMessage.attempts
    waiting = [
        (probe.id, True, 0),
        (poison.id, False, 1),
        (first.id, True, 0),
        (after_poison.id, False, 0),
        (second.id, True, 0),
    ]
    assert await outbox_rows(committed_database, *state) == waiting
    # Until its retry is due, the poisoned aggregate's events are left alone.
    assert await relaying.relay_once() == 0
    assert await outbox_rows(committed_database, *state) == waiting
    await drain(relaying, committed_database)

    dead_letters = select(
        OutboxDeadLetter.id,
        OutboxDeadLetter.aggregate_id,
        OutboxDeadLetter.event_type,
        OutboxDeadLetter.attempts,
        OutboxDeadLetter.last_error,
    )
    async with committed_database.engine.connect() as connection:
        dead = [tuple(row) for row in await connection.execute(dead_letters)]
    assert dead == [(poison.id, poisoned, "note_written", 3, "larger than the broker accepts")]
    assert metric("outbox_dead_letters_total") - dead_lettered == 1
    # Once the poison is out of the way, the events behind it follow.
    in_stream = [probe, first, second, after_poison]
    assert message_ids(await published()) == [str(event.id) for event in in_stream]


async def test_while_the_broker_is_down_events_wait_uncounted_and_drain_once_it_is_back(
    tmp_path: Path,
    commit_events: CommitEvents,
    committed_database: Database,
    broker_settings: BrokerSettings,
) -> None:
    data_dir = tmp_path / "nats"
    url = start_embedded_nats(data_dir)
    try:
        # Reconnecting every few milliseconds, not every second as the service does.
        client = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.02)
        try:
            await ensure_stream(client.jetstream(), broker_settings)
            publisher = JetStreamPublisher(client, broker_settings)
            relay = OutboxRelay(committed_database.engine, publisher, broker_settings, QUICK)
            stop_embedded_nats(data_dir)

            async def disconnected() -> bool:
                return not client.is_connected

            await eventually(disconnected)
            aggregate = uuid4()
            events = await commit_events(aggregate, uuid4(), aggregate)

            assert await relay.relay_once() == 0
            async with committed_database.engine.connect() as connection:
                assert (await outbox_backlog(connection)).events == 3
            assert await outbox_rows(committed_database, OutboxMessage.attempts) == [(0,)] * 3

            assert start_embedded_nats(data_dir) == url  # the same address: the client returns
            await drain(relay, committed_database)
            stream = await client.jetstream().stream_info(broker_settings.stream)
            assert stream.state.messages == len(events)
        finally:
            await client.close()
    finally:
        stop_embedded_nats(data_dir)


async def test_prune_drops_delivered_events_older_than_the_retention_only(
    relay: BuildRelay,
    commit_events: CommitEvents,
    committed_database: Database,
) -> None:
    old, recent = await commit_events(uuid4(), uuid4())
    await drain(relay(), committed_database)
    (waiting,) = await commit_events(uuid4())
    async with committed_database.engine.begin() as connection:
        await connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([old.id, waiting.id]))
            .values(
                created_at=func.now() - timedelta(hours=2),
                delivered_at=OutboxMessage.delivered_at - timedelta(hours=2),
            )
        )
    keep_an_hour = QUICK.model_copy(update={"delivered_retention_seconds": 3600})

    assert await relay(keep_an_hour).prune() == 1

    assert await outbox_rows(committed_database, OutboxMessage.id) == [(recent.id,), (waiting.id,)]


async def test_the_running_relay_prunes_all_that_is_due_not_one_batch_per_interval(
    relay: BuildRelay,
    commit_events: CommitEvents,
    committed_database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(relay_module, "PRUNE_BATCH", 2)
    monkeypatch.setattr(relay_module, "PRUNE_INTERVAL", 60.0)
    await commit_events(*[uuid4() for _ in range(5)])
    await drain(relay(), committed_database)
    async with committed_database.engine.begin() as connection:
        aged = OutboxMessage.delivered_at - timedelta(hours=2)
        await connection.execute(update(OutboxMessage).values(delivered_at=aged))

    async def pruned() -> bool:
        return await outbox_rows(committed_database, OutboxMessage.id) == []

    keep_an_hour = QUICK.model_copy(update={"delivered_retention_seconds": 3600})
    running = asyncio.create_task(relay(keep_an_hour).run())
    try:
        await eventually(pruned)
    finally:
        running.cancel()
        with suppress(asyncio.CancelledError):
            await running


@on_a_direct_connection("LISTEN needs a connection of its own; through the pooler the relay polls")
async def test_a_commit_wakes_the_running_relay_long_before_its_next_poll(
    relay: BuildRelay,
    commit_events: CommitEvents,
    committed_database: Database,
) -> None:
    async def all_delivered() -> bool:
        return await undelivered(committed_database) == 0

    running = asyncio.create_task(relay(QUICK.model_copy(update={"poll_interval": 30})).run())
    try:
        await commit_events(uuid4())
        # Delivered by the relay's first look or on the notification: either way, it listens.
        await eventually(all_delivered)
        await commit_events(uuid4())
        await eventually(all_delivered)  # fails after DEADLINE, well before the next poll
    finally:
        running.cancel()
        with suppress(asyncio.CancelledError):
            await running
