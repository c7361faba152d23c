"""The envelope an event travels in: what a consumer may rely on, and what it refuses."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.envelope import (
    MalformedEventError,
    body_of,
    context_of,
    received_event,
    snake_case,
)

AGGREGATE = UUID("00000000-0000-7000-8000-000000000001")
EVENT = UUID("00000000-0000-7000-8000-0000000000e1")
WHEN = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class NoteFiled(DomainEvent):
    # Where a context's events live: the envelope reads the context from the module's path.
    __module__ = "{{ cookiecutter.package_name }}.contexts.notes.domain.events"

    schema_version: ClassVar[int] = 2

    title: str
    filed_at: datetime
    tags: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Stray(DomainEvent):
    """An event outside any bounded context: this test module."""


def filed() -> NoteFiled:
    return NoteFiled(
        aggregate_id=AGGREGATE,
        aggregate_version=3,
        id=EVENT,
        occurred_at=WHEN,
        title="Minutes",
        filed_at=WHEN,
        tags=("meeting", "q1"),
    )


def test_the_body_holds_the_envelope_and_the_event_s_own_fields_as_data() -> None:
    assert body_of(filed()) == {
        "id": str(EVENT),
        "type": "note_filed",
        "schema_version": 2,
        "occurred_at": "2030-01-02T03:04:05.678000Z",
        "aggregate_id": str(AGGREGATE),
        "aggregate_version": 3,
        "data": {
            "title": "Minutes",
            "filed_at": "2030-01-02T03:04:05.678000Z",
            "tags": ["meeting", "q1"],
        },
    }


@pytest.mark.parametrize(
    ("class_name", "event_type"),
    [
        ("TaskCreated", "task_created"),
        ("HTTPRequestReceived", "http_request_received"),
        ("TaskMovedToQA", "task_moved_to_qa"),
        ("Version2Released", "version2_released"),
    ],
)
def test_the_type_is_the_class_name_in_snake_case_acronyms_as_one_word(
    class_name: str, event_type: str
) -> None:
    assert snake_case(class_name) == event_type


def test_the_context_is_the_package_under_contexts_that_defines_the_event() -> None:
    assert context_of(NoteFiled) == "notes"
    with pytest.raises(ValueError, match="Stray is not defined in a bounded context"):
        context_of(Stray)


def test_a_consumer_receives_what_was_sent() -> None:
    body = json.dumps(body_of(filed())).encode()

    received = received_event("service.notes.note_filed", body)

    assert received.id == EVENT
    assert received.type == "note_filed"
    assert received.schema_version == 2
    assert received.occurred_at == WHEN
    assert received.aggregate_id == AGGREGATE
    assert received.aggregate_version == 3
    assert received.data == {
        "title": "Minutes",
        "filed_at": "2030-01-02T03:04:05.678000Z",
        "tags": ["meeting", "q1"],
    }
    assert received.subject == "service.notes.note_filed"


def test_fields_a_newer_sender_adds_to_the_envelope_are_ignored() -> None:
    body = body_of(filed()) | {"trace_id": "abc"}

    assert received_event("s.notes.note_filed", json.dumps(body).encode()).id == EVENT


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"{}",
        json.dumps(body_of(filed()) | {"id": "secret@example.com"}).encode(),
        json.dumps(body_of(filed()) | {"data": ["secret@example.com"]}).encode(),
        json.dumps({k: v for k, v in body_of(filed()).items() if k != "aggregate_id"}).encode(),
    ],
    ids=["not-json", "not-utf8", "a-list", "empty", "bad-id", "data-not-an-object", "no-aggregate"],
)
def test_a_body_that_is_no_envelope_is_malformed_and_the_error_does_not_quote_it(
    body: bytes,
) -> None:
    with pytest.raises(MalformedEventError, match="not an event envelope") as raised:
        received_event("s.notes.note_filed", body)

    assert "secret" not in str(raised.value)
