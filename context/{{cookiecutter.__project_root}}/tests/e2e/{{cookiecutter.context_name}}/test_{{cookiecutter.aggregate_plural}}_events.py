"""Changes made through the routes reach the broker through the outbox: each once, in the
order of its {{ cookiecutter.__aggregate_label }}'s versions, with the id of the request that
made it. A refused request publishes nothing."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import nats
import pytest
from httpx import AsyncClient
from nats.js import JetStreamContext
from opentelemetry.trace import SpanKind

from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.messaging.nats_broker import (
    JetStreamPublisher,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    outbox_backlog,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.messaging.relay import (
    OutboxRelay,
)

from {{ cookiecutter.__package_name }}.app import (
    create_app,
)
from {{ cookiecutter.__package_name }}.settings import (
    BrokerSettings,
    OutboxSettings,
)
from tests.conftest import FinishedSpans, traceparent

from ..conftest import client_for, settings_under_test

URL = "/{{ cookiecutter.__url_path }}"
CONTEXT = "{{ cookiecutter.context_name }}"
IN_PROGRESS = {"status": "in_progress"}
CREATED = "{{ cookiecutter.aggregate_name }}_created"
RENAMED = "{{ cookiecutter.aggregate_name }}_renamed"
MOVED = "{{ cookiecutter.aggregate_name }}_moved"
DELETED = "{{ cookiecutter.aggregate_name }}_deleted"


@dataclass(frozen=True)
class Published:
    subject: str
    body: dict[str, Any]
    headers: dict[str, str]


Received = Callable[[], Awaitable[list[Published]]]


def made_by(request_id: str, **headers: str) -> dict[str, str]:
    return {"X-Request-ID": request_id, **headers}


@pytest.fixture
async def relay_everything(
    committed_database: Database,
    broker_url: str,
    broker_settings: BrokerSettings,
    jetstream: JetStreamContext,
) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Relays to the test's stream until the outbox has nothing left to deliver."""
    client = await nats.connect(broker_url)
    publisher = JetStreamPublisher(client, broker_settings)
    relay = OutboxRelay(committed_database.engine, publisher, broker_settings, OutboxSettings())

    async def relay_all() -> None:
        while await relay.relay_once():
            pass
        async with committed_database.engine.connect() as connection:
            assert (await outbox_backlog(connection)).events == 0

    yield relay_all
    await client.close()


@pytest.fixture
async def received(jetstream: JetStreamContext, broker_settings: BrokerSettings) -> Received:
    """What a subscriber to this context's events has received, in the order the stream
    stored it."""
    prefix, stream = broker_settings.subject_prefix, broker_settings.stream
    subscriber = await jetstream.pull_subscribe(f"{prefix}.{CONTEXT}.>", stream=stream)

    async def messages() -> list[Published]:
        stored = (await jetstream.stream_info(stream)).state.messages
        fetched = await subscriber.fetch(stored) if stored else []
        return [
            Published(message.subject, json.loads(message.data), message.headers or {})
            for message in fetched
        ]

    return messages


async def create(client: AsyncClient, title: str, request_id: str) -> str:
    response = await client.post(URL, json={"title": title}, headers=made_by(request_id))
    assert response.status_code == 201, response.text
    location: str = response.headers["location"]
    return location


