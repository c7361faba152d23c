"""`python -m {{ cookiecutter.package_name }} [run | serve | migrate | wait-for-migrations | relay | consume | <context> ...]`.

`run` (the default, what `make run` does) migrates and then serves, with the outbox relay and
the event consumers inside the same process; deployments run `migrate` once as a step of its
own (`wait-for-migrations` holds a new version's instances until it is done), `serve` on every instance, and `relay` and `consume` as services of their own. Each bounded context adds commands
of its own (`python -m {{ cookiecutter.package_name }} {{ cookiecutter.aggregate_plural }} --help`), which run the same use
cases on a synchronous engine.
"""

import argparse
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial

from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from . import contexts
from .app import create_app
from .migrations import upgrade_to_head, wait_until_migrated
from .serving import (
    ExitStatus,
    StartingUp,
    listen,
    metrics_exposed,
    run_until_stopped,
    serve,
    stopped_by_signals,
    supervise,
)
from .settings import Environment, Settings
from .shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
    create_sync_engine_from_settings,
    database_url,
)
from .shared_kernel.infrastructure.messaging.workers import (
    broker_url,
    consume_events,
    relay_events,
)
from .shared_kernel.infrastructure.observability.metrics import (
    MULTIPROCESS_DIR,
    prepare_multiprocess_dir,
    worker_exited,
)
from .shared_kernel.infrastructure.observability.structured_logging import configure_logging
from .shared_kernel.infrastructure.observability.tracing import start_tracing
from .startup_errors import (
    ENV_PREFIX,
    StartupError,
    database_error,
    malformed_setting_error,
    settings_error,
    url_error,
)

COMMANDS = {
    "run": "migrate the database, then serve the API (development)",
    "serve": "serve the API on a database that is already migrated, in HTTP__WORKERS processes",
    "migrate": "upgrade the database to the newest migration, then exit",
    "wait-for-migrations": "wait until the database has this version's migrations, then exit "
    "(before serve, while a separate step runs migrate)",
    "relay": "publish the outbox's events to the broker until stopped",
    "consume": "run the contexts' handlers of other contexts' events until stopped",
}


logger = logging.getLogger("{{ cookiecutter.package_name }}")


def main(argv: list[str] | None = None) -> int:
    """Run a command; a start-up failure is one line on stderr and exit status 1.

    A stop signal before the server serves exits 0, its exit handlers run.
    """
    try:
        with stopped_by_signals() as starting:
            return _main(argv, starting)
    except StartupError as error:
        logger.debug("start-up failed", exc_info=True)
        print(f"error: {error}", file=sys.stderr)
        return 1


def _main(argv: list[str] | None, starting: StartingUp) -> int:
    parser = argparse.ArgumentParser(prog="python -m {{ cookiecutter.package_name }}")
    commands = parser.add_subparsers(dest="command")
    for name, summary in COMMANDS.items():
        commands.add_parser(name, help=summary, description=summary)
    try:
        settings = Settings()
    except ValidationError as error:
        raise settings_error(error) from None
    except SettingsError as error:
        raise malformed_setting_error(error) from None
    opened = ExitStack()

    def sync_database() -> SyncDatabase:
        database = SyncDatabase.from_settings(settings, _database_url(settings, starting))
        opened.callback(database.dispose)
        return database

    for bootstrap in contexts.bootstraps():
        bootstrap.add_commands(commands.add_parser, sync_database)
    arguments = parser.parse_args(argv)

    configure_logging(settings.log_level, as_json=settings.environment is Environment.PRODUCTION)
    if execute := getattr(arguments, "execute", None):
        with opened, _reaching(_configured_url(settings)):
            code: int = execute(arguments)
        return code
    command = arguments.command or "run"
    if command in ("relay", "consume"):
        return _work(command, settings, starting)
    if command == "wait-for-migrations":
        url = _database_url(settings, starting)
        engine = create_sync_engine_from_settings(url, settings.database)
        try:
            with _reaching(url):
                wait_until_migrated(engine)
        finally:
            engine.dispose()
        return 0
    # Bound first: a port in use fails the start before any migration runs.
    listening = listen(settings.http) if command in ("run", "serve") else None
    url = _database_url(settings, starting)
    if command in ("run", "migrate"):
        with _reaching(url):
            upgrade_to_head(url)
    if listening is None:
        return 0
    prepare_multiprocess_dir()
    with ExitStack() as metrics:

        def expose_metrics() -> None:
            metrics.enter_context(metrics_exposed(settings))

        if command == "serve" and (workers := settings.serving_workers()) > 1:
            _require_multiprocess_dir(settings, workers)
            serve_once = partial(_serve, settings, url, listening)
            return supervise(workers, serve_once, started=expose_metrics, exited=worker_exited)
        expose_metrics()
        return _serve(settings, url, listening, starting if command == "run" else None)


