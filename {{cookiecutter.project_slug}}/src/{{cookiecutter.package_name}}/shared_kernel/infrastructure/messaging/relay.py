"""The outbox relay: publishes committed events to the broker, at least once, in order per
aggregate, however many relays run.

A relay claims the oldest undelivered event of up to `batch_size` aggregates whose earlier
events are all delivered (`FOR UPDATE SKIP LOCKED`, so relays never wait on each other), and
with them the aggregates' later events, `batch_size` events in all, under a lease: a token and
an expiry. It publishes them round by round (every aggregate's first event, then every second
one, ...), marks delivered what JetStream acknowledged, and gives back the rest: a refused
event is tried again later, with backoff, and after `max_attempts` moves to
`outbox_dead_letters`; the events behind it in its aggregate wait for it. A relay that dies
leaves its lease to expire, and another takes over; what it had published already is published
again under the same `Nats-Msg-Id`, which the stream's duplicate window drops.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import Uuid

from ....settings import BrokerSettings, OutboxSettings
from ..observability.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_DEAD_LETTERS,
    OUTBOX_OLDEST_AGE,
    OUTBOX_PUBLISHES,
)
from ..observability.tracing import failed, headers_continuing, publish_span
from ..outages import is_outage
from .envelope import CONTENT_TYPE
from .outbox import NOTIFY_CHANNEL, OutboxBacklog, outbox_backlog
from .publisher import Outcome, OutgoingMessage, Publisher, PublishResult

logger = logging.getLogger(__name__)

# Seconds between two counts of the backlog (its metrics and a log line), and two prunes.
REPORT_INTERVAL = 30.0
PRUNE_INTERVAL = 10.0
PRUNE_BATCH = 5000

_CLAIM = text("""
WITH heads AS (
    SELECT head.aggregate_id FROM outbox AS head
    WHERE head.delivered_at IS NULL
      AND head.available_at <= now()
      AND (head.lease_expires_at IS NULL OR head.lease_expires_at < now())
      AND NOT EXISTS (
          SELECT FROM outbox AS earlier
          WHERE earlier.aggregate_id = head.aggregate_id
            AND earlier.delivered_at IS NULL
            AND earlier.sequence < head.sequence
      )
    ORDER BY head.sequence
    LIMIT :aggregates
    FOR UPDATE SKIP LOCKED
), queued AS (
    SELECT event.id, event.sequence, row_number() OVER (
        PARTITION BY event.aggregate_id ORDER BY event.sequence
    ) AS position
    FROM outbox AS event JOIN heads USING (aggregate_id)
    WHERE event.delivered_at IS NULL
), claimed AS (
    -- Every head, then every aggregate's second event, ...: `:events` in all.
    SELECT id FROM queued ORDER BY position, sequence LIMIT :events
)
UPDATE outbox
SET lease_token = :token, lease_expires_at = now() + make_interval(secs => :lease)
FROM claimed
WHERE outbox.id = claimed.id
RETURNING outbox.id, outbox.sequence, outbox.aggregate_id, outbox.context, outbox.event_type,
    outbox.body::text AS body, outbox.headers
""")

_ids = bindparam("ids", type_=ARRAY(Uuid()))

_DELIVERED = text("""
UPDATE outbox SET delivered_at = now(), lease_token = NULL, lease_expires_at = NULL
WHERE id = ANY(:ids) AND lease_token = :token
""").bindparams(_ids)

_RELEASED = text("""
UPDATE outbox SET lease_token = NULL, lease_expires_at = NULL
WHERE id = ANY(:ids) AND lease_token = :token
""").bindparams(_ids)

# Backoff as in `backoff.retry_delay`: doubling from the base up to the ceiling, half random
# (and no more than 64 doublings, past which `power` would overflow).
_FAILED = text("""
UPDATE outbox
SET attempts = attempts + 1, last_error = :error, lease_token = NULL, lease_expires_at = NULL,
    available_at = now() + make_interval(
        secs => least(:ceiling, :base * power(2, least(attempts, 64))) * (0.5 + random() / 2)
    )
