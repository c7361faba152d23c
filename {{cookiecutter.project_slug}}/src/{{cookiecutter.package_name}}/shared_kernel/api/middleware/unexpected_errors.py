"""An unexpected error is answered 500 and logged once, and the connection stays open.

Starlette's own last-resort handler re-raises after it answers, so the server logs the error a
second time and closes the keep-alive connection, failing the client's next request on it.
This middleware answers and does not re-raise. Only an error after the response has started
still reaches the server, which then has to close the connection: the response is cut short.
"""

import logging
from http import HTTPStatus

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..problem_details import problem
from .watched_send import WatchedSend

logger = logging.getLogger(__name__)


class UnexpectedErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched_send = WatchedSend(send)
        try:
            await self.app(scope, receive, watched_send)
        except Exception:
            if watched_send.started:
                raise
            request = Request(scope)
            # The client gets no internals (SQL, stack, connection strings); the log keeps them.
            logger.exception("unhandled error on %s %s", request.method, request.url.path)
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            response = problem(request, status, "the server failed to handle this request")
            await response(scope, receive, send)
