"""Traces, with `TRACING__ENABLED`: one trace from a request through its SQL statements and the
events it wrote to the relay's publish and the consumers' handlers, in other processes.

The request's trace context is stored with each event in the outbox (`traceparent` among its
headers), the relay's publish span continues it and puts its own in the message's headers, and
a consumer's span continues that. Spans are exported by OTLP as the standard `OTEL_*` variables
say. With tracing off nothing is instrumented: the relay's and the consumers' spans are the
API's no-op ones and an event stores no trace context.
"""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, Span, SpanKind, StatusCode, TraceState
from opentelemetry.util.types import Attributes

SERVICE = "{{ cookiecutter.project_slug }}"
# Probes come every few seconds from every instance: they would bury the traces that matter.
UNTRACED_URLS = "/health/"
MESSAGING_SYSTEM = "nats"

tracer = trace.get_tracer(__name__)  # a proxy: it uses whichever provider is set later


class NoLoneStatements(Sampler):
    """A SQL statement outside any span (the relay's polling, a probe's check) starts no trace
    of its own; every other span is sampled as `configured` says."""

    def __init__(self, configured: Sampler) -> None:
        self._configured = configured

    def should_sample(  # noqa: PLR0917 (the SDK's signature)
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if kind is SpanKind.CLIENT and not parent.is_valid:
            return SamplingResult(Decision.DROP)
        return self._configured.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"NoLoneStatements({self._configured.get_description()})"


def sampler() -> NoLoneStatements:
    """The sampler of OTEL_TRACES_SAMPLER (and its argument), without lone statements."""
    return NoLoneStatements(TracerProvider(shutdown_on_exit=False).sampler)


def start_tracing() -> None:
    """The process's tracer provider, exporting by OTLP (a provider already set is kept), and a
    span per SQL statement the process sends through asyncpg, without its parameters."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        named = {} if "OTEL_SERVICE_NAME" in os.environ else {SERVICE_NAME: SERVICE}
        provider = TracerProvider(sampler=sampler(), resource=Resource.create(named))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
    statements = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not statements.is_instrumented_by_opentelemetry:
        statements.instrument()


def trace_requests(app: FastAPI) -> None:
    """A server span per request, named by its route template (`GET /tasks/{task_id}`)."""
    excluded = os.environ.get("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS", UNTRACED_URLS)
    FastAPIInstrumentor.instrument_app(app, excluded_urls=excluded)


def with_trace_context(headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` and the current trace context (`traceparent`), if a span is current."""
    carried = dict(headers)
    propagate.inject(carried)
    return carried


def publish_span(subject: str, message_id: str, headers: Mapping[str, str]) -> Span:
    """The span of one event's publish, in the trace its headers carry; ended by the caller."""
    return tracer.start_span(
        f"publish {subject}",
        context=propagate.extract(headers),
        kind=SpanKind.PRODUCER,
        attributes=_message_attributes(subject, message_id, "publish"),
    )


def headers_continuing(span: Span, headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` with `span` as the trace context a consumer continues."""
    carried = dict(headers)
    propagate.inject(carried, context=trace.set_span_in_context(span))
    return carried


@contextmanager
def process_span(subject: str, message_id: str, headers: Mapping[str, str]) -> Iterator[Span]:
    """The current span while a consumer handles one message, in the trace it carries."""
    with tracer.start_as_current_span(
        f"process {subject}",
        context=propagate.extract(headers),
        kind=SpanKind.CONSUMER,
        attributes=_message_attributes(subject, message_id, "process"),
        # A handler's error may quote the event's data: the caller names it by its class.
        record_exception=False,
    ) as span:
        yield span


def failed(span: Span, reason: str) -> None:
    span.set_status(StatusCode.ERROR, reason)


def _message_attributes(subject: str, message_id: str, operation: str) -> dict[str, str]:
    return {
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.destination.name": subject,
        "messaging.message.id": message_id,
        "messaging.operation.type": operation,
    }
