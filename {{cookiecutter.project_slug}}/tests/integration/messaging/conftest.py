"""What the outbox's and the relay's tests share: events of a bounded context of the tests' own,
committed to the outbox, and the messages of the test's stream.

The shared kernel's tests never rely on the example context, which a project may rename or
remove: their events belong to a context `notes` that only the tests know.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

import pytest
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from sqlalchemy.orm import Session

from {{ cookiecutter.package_name }}.shared_kernel.application.request_context import (
    current_request_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    append_to_outbox,
)

from {{ cookiecutter.package_name }}.settings import (
    BrokerSettings,
)


@dataclass(frozen=True, kw_only=True)
class NoteWritten(DomainEvent):
    # Where a context's events live: the outbox reads the context from the module's path.
    __module__ = "{{ cookiecutter.package_name }}.contexts.notes.domain.events"

    text: str


CommitEvents = Callable[..., Awaitable[list[DomainEvent]]]
Published = Callable[[], Awaitable[list[RawStreamMsg]]]


@pytest.fixture
def commit_events(committed_database: Database) -> CommitEvents:
    """`await commit_events(a, b, a)` commits, in one transaction, one event of each aggregate
    named, in that order (each aggregate's versions counting up across calls); the events."""
    versions: dict[UUID, int] = {}

    async def commit(
        *aggregates: UUID, text: str = "note", request_id: str | None = None
    ) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for aggregate in aggregates:
            versions[aggregate] = versions.get(aggregate, 0) + 1
            version = versions[aggregate]
            events.append(NoteWritten(aggregate_id=aggregate, aggregate_version=version, text=text))

        def append(session: Session) -> None:
            with session.begin():
                append_to_outbox(session, events)

        token = current_request_id.set(request_id)
        try:
            async with committed_database.sessions() as session:
                await session.run_sync(append)
        finally:
            current_request_id.reset(token)
        return events

    return commit


@pytest.fixture
def published(jetstream: JetStreamContext, broker_settings: BrokerSettings) -> Published:
    """Every message the test's stream holds, in stream order."""

    async def messages() -> list[RawStreamMsg]:
        info = await jetstream.stream_info(broker_settings.stream)
        first, last = info.state.first_seq, info.state.last_seq
        if not info.state.messages:
            return []
        return [
            await jetstream.get_msg(broker_settings.stream, sequence)
            for sequence in range(first, last + 1)
        ]

    return messages