WHERE id = :id AND lease_token = :token
RETURNING attempts
""")

_DEAD = text("""
WITH dead AS (DELETE FROM outbox WHERE id = :id RETURNING *)
INSERT INTO outbox_dead_letters (
    id, context, event_type, aggregate_id, aggregate_version, body, headers, created_at,
    attempts, last_error
)
SELECT id, context, event_type, aggregate_id, aggregate_version, body, headers, created_at,
    attempts, last_error
FROM dead
""")

_PRUNE = text("""
DELETE FROM outbox WHERE id IN (
    SELECT id FROM outbox
    WHERE delivered_at < now() - make_interval(secs => :retention)
    LIMIT :batch
)
""")


def _report(backlog: OutboxBacklog) -> None:
    if backlog.events:
        logger.info(
            "outbox backlog: %d events, the oldest %.1f s old",
            backlog.events,
            backlog.oldest_age_seconds or 0.0,
        )


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: UUID
    aggregate_id: UUID
    message: OutgoingMessage


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publisher: Publisher,
        broker: BrokerSettings,
        settings: OutboxSettings,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._prefix = broker.subject_prefix
        self._settings = settings
        self._woken = asyncio.Event()

    async def run(self) -> None:
        """Relay until cancelled: at once after each commit that wrote events (NOTIFY), and
        every `poll_interval` seconds besides (a missed notification, a retry that is due).
        While the database or the broker is away it waits and tries again."""
        next_report = next_prune = 0.0
        while True:
            try:
                async with self._notifications():
                    while True:
                        relayed = await self.relay_once()
                        now = time.monotonic()
                        if now >= next_prune:
                            # A full batch: more may be due, so again on the next turn.
                            full = await self.prune() >= PRUNE_BATCH
                            next_prune = now if full else now + PRUNE_INTERVAL
                        if now >= next_report:
                            next_report = now + REPORT_INTERVAL
                            _report(await self.count_backlog())
                        if not relayed:
                            await self._idle()
            except Exception as error:
                if not is_outage(error):
                    raise
                logger.warning("the relay cannot reach the database (%s)", type(error).__name__)
                await self._idle()

    async def relay_once(self) -> int:
        """Claim one batch, publish it and settle it; how many events were delivered."""
        if not self._publisher.connected:
            return 0
        token = uuid4()
        async with self._engine.begin() as connection:
            claimed = await self._claim(connection, token)
        if not claimed:
            return 0
        delivered, failed, released = await self._publish(claimed)
        dead: list[tuple[UUID, int, PublishResult]] = []
        async with self._engine.begin() as connection:
            if delivered:
                await connection.execute(_DELIVERED, {"ids": delivered, "token": token})
            if released:
                await connection.execute(_RELEASED, {"ids": released, "token": token})
            for event_id, result in failed:
                if (attempts := await self._fail(connection, token, event_id, result)) is not None:
                    dead.append((event_id, attempts, result))
        # Said once committed: until then the event is still the outbox's.
        for event_id, attempts, result in dead:
            OUTBOX_DEAD_LETTERS.inc()
            logger.error(
                "event %s moved to outbox_dead_letters after %d refused publishes: %s",
                event_id,
                attempts,
                result.error,
            )
        if delivered:
            # Subjects only: an event's data may be personal.
            subjects = sorted({event.message.subject for event in claimed})
            logger.info("published %d events: %s", len(delivered), ", ".join(subjects))
        return len(delivered)

    async def prune(self) -> int:
        """Drop delivered events older than `delivered_retention_seconds`, a batch at a time."""
        parameters = {"retention": self._settings.delivered_retention_seconds, "batch": PRUNE_BATCH}
        async with self._engine.begin() as connection:
            result = await connection.execute(_PRUNE, parameters)
        pruned: int = getattr(result, "rowcount", 0)
        return pruned

    async def _claim(self, connection: AsyncConnection, token: UUID) -> list[_Claimed]:
        parameters = {
            "aggregates": self._settings.batch_size,
            "events": self._settings.batch_size,
            "token": token,
            "lease": self._settings.lease_seconds,
        }
        rows = (await connection.execute(_CLAIM, parameters)).mappings().all()
        return [self._claimed(row) for row in sorted(rows, key=lambda row: row["sequence"])]

    def _claimed(self, row: Any) -> _Claimed:
        headers = {"Content-Type": CONTENT_TYPE, **row["headers"]}
        subject = f"{self._prefix}.{row['context']}.{row['event_type']}"
        message = OutgoingMessage(str(row["id"]), subject, row["body"].encode(), headers)
        return _Claimed(row["id"], row["aggregate_id"], message)

    async def _publish(
        self, claimed: Sequence[_Claimed]
    ) -> tuple[list[UUID], list[tuple[UUID, PublishResult]], list[UUID]]:
        """Publish in rounds: each aggregate's next event goes out only after its previous one
        was stored, so no failure lets a later event of an aggregate overtake an earlier one."""
        queues: dict[UUID, list[_Claimed]] = {}
        for event in claimed:
            queues.setdefault(event.aggregate_id, []).append(event)
        delivered: list[UUID] = []
        failed: list[tuple[UUID, PublishResult]] = []
        released: list[UUID] = []
        while queues:
            round_ = [queue.pop(0) for queue in queues.values()]
            results = await self._publish_round(round_)
            for event, result in zip(round_, results, strict=True):
                if result.outcome is Outcome.STORED:
                    delivered.append(event.id)
                    continue
                rest = queues.pop(event.aggregate_id)
                released.extend(later.id for later in rest)
                if result.outcome is Outcome.REFUSED:
                    failed.append((event.id, result))
                else:
                    released.append(event.id)
            queues = {key: queue for key, queue in queues.items() if queue}
        return delivered, failed, released

    async def _publish_round(self, round_: Sequence[_Claimed]) -> list[PublishResult]:
        """Each event's publish is a span of the trace stored with it, and the message carries
        that span on to the consumers."""
        spans = [
            publish_span(event.message.subject, str(event.id), event.message.headers)
            for event in round_
        ]
        messages = [
            replace(event.message, headers=headers_continuing(span, event.message.headers))
            for event, span in zip(round_, spans, strict=True)
        ]
        results = await self._publisher.publish(messages)
        for span, result in zip(spans, results, strict=True):
            OUTBOX_PUBLISHES.labels(result.outcome.value).inc()
            if result.outcome is not Outcome.STORED:
                failed(span, result.error or result.outcome.value)
            span.end()
        return results

    async def _fail(
        self, connection: AsyncConnection, token: UUID, event_id: UUID, result: PublishResult
    ) -> int | None:
        """Record a refused publish; the attempts, if the event moves to the dead letters."""
        settings = self._settings
        parameters = {
            "id": event_id,
            "token": token,
            "error": result.error,
            "base": settings.retry_base_seconds,
            "ceiling": settings.retry_max_seconds,
        }
        attempts = (await connection.execute(_FAILED, parameters)).scalar_one_or_none()
        if attempts is None:  # the lease expired meanwhile: another relay has the event
            return None
        if attempts < settings.max_attempts:
            logger.warning(
                "the broker refused event %s (attempt %d of %d): %s",
                event_id,
                attempts,
                settings.max_attempts,
                result.error,
            )
            return None
        await connection.execute(_DEAD, {"id": event_id})
        return int(attempts)

    async def count_backlog(self) -> OutboxBacklog:
        """The backlog now, as its metrics also say from now on."""
        async with self._engine.connect() as connection:
            backlog = await outbox_backlog(connection)
        OUTBOX_BACKLOG.set(backlog.events)
        OUTBOX_OLDEST_AGE.set(backlog.oldest_age_seconds or 0.0)
        return backlog

    async def _idle(self) -> None:
        try:
            async with asyncio.timeout(self._settings.poll_interval):
                await self._woken.wait()
        except TimeoutError:
            pass
        self._woken.clear()

    @asynccontextmanager
    async def _notifications(self) -> AsyncIterator[None]:
        """LISTEN, on a connection of its own, while inside; closed afterwards, not pooled."""
        async with self._engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            try:
                await raw.add_listener(NOTIFY_CHANNEL, self._notified)
                yield
            finally:
                await connection.invalidate()

    def _notified(self, *_: object) -> None:
        self._woken.set()
