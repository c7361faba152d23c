"""`X-Request-ID`: taken from the request when it is a sensible id, made up otherwise, and
returned on the response."""

import re
from uuid import uuid4

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...application.request_context import current_request_id

HEADER = "X-Request-ID"
# Ids from proxies and clients are echoed into logs and headers: keep them short and plain.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """A plain ASGI middleware, so the id is set in the context the endpoint runs in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER.lower().encode(), b"").decode("latin-1")
        request_id = given if ACCEPTED_ID.match(given) else uuid4().hex
        # Not reset afterwards: the server-error handler, which runs outside this middleware,
        # logs and answers with it. Each request runs in a task, hence a context, of its own.
        current_request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