def _require_multiprocess_dir(settings: Settings, workers: int) -> None:
    if settings.metrics.port is not None and MULTIPROCESS_DIR not in os.environ:
        raise StartupError(
            f"metrics from {workers} workers need {MULTIPROCESS_DIR}: a directory they share "
            "(emptied at each start), or HTTP__WORKERS=1"
        )


def _serve(
    settings: Settings, url: URL, listening: socket.socket, starting: StartingUp | None = None
) -> int:
    """Serve on `listening` until stopped; with `starting` (`run`), the relay and the
    consumers alongside, in the same process."""
    status = ExitStatus()
    database = Database.from_settings(settings, url)
    alongside = [] if starting is None else _workers(settings, database, starting)
    app = create_app(settings, database, on_fatal=status.fail, alongside=alongside)
    serve(app, settings.http, listening)
    return status.code


def _work(command: str, settings: Settings, starting: StartingUp) -> int:
    """`relay` or `consume`, until a stop signal."""
    if settings.tracing.enabled:
        start_tracing()
    database = Database.from_settings(settings, _database_url(settings, starting))
    relay, consume = _workers(settings, database, starting)
    prepare_multiprocess_dir()
    with metrics_exposed(settings):
        run_until_stopped(relay if command == "relay" else consume)
    return 0


def _workers(
    settings: Settings, database: Database, starting: StartingUp
) -> list[Callable[[], Awaitable[None]]]:
    """The relay and the consumers on the broker: the configured one, else (in development)
    an embedded NATS server, started here."""
    if settings.broker.url is None and settings.environment is not Environment.DEVELOPMENT:
        raise StartupError(
            f"a broker is required in {settings.environment}: set {ENV_PREFIX}BROKER__URL "
            "(or NATS_URL); the embedded NATS server is for development only"
        )
    try:
        with starting.held():
            url = broker_url(settings)
    except RuntimeError as error:  # the embedded server's binary is missing or did not start
        raise StartupError(str(error)) from error
    subscriptions = contexts.subscriptions()

    async def relay() -> None:
        await relay_events(database, url, settings)

    async def consume() -> None:
        await consume_events(database, url, settings, subscriptions)

    return [relay, consume]


def _database_url(settings: Settings, starting: StartingUp) -> URL:
    """The database's URL; a signal while the embedded PostgreSQL starts waits for its end."""
    with starting.held():
        configured = _configured_url(settings)
        return configured if configured is not None else database_url(settings)


def _configured_url(settings: Settings) -> URL | None:
    if (configured := settings.database.url) is None:
        return None
    try:
        return make_url(configured.get_secret_value())
    except ArgumentError:
        # The message quotes the URL, password included.
        raise url_error() from None


@contextmanager
def _reaching(url: URL | None) -> Iterator[None]:
    """A database that cannot be reached ends the command with one line, not a traceback."""
    try:
        yield
    except Exception as error:
        if (failure := database_error(error, url)) is None:
            raise
        raise failure from error


if __name__ == "__main__":
    raise SystemExit(main())
