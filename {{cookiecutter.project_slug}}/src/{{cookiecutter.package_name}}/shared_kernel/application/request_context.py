"""The id of the request being served, so that every log line of a request can carry it.

Set by the API's request-id middleware; read by the log configuration. Plain Python, so every
layer may read it.
"""

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
