"""Consumers on a real broker and a real database: whatever fails or comes twice, a handler's
work is applied once, and an event it cannot handle waits in the dead letters, not in the way."""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID, uuid4

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry.trace import SpanKind
from sqlalchemy import Column, Engine, MetaData, Table, Text, Uuid, func, insert, select

from {{ cookiecutter.package_name }}.shared_kernel.application.messaging.received_event import (
    ReceivedEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.application.unit_of_work import (
    transactional,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.entity_ids import (
    new_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.consumers import (
    EventConsumers,
    Subscription,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.inbox import (
    InboxDeadLetter,
    InboxMessage,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.tracing import (
    start_tracing,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.unit_of_work import (
    SqlAlchemyUnitOfWork,
)

from {{ cookiecutter.package_name }}.settings import (
    BrokerSettings,
    InboxSettings,
)
from tests.conftest import FinishedSpans, metric

# Retries a few milliseconds apart: the tests wait for outcomes, not for backoff.
QUICK_RETRIES = InboxSettings(retry_base_seconds=0.01, retry_max_seconds=0.02, max_attempts=3)
DEADLINE = 10.0
NOTES = "notes--tasks--task_created"

# What the subscribing context's handler writes: a table of the tests' own, not a model.
arrivals = Table(
    "consumer_test_arrivals",
    MetaData(),
    Column("consumer", Text, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("title", Text, nullable=False),
)


class HandlerFailedError(Exception):
    pass


@dataclass
class Behaviour:
    """How the handler of one subscribing context behaves, and what it was called with."""

    context: str
    fails_first: int = 0
    fails_on: str | None = None
    calls: list[UUID] = field(default_factory=list)

    def subscription(self) -> Subscription[SqlAlchemyUnitOfWork]:
        return Subscription(
            self.context, "tasks", "task_created", SqlAlchemyUnitOfWork, self.handler
        )

    def handler(self, uow: SqlAlchemyUnitOfWork) -> Callable[[ReceivedEvent], None]:
        return RecordArrival(uow, self)

    def fails(self, event: ReceivedEvent) -> bool:
        failed_before = len(self.calls) - 1
        return failed_before < self.fails_first or event.data["title"] == self.fails_on


@dataclass(frozen=True, slots=True)
class RecordArrival:
    """A use case of the subscribing context. It writes before it fails, so that a failure
    always has work of its own to undo."""

    uow: SqlAlchemyUnitOfWork
    behaviour: Behaviour

    @transactional
    def __call__(self, event: ReceivedEvent) -> None:
        self.behaviour.calls.append(event.id)
        row = {"consumer": self.behaviour.context, "event_id": event.id, **event.data}
        self.uow.session.execute(insert(arrivals).values(row))
        if self.behaviour.fails(event):
            raise HandlerFailedError("refused")


def envelope(title: str) -> dict[str, Any]:
    return {
        "id": str(new_id()),
        "type": "task_created",
        "schema_version": 1,
        "occurred_at": "2030-01-02T03:04:05+00:00",
        "aggregate_id": str(uuid4()),
        "aggregate_version": 1,
        "data": {"title": title},
    }


@dataclass(frozen=True)
class Stream:
    """The test's stream, as the tasks context publishes to it."""

    js: JetStreamContext
    broker: BrokerSettings

    @property
    def subject(self) -> str:
        return f"{self.broker.subject_prefix}.tasks.task_created"

    async def publish(self, body: dict[str, Any] | bytes, **headers: str) -> None:
        """As the relay publishes, but each message with an id of its own: the stream keeps
        every copy, as it does one sent again after its duplicate window."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        await self.js.publish(self.subject, data, headers={"Nats-Msg-Id": str(uuid4()), **headers})

    async def settled(self, consumer: str) -> bool:
        """Whether the consumer has answered every message of the stream for good."""
        try:
            info = await self.js.consumer_info(self.broker.stream, consumer)
        except NotFoundError:  # not created yet
            return False
        return (info.num_pending, info.num_ack_pending, info.num_redelivered) == (0, 0, 0)

    async def wait_until_settled(self, *consumers: str) -> None:
        async with asyncio.timeout(DEADLINE):
            for consumer in consumers:
                while not await self.settled(consumer):  # noqa: ASYNC110 (the broker's state)
                    await asyncio.sleep(0.02)


class Consuming(Protocol):
    def __call__(self, *subscriptions: Subscription[Any]) -> AbstractAsyncContextManager[None]: ...


@pytest.fixture
def stream(jetstream: JetStreamContext, broker_settings: BrokerSettings) -> Stream:
    return Stream(jetstream, broker_settings)


@pytest.fixture
def arrivals_table(sync_engine: Engine) -> Iterator[Table]:
    arrivals.create(sync_engine)
    yield arrivals
    arrivals.drop(sync_engine)


@pytest.fixture
def consuming(
    committed_database: Database,
    broker_url: str,
    broker_settings: BrokerSettings,
    arrivals_table: Table,
) -> Consuming:
    """Runs the consumers of some subscriptions while inside; their failures fail the test."""

    @asynccontextmanager
    async def running(*subscriptions: Subscription[Any]) -> AsyncIterator[None]:
        client = await nats.connect(broker_url)
        sessions = committed_database.sessions
        consumers = EventConsumers(sessions, subscriptions, broker_settings, QUICK_RETRIES)
        task = asyncio.create_task(consumers.run(client))
        try:
            yield
        finally:
            task.cancel()
            try:
                with suppress(asyncio.CancelledError):
                    await task
            finally:
                await client.close()

    return running


def outcomes(consumer: str) -> Counter[str]:
    """How many events the consumer answered so far, by outcome, as its metrics count them."""
    counted = Counter[str]()
    for outcome in ("handled", "duplicate", "retried", "dead_lettered"):
        counted[outcome] = int(metric("consumer_events_total", consumer=consumer, outcome=outcome))
    return counted


async def rows(database: Database, statement: Any) -> Sequence[Any]:
    async with database.engine.connect() as connection:
        return (await connection.execute(statement)).all()


async def test_a_handler_that_fails_once_is_retried_and_its_work_applied_once(
    consuming: Consuming, stream: Stream, committed_database: Database
) -> None:
    behaviour = Behaviour("notes", fails_first=1)
    event = envelope("Write docs")
    before = outcomes(NOTES)

    async with consuming(behaviour.subscription()):
        await stream.publish(event)
        await stream.wait_until_settled(NOTES)

    event_id = UUID(event["id"])
    assert behaviour.calls == [event_id, event_id]
    assert outcomes(NOTES) - before == Counter({"retried": 1, "handled": 1})
    # The failed call's row was rolled back with its transaction; the retry's committed.
    assert await rows(committed_database, select(arrivals)) == [("notes", event_id, "Write docs")]
    inbox = select(InboxMessage.consumer, InboxMessage.event_id)
    assert await rows(committed_database, inbox) == [(NOTES, event_id)]
    assert await rows(committed_database, select(InboxDeadLetter)) == []


async def test_a_handler_runs_in_the_trace_its_message_carries(
    consuming: Consuming, stream: Stream, finished_spans: FinishedSpans
) -> None:
    start_tracing()  # keeps the tests' provider
    trace_id, publish_span_id = 0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331
    carried = f"00-{trace_id:032x}-{publish_span_id:016x}-01"

    async with consuming(Behaviour("notes").subscription()):
        await stream.publish(envelope("Write docs"), traceparent=carried)
        await stream.wait_until_settled(NOTES)

    spans = finished_spans()
    [process] = [span for span in spans if span.kind is SpanKind.CONSUMER]
    assert process.name == f"process {stream.subject}"
    assert process.context is not None
    assert process.context.trace_id == trace_id
    assert process.parent is not None
    assert process.parent.span_id == publish_span_id
    # The handler's statements, its inbox row's among them, are spans of the consumer's.
    statements = [
        str((span.attributes or {})["db.statement"])
        for span in spans
        if span.kind is SpanKind.CLIENT and span.parent == process.context
    ]
    assert any(statement.startswith(f"INSERT INTO {arrivals.name}") for statement in statements)
    assert any(statement.startswith("INSERT INTO inbox") for statement in statements)


async def test_the_events_waiting_for_a_consumer_are_its_lag(
    consuming: Consuming, stream: Stream
) -> None:
    for title in ("one", "two", "three"):
        await stream.publish(envelope(title))

    async with consuming(Behaviour("notes").subscription()):
        await stream.wait_until_settled(NOTES)

    # Counted when the consumer started, before it fetched any.
    assert metric("consumer_pending_events", consumer=NOTES) == 3


async def test_an_event_delivered_again_changes_nothing(
    consuming: Consuming, stream: Stream, committed_database: Database
) -> None:
    behaviour = Behaviour("notes")
    event = envelope("Write docs")
    before = outcomes(NOTES)

    async with consuming(behaviour.subscription()):
        await stream.publish(event)
        await stream.publish(event)
        await stream.wait_until_settled(NOTES)
        info = await stream.js.consumer_info(stream.broker.stream, NOTES)

    assert info.delivered.stream_seq == 2  # both copies were delivered, and acknowledged
    assert outcomes(NOTES) - before == Counter({"handled": 1, "duplicate": 1})
    assert behaviour.calls == [UUID(event["id"])]
    assert len(await rows(committed_database, select(arrivals))) == 1


async def test_each_subscription_to_an_event_applies_it_once(
    consuming: Consuming, stream: Stream, committed_database: Database
) -> None:
    notes, billing = Behaviour("notes"), Behaviour("billing")
    event = envelope("Write docs")

    async with consuming(notes.subscription(), billing.subscription()):
        await stream.publish(event)
        await stream.publish(event)
        await stream.wait_until_settled(NOTES, "billing--tasks--task_created")

    assert notes.calls == billing.calls == [UUID(event["id"])]
    stored = select(arrivals.c.consumer).order_by(arrivals.c.consumer)
    assert await rows(committed_database, stored) == [("billing",), ("notes",)]


async def test_an_event_the_handler_always_fails_on_is_dead_lettered_and_the_next_is_handled(
    consuming: Consuming, stream: Stream, committed_database: Database
) -> None:
    behaviour = Behaviour("notes", fails_on="poison")
    poison, next_event = envelope("poison"), envelope("Write docs")
    before = outcomes(NOTES)

    async with consuming(behaviour.subscription()):
        await stream.publish(poison)
        await stream.publish(next_event)
        await stream.wait_until_settled(NOTES)

    poison_id, next_id = UUID(poison["id"]), UUID(next_event["id"])
    assert behaviour.calls.count(poison_id) == QUICK_RETRIES.max_attempts
    assert behaviour.calls.count(next_id) == 1
    dead_letter = select(
        InboxDeadLetter.consumer,
        InboxDeadLetter.event_id,
        InboxDeadLetter.subject,
        InboxDeadLetter.attempts,
        InboxDeadLetter.last_error,
    )
    assert await rows(committed_database, dead_letter) == [
        (NOTES, str(poison_id), stream.subject, 3, "HandlerFailedError")
    ]
    ((body,),) = await rows(committed_database, select(InboxDeadLetter.body))
    assert json.loads(body) == poison
    # A failed handler's writes and its inbox row were rolled back together.
    assert await rows(committed_database, select(arrivals.c.event_id)) == [(next_id,)]
    assert await rows(committed_database, select(InboxMessage.event_id)) == [(next_id,)]
    assert outcomes(NOTES) - before == Counter({"retried": 2, "dead_lettered": 1, "handled": 1})


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (b"not json", "not json"),
        (
            b'{"id": "not a uuid", "type": "task_created"}',
            '{"id": "not a uuid", "type": "task_created"}',
        ),
        # What PostgreSQL text cannot hold is kept as U+FFFD.
        (b"\x00binary\xff", "\ufffdbinary\ufffd"),
    ],
    ids=["not-json", "not-an-envelope", "not-text"],
)
async def test_a_body_that_is_no_event_is_dead_lettered_at_once(
    consuming: Consuming, stream: Stream, committed_database: Database, body: bytes, kept: str
) -> None:
    behaviour = Behaviour("notes")
    next_event = envelope("Write docs")

    async with consuming(behaviour.subscription()):
        await stream.publish(body)
        await stream.publish(next_event)
        await stream.wait_until_settled(NOTES)

    assert behaviour.calls == [UUID(next_event["id"])]
    dead_letter = select(
        InboxDeadLetter.event_id,
        InboxDeadLetter.body,
        InboxDeadLetter.attempts,
        func.starts_with(InboxDeadLetter.last_error, "not an event envelope"),
    )
    assert await rows(committed_database, dead_letter) == [("stream sequence 1", kept, 1, True)]
