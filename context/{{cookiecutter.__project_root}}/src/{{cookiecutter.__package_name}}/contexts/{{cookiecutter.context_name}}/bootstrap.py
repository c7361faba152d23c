"""Wires this bounded context into the application; found by `contexts.discover()`."""

from fastapi import FastAPI

from ...shared_kernel.infrastructure.use_case_runner import AsyncUseCaseRunner
from .api.router import {{ cookiecutter.aggregate_plural }}_router
from .infrastructure.unit_of_work import SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork


def install(app: FastAPI) -> None:
    run = AsyncUseCaseRunner(SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork)
    app.include_router({{ cookiecutter.aggregate_plural }}_router(run))
