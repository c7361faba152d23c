"""`python -m {{ cookiecutter.package_name }} [run | serve | migrate | <context> ...]`.

`run` (the default, what `make run` does) migrates and then serves; deployments run `migrate`
once as a step of its own and `serve` on every instance. Each bounded context adds commands
of its own (`python -m {{ cookiecutter.package_name }} {{ cookiecutter.aggregate_plural }} --help`), which run the same use
cases on a synchronous engine.
"""

import argparse
from contextlib import ExitStack

import uvicorn

from . import contexts
from .app import create_app
from .migrations import upgrade_to_head
from .settings import Environment, Settings
from .shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
    database_url,
)
from .shared_kernel.infrastructure.structured_logging import configure_logging

COMMANDS = {
    "run": "migrate the database, then serve the API (development)",
    "serve": "serve the API on a database that is already migrated",
    "migrate": "upgrade the database to the newest migration, then exit",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m {{ cookiecutter.package_name }}")
    commands = parser.add_subparsers(dest="command")
    for name, summary in COMMANDS.items():
        commands.add_parser(name, help=summary, description=summary)
    settings = Settings()
    opened = ExitStack()

    def sync_database() -> SyncDatabase:
        database = SyncDatabase.from_settings(settings, database_url(settings))
        opened.callback(database.dispose)
        return database

    for bootstrap in contexts.bootstraps():
        bootstrap.add_commands(commands.add_parser, sync_database)
    arguments = parser.parse_args(argv)

    configure_logging(settings.log_level, as_json=settings.environment is Environment.PRODUCTION)
    if execute := getattr(arguments, "execute", None):
        with opened:
            code: int = execute(arguments)
        return code
    command = arguments.command or "run"
    url = database_url(settings)
    if command in ("run", "migrate"):
        upgrade_to_head(url)
    if command in ("run", "serve"):
        app = create_app(settings, Database.from_settings(settings, url))
        # log_config=None: uvicorn's loggers go through the handler configured above.
        uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
