"""Request bodies larger than a limit are refused with 413 before they are read into memory.

A declared `Content-Length` over the limit is answered at once, without calling the
application. A body without one (chunked transfer) is counted as it arrives; the chunk that
passes the limit ends the request, so at most the limit and one chunk are ever held.
"""

from http import HTTPStatus

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..problem_details import problem
from .watched_send import WatchedSend

# The rest of the refused body is still on its way: the connection cannot be reused.
_CLOSE = {"Connection": "close"}


class BodyTooLargeError(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"the request body is larger than {limit} bytes",
            headers=_CLOSE,
        )


class BodyLimitMiddleware:
    """A plain ASGI middleware: it sees every chunk as the server receives it."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLargeError(self.max_body_bytes)
            return message

        watched_send = WatchedSend(send)
        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLargeError:
            # Read outside the exception handlers (by a middleware, say): answered here.
            if watched_send.started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLargeError(self.max_body_bytes)
        response = problem(Request(scope), HTTPStatus(error.status_code), error.detail)
        response.headers.update(_CLOSE)
        await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    try:
        return int(Headers(scope=scope).get("content-length", "0"))
    except ValueError:  # the server refuses a malformed length before the application runs
        return 0
