"""Requests counted and timed by method, route template and status, for Prometheus.

Labelled by the route's template (`/tasks/{task_id}`), never by the path a client sent, so the
series stay as few as the routes; a path that matches no route counts as `unmatched`.
"""

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LABELS = ("method", "route", "status")
REQUESTS = Counter("http_requests", "Requests answered.", LABELS)
DURATION = Histogram(
    "http_request_duration_seconds",
    "Seconds from a request's arrival to the end of its response.",
    LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
UNMATCHED = "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what a client sees when the app fails before it answers

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            # The router records the route it matched in the scope it was given.
            template = str(getattr(scope.get("route"), "path", UNMATCHED))
            labels = (scope["method"], template, str(status))
            REQUESTS.labels(*labels).inc()
            DURATION.labels(*labels).observe(time.perf_counter() - started)
