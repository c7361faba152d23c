"""The JSON body an event travels as: the same in the outbox, on the broker and for consumers.

`{"id", "type", "schema_version", "occurred_at", "aggregate_id", "aggregate_version", "data"}`,
where `type` is the event class's name in snake case (`task_created`, the subject's last token)
and `data` holds the event's own fields.
"""

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ...application.messaging.received_event import ReceivedEvent
from ...domain.events import DomainEvent

CONTENT_TYPE = "application/json"
_ENVELOPE_FIELDS = ("id", "occurred_at", "aggregate_id", "aggregate_version")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class MalformedEventError(ValueError):
    """A message whose body is not an event envelope; retrying cannot help."""


def snake_case(type_name: str) -> str:
    """`TaskCreated` -> `task_created`, the last token of its subject."""
    return _WORD_BOUNDARY.sub("_", type_name).lower()


def context_of(event_type: type[DomainEvent]) -> str:
    """The bounded context that defines the event: `contexts.<name>.domain.events`."""
    parts = event_type.__module__.split(".")
    if "contexts" not in parts[:-1]:
        raise ValueError(f"{event_type.__qualname__} is not defined in a bounded context")
    return parts[parts.index("contexts") + 1]


def body_of(event: DomainEvent) -> dict[str, Any]:
    data: dict[str, Any] = _adapter(type(event)).dump_python(event, mode="json")
    envelope = {name: data.pop(name) for name in _ENVELOPE_FIELDS}
    return {
        **envelope,
        "type": snake_case(event.type_name()),
        "schema_version": event.schema_version,
        "data": data,
    }


_adapters: dict[type[DomainEvent], TypeAdapter[Any]] = {}


def _adapter(event_type: type[DomainEvent]) -> TypeAdapter[Any]:
    if (adapter := _adapters.get(event_type)) is None:
        adapter = _adapters[event_type] = TypeAdapter(event_type)
    return adapter


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    type: str
    schema_version: int
    occurred_at: datetime
    aggregate_id: UUID
    aggregate_version: int
    data: dict[str, Any]


def received_event(subject: str, body: bytes) -> ReceivedEvent:
    """The event in a message's body; `MalformedEventError` when it is not one."""
    try:
        envelope = _Envelope.model_validate_json(body)
    except ValidationError as error:
        raise MalformedEventError(f"not an event envelope ({error.error_count()} errors)") from None
    return ReceivedEvent(subject=subject, **envelope.model_dump())
