"""The composition root: the one module that knows every layer of every context."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import contexts
from .settings import Settings
from .shared_kernel.api.health import health_router
from .shared_kernel.api.middleware.body_limit import BodyLimitMiddleware
from .shared_kernel.api.middleware.request_id import RequestIdMiddleware
from .shared_kernel.api.middleware.request_metrics import RequestMetricsMiddleware
from .shared_kernel.api.middleware.unexpected_errors import UnexpectedErrorMiddleware
from .shared_kernel.api.openapi import document_problems
from .shared_kernel.api.problem_details import install_problem_details
from .shared_kernel.infrastructure.background import running
from .shared_kernel.infrastructure.database import (
    Database,
    database_url,
    embedded_data_dir,
)
from .shared_kernel.infrastructure.embedded_postgres import kept_running
from .shared_kernel.infrastructure.observability.metrics import pools_of, sample_pools
from .shared_kernel.infrastructure.observability.tracing import start_tracing, trace_requests
from .shared_kernel.infrastructure.session_middleware import SessionScopeMiddleware


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    on_fatal: Callable[[], None] | None = None,
    alongside: Sequence[Callable[[], Awaitable[None]]] = (),
) -> FastAPI:
    """The application; `on_fatal` stops the process when it cannot go on (default: SIGTERM).

    `alongside`: tasks that run while the application serves (in development, the outbox relay
    and the consumers), cancelled when it stops.
    """
    settings = settings or Settings()
    database = database or Database.from_settings(settings, database_url(settings))
    measured = settings.metrics.port is not None
    if measured:
        pools = pools_of(database)
        alongside = [*alongside, lambda: sample_pools(pools)]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # In development the embedded PostgreSQL is started again if it stops while serving.
        async with kept_running(embedded_data_dir(settings), on_fatal), running(alongside):
            yield
        await database.dispose()

    app = FastAPI(
        title="{{ cookiecutter.project_name }}",
        description="{{ cookiecutter.description }}",
        lifespan=lifespan,
    )
    app.add_middleware(SessionScopeMiddleware, database=database)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.http.max_body_bytes)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(RequestIdMiddleware)
    if measured:
        app.add_middleware(RequestMetricsMiddleware)  # added last, so it runs first
    install_problem_details(app)
    document_problems(app)
    app.include_router(health_router(database.outbox_details))
    for bootstrap in contexts.bootstraps():
        bootstrap.install(app, settings)
    if settings.tracing.enabled:
        start_tracing()
        trace_requests(app)
    return app
