import asyncio
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from fastapi import APIRouter
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

# A probe gives up after this long: a hung database makes the service unready, not the probe.
READINESS_TIMEOUT_SECONDS = 1.0


def health_router(check_database: Callable[[], Awaitable[None]]) -> APIRouter:
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        """The process is up; says nothing about its dependencies."""
        return {"status": "ok"}

    @router.get("/ready", responses={503: {"description": "The database cannot be reached."}})
    async def ready() -> JSONResponse:
        """The service can take traffic: the database answers."""
        try:
            async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
                await check_database()
        except Exception as error:
            logger.warning("readiness check failed: %s", type(error).__name__)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"},
                status_code=HTTPStatus.SERVICE_UNAVAILABLE,
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    return router
