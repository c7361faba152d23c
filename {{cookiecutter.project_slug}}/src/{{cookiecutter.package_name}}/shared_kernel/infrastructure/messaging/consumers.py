"""Consumers: use cases of one context run on another context's events.

Each subscription is a durable JetStream pull consumer. An event is handled in one transaction
of the subscribing context's unit of work, together with its row in the inbox, so a redelivery
is recognised and changes nothing; the message is acknowledged after that commit. A handler
that fails is retried with backoff (a negative acknowledgement with a delay); after
`INBOX__MAX_ATTEMPTS` deliveries, or at once for a body that is not an event, the event moves
to `inbox_dead_letters` and the consumer goes on with the next.

Retries may reorder one aggregate's events for a consumer: a handler that cares compares
`aggregate_version` with what it has seen.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from ....settings import BrokerSettings, InboxSettings
from ...application.messaging.received_event import ReceivedEvent
from ..observability.metrics import CONSUMER_EVENTS, CONSUMER_PENDING
from ..observability.tracing import failed, process_span
from ..outages import is_outage
from ..unit_of_work import SqlAlchemyUnitOfWork
from .backoff import retry_delay
from .envelope import MalformedEventError, received_event
from .inbox import first_delivery, forget_handled, record_dead_letter
from .nats_broker import MESSAGE_ID_HEADER, ensure_stream

logger = logging.getLogger(__name__)

UoW = TypeVar("UoW", bound=SqlAlchemyUnitOfWork)

# Seconds a fetch waits for messages before it asks again, and between two counts of what the
# broker holds for a consumer (its lag, for the metrics).
FETCH_TIMEOUT = 5.0
LAG_INTERVAL = 10.0


async def _count_pending(pull: JetStreamContext.PullSubscription, consumer: str) -> None:
    try:
        info = await pull.consumer_info()
    except nats.errors.Error:  # the broker is away: the fetch that follows says so
        return
    CONSUMER_PENDING.labels(consumer).set(info.num_pending or 0)


@dataclass(frozen=True, slots=True)
class Subscription(Generic[UoW]):
    """`handler` runs on every event `<source context>.<event type>`, for example
    `Subscription("notes", "tasks", "task_created", SqlAlchemyNotesUnitOfWork, OnTaskCreated)`.
    """

    context: str
    source_context: str
    event_type: str
    unit_of_work: Callable[[Session], UoW]
    handler: Callable[[UoW], Callable[[ReceivedEvent], object]]

    @property
    def consumer(self) -> str:
        """The durable consumer's name, also the consumer's key in the inbox."""
        return f"{self.context}--{self.source_context}--{self.event_type}"

    def subject(self, prefix: str) -> str:
        return f"{prefix}.{self.source_context}.{self.event_type}"

    def apply_once(self, session: Session, event: ReceivedEvent) -> bool:
        """Run the handler unless the inbox says it ran; whether it ran."""
        uow = self.unit_of_work(session)
        with uow.transaction():
            if not first_delivery(uow.session, self.consumer, event.id):
                return False
            self.handler(uow)(event)
            return True


class EventConsumers:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        subscriptions: Sequence[Subscription[Any]],
        broker: BrokerSettings,
        settings: InboxSettings,
    ) -> None:
        self._sessions = sessions
        self._subscriptions = subscriptions
        self._broker = broker
        self._settings = settings

    async def run(self, client: Client) -> None:
        """Consume every subscription until cancelled."""
        if not self._subscriptions:
            return
        js = client.jetstream()
        await ensure_stream(js, self._broker)
        async with asyncio.TaskGroup() as consuming:
            for subscription in self._subscriptions:
                consuming.create_task(self._consume(js, subscription))

    async def _consume(self, js: JetStreamContext, subscription: Subscription[Any]) -> None:
        config = ConsumerConfig(
            durable_name=subscription.consumer,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self._settings.ack_wait_seconds,
            # The inbox and the dead letters decide when to stop; the broker never gives up.
            max_deliver=-1,
        )
        pull = await js.pull_subscribe(
            subscription.subject(self._broker.subject_prefix),
            durable=subscription.consumer,
            stream=self._broker.stream,
            config=config,
        )
        next_count = 0.0
        while True:
            if (now := time.monotonic()) >= next_count:
                next_count = now + LAG_INTERVAL
                await _count_pending(pull, subscription.consumer)
            try:
                messages = await pull.fetch(self._settings.batch_size, timeout=FETCH_TIMEOUT)
            except TimeoutError:  # nats-py raises its own subclass, and at times asyncio's
                await self._forget_handled()
                continue
            except nats.errors.Error as error:  # the broker is away; the client reconnects
                logger.warning("consumer %s cannot fetch (%s)", subscription.consumer, error)
                await asyncio.sleep(1)
                continue
            for message in messages:
                try:
                    await self._handle(subscription, message)
                except nats.errors.Error as error:
                    # The answer to the broker was lost: it delivers the message again after
                    # `ack_wait_seconds`, and the inbox recognises what was handled.
                    logger.warning(
                        "consumer %s cannot answer the broker (%s)",
                        subscription.consumer,
                        type(error).__name__,
                    )
                    break
                except Exception as error:
                    # The database is away: the broker delivers the message again after
                    # `ack_wait_seconds`.
                    if not is_outage(error):
                        raise
                    logger.warning(
                        "consumer %s cannot reach the database (%s)",
                        subscription.consumer,
                        type(error).__name__,
                    )
                    await asyncio.sleep(1)
                    break

    async def _handle(self, subscription: Subscription[Any], message: Msg) -> None:
        """In the trace the message carries: the handler's statements are spans of it."""
        headers = message.headers or {}
        with process_span(message.subject, headers.get(MESSAGE_ID_HEADER, ""), headers) as span:
            attempt = message.metadata.num_delivered
            try:
                event = received_event(message.subject, message.data)
            except MalformedEventError as error:
                failed(span, type(error).__name__)
                position = f"stream sequence {message.metadata.sequence.stream}"
                await self._dead_letter(subscription, message, position, attempt, str(error))
                return
            try:
                async with self._sessions() as session:
                    applied = await session.run_sync(subscription.apply_once, event)
            except Exception as error:
                # Not the error's text: it may quote the event's data.
                reason = type(error).__name__
                failed(span, reason)
                if attempt >= self._settings.max_attempts and not is_outage(error):
                    logger.error(
                        "consumer %s gave up on event %s (%s)",
                        subscription.consumer,
                        event.id,
                        reason,
                    )
                    logger.debug("the handler's last failure", exc_info=True)
                    await self._dead_letter(subscription, message, str(event.id), attempt, reason)
                    return
                delay = retry_delay(
                    attempt, self._settings.retry_base_seconds, self._settings.retry_max_seconds
                )
                logger.warning(
                    "consumer %s failed on event %s (%s, delivery %d); again in %.1f s",
                    subscription.consumer,
                    event.id,
                    reason,
                    attempt,
                    delay,
                )
                await message.nak(delay=delay)
                CONSUMER_EVENTS.labels(subscription.consumer, "retried").inc()
                return
            await message.ack()
            outcome = "handled" if applied else "duplicate"
            CONSUMER_EVENTS.labels(subscription.consumer, outcome).inc()

    async def _dead_letter(
        self, subscription: Subscription[Any], message: Msg, event_id: str, attempt: int, error: str
    ) -> None:
        def record(session: Session) -> None:
            with session.begin():
                record_dead_letter(
                    session,
                    consumer=subscription.consumer,
                    event_id=event_id,
                    subject=message.subject,
                    body=message.data,
                    attempts=attempt,
                    error=error,
                )

        async with self._sessions() as session:
            await session.run_sync(record)
        await message.term()
        CONSUMER_EVENTS.labels(subscription.consumer, "dead_lettered").inc()

    async def _forget_handled(self) -> None:
        retention = timedelta(hours=self._settings.retention_hours)

        def forget(session: Session) -> None:
            with session.begin():
                forget_handled(session, retention)

        try:
            async with self._sessions() as session:
                await session.run_sync(forget)
        except Exception as error:
            if not is_outage(error):
                raise
