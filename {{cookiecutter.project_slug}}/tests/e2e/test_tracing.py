"""With tracing on, a request is one trace: a server span named by its route, the SQL statements
it ran as its children, and its log lines carry the trace's ids. Probes are not traced unless
asked, and a statement outside any request starts no trace."""

import logging

import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.structured_logging import (
    CorrelationFilter,
)

from {{ cookiecutter.package_name }}.app import (
    create_app,
)
from tests.conftest import FinishedSpans

from .conftest import client_for, settings_under_test


def traced_app(database: Database) -> FastAPI:
    """The application with tracing on, and one more route, which logs and fails."""
    app = create_app(settings_under_test(tracing={"enabled": True}), database)

    async def fail() -> None:
        logging.getLogger("orders").info("about to fail")
        raise RuntimeError("boom")

    app.add_api_route("/fail", fail)
    return app


def server_span(spans: tuple[ReadableSpan, ...]) -> ReadableSpan:
    [server] = [span for span in spans if span.kind is SpanKind.SERVER]
    return server


async def test_a_request_is_a_server_span_and_its_statements_are_its_children(
    database: Database, finished_spans: FinishedSpans, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The readiness probe reads the database; probes are traced when asked.
    monkeypatch.setenv("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS", "")
    async with client_for(traced_app(database)) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 200
    server = server_span(finished_spans())
    assert server.name == "GET /health/ready"
    assert server.parent is None
    assert server.context is not None
    statements = [span for span in finished_spans() if span.kind is SpanKind.CLIENT]
    assert statements
    for statement in statements:
        assert statement.context is not None
        assert statement.parent is not None
        assert statement.context.trace_id == server.context.trace_id
        assert statement.parent.span_id == server.context.span_id


async def test_a_probe_and_its_statements_start_no_trace_by_default(
    database: Database, finished_spans: FinishedSpans
) -> None:
    async with client_for(traced_app(database)) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 200
    assert finished_spans() == ()


async def test_every_log_line_of_a_traced_request_carries_its_trace_and_span_ids(
    database: Database, finished_spans: FinishedSpans, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(CorrelationFilter())

    with caplog.at_level(logging.INFO):
        async with client_for(traced_app(database)) as client:
            response = await client.get("/fail", headers={"X-Request-ID": "req-traced"})

    assert response.status_code == 500
    server = server_span(finished_spans())
    assert server.name == "GET /fail"
    assert server.context is not None
    ids = {
        record.getMessage(): (record.__dict__["trace_id"], record.__dict__["span_id"])
        for record in caplog.records
        if record.__dict__.get("request_id") == "req-traced"
    }
    expected = (format_trace_id(server.context.trace_id), format_span_id(server.context.span_id))
    assert ids["about to fail"] == expected
    assert ids["unhandled error on GET /fail"] == expected
