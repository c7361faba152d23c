"""The outbox: events written in the transaction of the change they describe.

The relay publishes them from here (`relay.py`); nothing publishes from inside a use case, so an
event leaves the service exactly when its change committed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, Identity, Index, Integer, Text, func, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Mapped, Session, mapped_column

from ...application.request_context import current_request_id
from ...domain.events import DomainEvent
from ..observability.tracing import with_trace_context
from ..orm import Base
from .envelope import body_of, context_of, snake_case

# Sent on every commit that wrote events (a trigger of the outbox table); the relay listens.
NOTIFY_CHANNEL = "outbox"
REQUEST_ID_HEADER = "X-Request-ID"


class _StoredEvent:
    """The columns an event keeps in the outbox and, should it die there, in its dead letters."""

    id: Mapped[UUID] = mapped_column(primary_key=True)
    context: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(Text)
    aggregate_id: Mapped[UUID]
    aggregate_version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    headers: Mapped[dict[str, str]] = mapped_column(JSONB)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(_StoredEvent, Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # What the relay reads: undelivered events in commit order, and per aggregate.
        Index("ix_outbox_undelivered", "sequence", postgresql_where=text("delivered_at IS NULL")),
        Index(
            "ix_outbox_undelivered_aggregate",
            "aggregate_id",
            "sequence",
            postgresql_where=text("delivered_at IS NULL"),
        ),
        Index("ix_outbox_delivered_at", "delivered_at"),
    )

    sequence: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    available_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    lease_token: Mapped[UUID | None]
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxDeadLetter(_StoredEvent, Base):
    """Events the broker refused `OUTBOX__MAX_ATTEMPTS` times; kept for a person to look at."""

    __tablename__ = "outbox_dead_letters"

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


_OUTBOX_TABLE = OutboxMessage.metadata.tables[OutboxMessage.__tablename__]


def append_to_outbox(session: Session, events: Sequence[DomainEvent]) -> None:
    """Write `events` in the session's transaction, in one multi-row INSERT."""
    if not events:
        return
    request_id = current_request_id.get()
    # The request's trace, which the relay's publish and the consumers' handlers continue.
    headers = with_trace_context({} if request_id is None else {REQUEST_ID_HEADER: request_id})
    rows = [
        {
            "id": event.id,
            "context": context_of(type(event)),
            "event_type": snake_case(event.type_name()),
            "aggregate_id": event.aggregate_id,
            "aggregate_version": event.aggregate_version,
            "body": body_of(event),
            "headers": headers,
        }
        for event in events
    ]
    # Into the table, not the mapped class: no model is made of these rows, and the ORM's bulk
    # path around the same statement cost a tenth of a POST's CPU.
    session.execute(insert(_OUTBOX_TABLE), rows)


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """Events committed and not yet delivered, and how long the oldest has waited."""

    events: int
    oldest_age_seconds: float | None

    def as_details(self) -> dict[str, Any]:
        age = None if self.oldest_age_seconds is None else round(self.oldest_age_seconds, 3)
        return {"backlog": self.events, "oldest_age_seconds": age}


_BACKLOG = text(
    "SELECT count(*), extract(epoch FROM now() - min(created_at))::float8 "
    "FROM outbox WHERE delivered_at IS NULL"
)


async def outbox_backlog(connection: AsyncConnection) -> OutboxBacklog:
    events, oldest = (await connection.execute(_BACKLOG)).one()
    return OutboxBacklog(int(events), None if oldest is None else float(oldest))
