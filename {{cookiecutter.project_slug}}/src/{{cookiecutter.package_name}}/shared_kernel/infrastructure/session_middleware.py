from starlette.types import ASGIApp, Receive, Scope, Send

from .database import Database


class SessionScopeMiddleware:
    """Opens a database session scope around each HTTP request.

    A plain ASGI middleware, not `BaseHTTPMiddleware`: the latter runs the endpoint in another
    task, where the scope's context variable is not the one this middleware set.
    """

    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.database.scope():
            await self.app(scope, receive, send)