async def test_each_change_is_published_once_in_version_order_with_its_request_id(
    committing_client: AsyncClient,
    relay_everything: Callable[[], Awaitable[None]],
    received: Received,
    broker_settings: BrokerSettings,
) -> None:
    client = committing_client
    first = await create(client, "Write docs", "create-first")
    second = await create(client, "Review docs", "create-second")
    changed = [
        await client.patch(first, json={"title": "Write the docs"}, headers=made_by("rename")),
        await client.post(f"{second}/status", json=IN_PROGRESS, headers=made_by("move")),
        await client.post(f"{first}/status", json=IN_PROGRESS, headers=made_by("start")),
        await client.delete(first, headers=made_by("delete", **{"If-Match": '"3"'})),
    ]
    assert [response.status_code for response in changed] == [200, 200, 200, 204]

    await relay_everything()
    messages = await received()

    def history(location: str) -> list[tuple[str, int, str, dict[str, Any]]]:
        aggregate_id = location.rsplit("/", 1)[1]
        return [
            (
                message.body["type"],
                message.body["aggregate_version"],
                message.headers["X-Request-ID"],
                message.body["data"],
            )
            for message in messages
            if message.body["aggregate_id"] == aggregate_id
        ]

    created = {"title": "Write docs", "description": "", "status": "open"}
    started = {"from_status": "open", "to_status": "in_progress"}
    assert history(first) == [
        (CREATED, 1, "create-first", created),
        (RENAMED, 2, "rename", {"title": "Write the docs"}),
        (MOVED, 3, "start", started),
        (DELETED, 4, "delete", {}),
    ]
    assert history(second) == [
        (CREATED, 1, "create-second", {**created, "title": "Review docs"}),
        (MOVED, 2, "move", started),
    ]
    assert len(messages) == 6
    prefix = broker_settings.subject_prefix
    for message in messages:
        assert message.subject == f"{prefix}.{CONTEXT}.{message.body['type']}"
        # The broker drops a message published again under the same id.
        assert message.headers["Nats-Msg-Id"] == message.body["id"]
        assert message.headers["Content-Type"] == "application/json"
    assert len({message.body["id"] for message in messages}) == 6


async def test_a_refused_request_publishes_nothing(
    committing_client: AsyncClient,
    relay_everything: Callable[[], Awaitable[None]],
    received: Received,
) -> None:
    client = committing_client
    location = await create(client, "Write docs", "create")
    stale = {"If-Match": '"2"'}
    refused = [
        await client.patch(location, json={"title": "x"}, headers=stale),
        await client.post(f"{location}/status", json={"status": "done"}),
        await client.delete(location, headers=stale),
        await client.post(URL, json={"title": "   "}),
    ]

    await relay_everything()

    assert [response.status_code for response in refused] == [412, 409, 412, 422]
    assert [message.body["type"] for message in await received()] == [CREATED]


async def test_a_retried_create_publishes_one_event(
    committing_client: AsyncClient,
    relay_everything: Callable[[], Awaitable[None]],
    received: Received,
) -> None:
    headers = {"Idempotency-Key": "retried-create"}
    for _ in range(2):
        response = await committing_client.post(URL, json={"title": "Write docs"}, headers=headers)
        assert response.status_code == 201

    await relay_everything()

    assert [message.body["type"] for message in await received()] == [CREATED]


async def test_a_change_and_its_event_are_one_trace_from_the_request_to_the_broker(
    committed_database: Database,
    relay_everything: Callable[[], Awaitable[None]],
    received: Received,
    finished_spans: FinishedSpans,
) -> None:
    app = create_app(settings_under_test(tracing={"enabled": True}), committed_database)
    async with client_for(app) as client:
        await create(client, "Write docs", "traced")

    await relay_everything()

    [message] = await received()
    spans = finished_spans()
    [server] = [span for span in spans if span.kind is SpanKind.SERVER]
    [publish] = [span for span in spans if span.kind is SpanKind.PRODUCER]
    assert server.name == f"POST {URL}"
    assert server.context is not None
    assert publish.context is not None
    assert publish.context.trace_id == server.context.trace_id
    # Its parent is the request's span, as stored with the event in the outbox.
    assert publish.parent is not None
    assert publish.parent.span_id == server.context.span_id
    assert publish.name == f"publish {message.subject}"
    # A consumer continues the publish's span.
    assert message.headers["traceparent"] == traceparent(publish)
    statements = [
        str((span.attributes or {})["db.statement"])
        for span in spans
        if span.kind is SpanKind.CLIENT and span.parent == server.context
    ]
    # The change's row and its event's, in the request's trace.
    inserted = [statement.split()[2] for statement in statements if statement.startswith("INSERT")]
    assert len(inserted) == 2
    assert "outbox" in inserted
