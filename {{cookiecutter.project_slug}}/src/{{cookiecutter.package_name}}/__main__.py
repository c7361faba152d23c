"""`python -m {{ cookiecutter.package_name }} [run | serve | migrate]`.

`run` (the default, what `make run` does) migrates and then serves; deployments run `migrate`
once as a step of its own and `serve` on every instance.
"""

import argparse

import uvicorn

from .app import create_app
from .migrations import upgrade_to_head
from .settings import Environment, Settings
from .shared_kernel.infrastructure.database import (
    Database,
    create_engine_from_settings,
    database_url,
)
from .shared_kernel.infrastructure.structured_logging import configure_logging

COMMANDS = {
    "run": "migrate the database, then serve the API (development)",
    "serve": "serve the API on a database that is already migrated",
    "migrate": "upgrade the database to the newest migration, then exit",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m {{ cookiecutter.package_name }}")
    commands = parser.add_subparsers(dest="command")
    for name, summary in COMMANDS.items():
        commands.add_parser(name, help=summary, description=summary)
    command = parser.parse_args(argv).command or "run"

    settings = Settings()
    configure_logging(settings.log_level, as_json=settings.environment is Environment.PRODUCTION)
    url = database_url(settings)
    if command in ("run", "migrate"):
        upgrade_to_head(url)
    if command in ("run", "serve"):
        database = Database(create_engine_from_settings(url, settings.database))
        app = create_app(settings, database)
        # log_config=None: uvicorn's loggers go through the handler configured above.
        uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)


if __name__ == "__main__":
    main()
