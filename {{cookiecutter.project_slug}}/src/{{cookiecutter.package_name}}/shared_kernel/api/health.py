import asyncio
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

# A probe gives up after this long: a hung database makes the service unready, not the probe.
READINESS_TIMEOUT_SECONDS = 1.0


def health_router(outbox_details: Callable[[], Awaitable[dict[str, Any]]]) -> APIRouter:
    """`outbox_details` reads the outbox's state from the database: that it answers is what
    readiness checks."""
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        """The process is up; says nothing about its dependencies."""
        return {"status": "ok"}

    @router.get("/ready", responses={503: {"description": "The database cannot be reached."}})
    async def ready() -> JSONResponse:
        """The service can take traffic: the database answers. The details say how many events
        wait in the outbox and for how long; a broker that is down leaves the service ready,
        since writes go on and their events wait there."""
        try:
            async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
                outbox = await outbox_details()
        except Exception as error:
            logger.warning("readiness check failed: %s", type(error).__name__)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=HTTPStatus.SERVICE_UNAVAILABLE,
            )
        return JSONResponse({"status": "ok", "database": "ok", "outbox": outbox})

    return router
