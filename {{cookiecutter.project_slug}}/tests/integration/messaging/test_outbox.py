"""The outbox on real PostgreSQL: an aggregate's events are stored exactly when its change
commits, in the same transaction, whatever the unit of work's transactions do.

The aggregate is the tests' own (`Note`, with a table of its own, outside the service's
metadata), written through the real `BaseRepository` and `SqlAlchemyUnitOfWork`.
"""

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, ClassVar, Self
from uuid import UUID

import pytest
from sqlalchemy import Engine, MetaData, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from {{ cookiecutter.package_name }}.shared_kernel.application.request_context import (
    current_request_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.application.unit_of_work import (
    Propagation,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.entity import (
    Entity,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    UniqueViolationError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    OutboxMessage,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    NAMING_CONVENTION,
    Versioned,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.repository import (
    BaseRepository,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.unit_of_work import (
    SqlAlchemyUnitOfWork,
)

# Where a context's events live: the outbox reads the context from the module's path.
EVENTS_MODULE = "{{ cookiecutter.package_name }}.contexts.notes.domain.events"


@dataclass(frozen=True, kw_only=True)
class NoteWritten(DomainEvent):
    __module__ = EVENTS_MODULE

    text: str


@dataclass(frozen=True, kw_only=True)
class NoteEdited(DomainEvent):
    __module__ = EVENTS_MODULE

    text: str


@dataclass(frozen=True, kw_only=True)
class NoteErased(DomainEvent):
    __module__ = EVENTS_MODULE


@dataclass(kw_only=True, eq=False)
class Note(Entity):
    text: str

    @classmethod
    def write(cls, text: str) -> Self:
        note = cls(text=text)
        note.record(
            NoteWritten(aggregate_id=note.id, aggregate_version=note.next_version, text=text)
        )
        return note

    def edit(self, text: str) -> None:
        self.text = text
        self.record(
            NoteEdited(aggregate_id=self.id, aggregate_version=self.next_version, text=text)
        )

    def erase(self) -> None:
        self.record(NoteErased(aggregate_id=self.id, aggregate_version=self.next_version))


class OwnBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class NoteModel(Versioned, OwnBase):
    __tablename__ = "outbox_test_notes"
    # Checked when the transaction commits: a commit that fails.
    __table_args__ = (UniqueConstraint("text", deferrable=True, initially="DEFERRED"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class NoteRepository(BaseRepository[NoteModel, Note]):
    columns: ClassVar[dict[Any, Any]] = {}

    def _to_entity(self, model: NoteModel) -> Note:
        return Note(id=model.id, version=model.version, text=model.text)

    def _to_model(self, entity: Note) -> NoteModel:
        return NoteModel(id=entity.id, text=entity.text)


class UseCaseFailedError(Exception):
    pass


def write_then_fail(uow: SqlAlchemyUnitOfWork) -> None:
    """A use case that fails after writing."""
    with uow.transaction():
        notes(uow).add(Note.write("lost"))
        raise UseCaseFailedError


def audit_then_fail(uow: SqlAlchemyUnitOfWork, audited: Note) -> None:
    """A use case that fails after writing `audited` in a transaction of its own."""
    with uow.transaction():
        notes(uow).add(Note.write("lost"))
        with uow.transaction(Propagation.NEW):
            notes(uow).add(audited)
        notes(uow).add(Note.write("lost too"))
        raise UseCaseFailedError


@pytest.fixture
def uow(session: Session) -> SqlAlchemyUnitOfWork:
    """A unit of work on the test's rolled-back transaction (its commits release savepoints).
    The table is made in that transaction, before the session's own savepoint: a rollback of
    the unit of work keeps it."""
    OwnBase.metadata.create_all(session.get_bind())
    return SqlAlchemyUnitOfWork(session)


@pytest.fixture
def committing_uow(sync_engine: Engine) -> Iterator[SqlAlchemyUnitOfWork]:
    """A unit of work whose commits are real: what a failing COMMIT and an independent
    transaction need. The table and the outbox are emptied after."""
    OwnBase.metadata.create_all(sync_engine)
    try:
        with Session(sync_engine, expire_on_commit=False) as session:
            yield SqlAlchemyUnitOfWork(session)
    finally:
        with sync_engine.begin() as connection:
            connection.execute(delete(OutboxMessage))
            OwnBase.metadata.drop_all(connection)


def notes(uow: SqlAlchemyUnitOfWork) -> NoteRepository:
    return uow.repositories(NoteRepository)


def outbox(uow: SqlAlchemyUnitOfWork) -> list[tuple[Any, ...]]:
    """(aggregate, version, event type) of every outbox row, in commit order, as the unit of
    work's session sees them."""
    columns = OutboxMessage.aggregate_id, OutboxMessage.aggregate_version, OutboxMessage.event_type
    statement = select(*columns).order_by(OutboxMessage.sequence)
    return [tuple(row) for row in uow.session.execute(statement)]


def committed_outbox(engine: Engine) -> list[tuple[Any, ...]]:
    """The same, as a connection of its own sees them: what was committed."""
    columns = OutboxMessage.aggregate_id, OutboxMessage.aggregate_version, OutboxMessage.event_type
    with engine.connect() as connection:
        statement = select(*columns).order_by(OutboxMessage.sequence)
        return [tuple(row) for row in connection.execute(statement)]


def test_the_events_of_every_kind_of_write_are_stored_when_the_transaction_commits(
    uow: SqlAlchemyUnitOfWork,
) -> None:
    with uow.transaction():
        kept, edited, erased = Note.write("kept"), Note.write("edited"), Note.write("erased")
        notes(uow).add(kept)
        notes(uow).add_many([edited, erased])
    with uow.transaction():
        edited.edit("edited again")
        notes(uow).update(edited)
        erased.erase()
        notes(uow).delete(erased)
        upserted = Note.write("upserted")
        notes(uow).upsert(upserted)

    assert outbox(uow) == [
        (kept.id, 1, "note_written"),
        (edited.id, 1, "note_written"),
        (erased.id, 1, "note_written"),
        (edited.id, 2, "note_edited"),
        (erased.id, 2, "note_erased"),
        (upserted.id, 1, "note_written"),
    ]
    edit = select(OutboxMessage).where(
        OutboxMessage.aggregate_id == edited.id, OutboxMessage.aggregate_version == 2
    )
    (row,) = uow.session.scalars(edit)
    assert (row.context, row.headers) == ("notes", {})
    assert (row.body["type"], row.body["data"]) == ("note_edited", {"text": "edited again"})
    assert kept.pull_events() == []  # taken by the repository, not left for a second time


def test_a_use_case_that_fails_stores_no_events_nor_leaves_any_for_the_next_commit(
    uow: SqlAlchemyUnitOfWork,
) -> None:
    with pytest.raises(UseCaseFailedError):
        write_then_fail(uow)

    assert outbox(uow) == []
    with uow.transaction():
        kept = Note.write("kept")
        notes(uow).add(kept)
    assert outbox(uow) == [(kept.id, 1, "note_written")]


def test_a_commit_that_fails_stores_no_events(
    committing_uow: SqlAlchemyUnitOfWork, sync_engine: Engine
) -> None:
    with pytest.raises(UniqueViolationError), committing_uow.transaction():
        notes(committing_uow).add_many([Note.write("same"), Note.write("same")])

    assert committed_outbox(sync_engine) == []
    with committing_uow.transaction():
        kept = Note.write("kept")
        notes(committing_uow).add(kept)
    assert committed_outbox(sync_engine) == [(kept.id, 1, "note_written")]


def test_a_savepoint_rolled_back_drops_its_own_events_only(uow: SqlAlchemyUnitOfWork) -> None:
    with uow.transaction():
        before = Note.write("before")
        notes(uow).add(before)
        with suppress(UseCaseFailedError), uow.transaction(Propagation.NESTED):
            notes(uow).add(Note.write("undone"))
            raise UseCaseFailedError
        with uow.transaction(Propagation.NESTED):
            inside = Note.write("inside")
            notes(uow).add(inside)
        after = Note.write("after")
        notes(uow).add(after)

    assert outbox(uow) == [
        (before.id, 1, "note_written"),
        (inside.id, 1, "note_written"),
        (after.id, 1, "note_written"),
    ]


def test_an_independent_transaction_commits_its_events_although_the_outer_one_fails(
    committing_uow: SqlAlchemyUnitOfWork, sync_engine: Engine
) -> None:
    audited = Note.write("audited")

    with pytest.raises(UseCaseFailedError):
        audit_then_fail(committing_uow, audited)

    assert committed_outbox(sync_engine) == [(audited.id, 1, "note_written")]


def test_the_request_id_is_stored_with_the_events_of_its_request(uow: SqlAlchemyUnitOfWork) -> None:
    token = current_request_id.set("request-7")
    try:
        with uow.transaction():
            notes(uow).add(Note.write("during a request"))
    finally:
        current_request_id.reset(token)
    with uow.transaction():
        notes(uow).add(Note.write("outside any request"))

    headers = uow.session.scalars(select(OutboxMessage.headers).order_by(OutboxMessage.sequence))
    assert list(headers) == [{"X-Request-ID": "request-7"}, {}]
