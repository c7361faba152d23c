"""The composition root: the one module that knows every layer of every context."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import contexts
from .settings import Settings
from .shared_kernel.api.health import health_router
from .shared_kernel.api.problem_details import install_problem_details
from .shared_kernel.api.request_id import RequestIdMiddleware
from .shared_kernel.infrastructure.database import (
    Database,
    database_url,
)
from .shared_kernel.infrastructure.session_middleware import SessionScopeMiddleware


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    database = database or Database.from_settings(settings, database_url(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await database.dispose()

    app = FastAPI(
        title="{{ cookiecutter.project_name }}",
        description="{{ cookiecutter.description }}",
        lifespan=lifespan,
    )
    app.add_middleware(SessionScopeMiddleware, database=database)
    app.add_middleware(RequestIdMiddleware)  # added last, so it runs first
    install_problem_details(app)
    app.include_router(health_router(database.ping))
    for bootstrap in contexts.bootstraps():
        bootstrap.install(app)
    return app
