"""The inbox: which events each consumer has handled, written in the handler's transaction.

A broker delivers at least once; with the inbox a redelivered event changes nothing, since its
id is already there when the handler's transaction would commit it a second time.
"""

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import DateTime, Index, Text, delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..orm import Base


class InboxMessage(Base):
    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_handled_at", "handled_at"),)

    consumer: Mapped[str] = mapped_column(Text, primary_key=True)
    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InboxDeadLetter(Base):
    """Events a consumer's handler failed on `INBOX__MAX_ATTEMPTS` times, or could not read."""

    __tablename__ = "inbox_dead_letters"

    consumer: Mapped[str] = mapped_column(Text, primary_key=True)
    event_id: Mapped[str] = mapped_column(Text, primary_key=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    last_error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def first_delivery(session: Session, consumer: str, event_id: UUID) -> bool:
    """Record that `consumer` handles `event_id`; False when it already did (a redelivery).

    A concurrent delivery of the same event waits on the row until the first one's
    transaction ends, then sees it.
    """
    statement = (
        insert(InboxMessage)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(InboxMessage.event_id)
    )
    return session.execute(statement).first() is not None


def record_dead_letter(
    session: Session,
    *,
    consumer: str,
    event_id: str,
    subject: str,
    body: bytes,
    attempts: int,
    error: str,
) -> None:
    values = {
        "consumer": consumer,
        "event_id": event_id,
        "subject": subject,
        # PostgreSQL text holds neither invalid UTF-8 nor NUL.
        "body": body.decode("utf-8", "replace").replace("\x00", "\ufffd"),
        "attempts": attempts,
        "last_error": error,
    }
    statement = insert(InboxDeadLetter).values(values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["consumer", "event_id"],
            set_={**values, "failed_at": func.now()},
        )
    )


def forget_handled(session: Session, older_than: timedelta, batch: int = 1000) -> int:
    """Drop up to `batch` inbox rows handled more than `older_than` ago."""
    expired = (
        select(InboxMessage.consumer, InboxMessage.event_id)
        .where(InboxMessage.handled_at < func.now() - older_than)
        .limit(batch)
    )
    statement = delete(InboxMessage).where(
        tuple_(InboxMessage.consumer, InboxMessage.event_id).in_(expired)
    )
    forgotten: int = getattr(session.execute(statement), "rowcount", 0)
    return forgotten
