"""Wires this bounded context into the application; found by `contexts.discover()`."""

import argparse
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from ...settings import Settings
from ...shared_kernel.infrastructure.database import SyncDatabase
from ...shared_kernel.infrastructure.messaging.consumers import Subscription
from ...shared_kernel.infrastructure.use_case_runner import (
    AsyncIdempotentRunner,
    AsyncQueryRunner,
    SyncRunner,
)
from .api.cli import Runners, add_{{ cookiecutter.aggregate_plural }}_commands
from .api.router import {{ cookiecutter.aggregate_plural }}_router
from .infrastructure.queries import Sql{{ cookiecutter.__aggregate_class }}Queries
from .infrastructure.unit_of_work import SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork


def install(app: FastAPI, settings: Settings) -> None:
    key_retention = settings.idempotency.key_retention
    run = AsyncIdempotentRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork, key_retention)
    read = AsyncQueryRunner(Sql{{ cookiecutter.__aggregate_class }}Queries)
    read_current = AsyncQueryRunner(Sql{{ cookiecutter.__aggregate_class }}Queries, primary=True)
    app.include_router({{ cookiecutter.aggregate_plural }}_router(run, read, read_current))


def subscriptions() -> list[Subscription[Any]]:
    """The events of other contexts this one reacts to: see "React to another context's
    event" in docs/guidelines/cookbook.md."""
    return []


def add_commands(
    add_parser: Callable[..., argparse.ArgumentParser],
    database: Callable[[], SyncDatabase],
) -> None:
    def runners() -> Runners:
        connected = database()
        run = SyncRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork, connected.sessions)
        read = SyncRunner(Sql{{ cookiecutter.__aggregate_class }}Queries, connected.read_connection)
        return run, read

    add_{{ cookiecutter.aggregate_plural }}_commands(add_parser, runners)
