"""Serve the API with uvicorn until SIGTERM, SIGINT or SIGHUP, then stop cleanly.

On any of the three the server stops accepting connections, lets the requests in flight finish
(up to `HTTP__SHUTDOWN_TIMEOUT` seconds), runs the application's shutdown and returns, so the
process exits 0 and its exit handlers stop what it started (the embedded PostgreSQL). Left to
itself uvicorn re-raises SIGTERM after its shutdown, which kills the process before those
handlers run, and it does not handle SIGHUP at all.

Before the server serves (while the embedded PostgreSQL starts and the migrations run) the same
signals end the process too, by unwinding (`SystemExit(0)`), so those exit handlers run then as
well; the default actions would kill it at once and leave the embedded PostgreSQL running.

With several workers (`supervise`) the process binds the socket, forks the workers, which
accept on it in turn, each with pools of its own, and passes the stop signals on to them.
"""

import asyncio
import gc
import os
import signal
import socket
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from .settings import HttpSettings, Settings
from .shared_kernel.infrastructure.observability.metrics import serve_metrics
from .startup_errors import ENV_PREFIX, StartupError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# Connections the kernel queues before the server accepts them (what uvicorn asks for).
LISTEN_BACKLOG = 2048


class StartingUp:
    """Until the server serves, a stop signal exits 0 by unwinding, so exit handlers run.

    Inside `held()` the exit waits for the block to end: while the embedded PostgreSQL starts,
    this process is not yet one of its registered users, and leaving then would not stop it.
    """

    def __init__(self) -> None:
        self._holding = 0
        self._received = False

    def stop(self, signum: int, frame: FrameType | None) -> None:
        if self._holding:
            self._received = True
            return
        raise SystemExit(0)

    @contextmanager
    def held(self) -> Iterator[None]:
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding and self._received:
                raise SystemExit(0)


@contextmanager
def stopped_by_signals() -> Iterator[StartingUp]:
    """While inside, SIGTERM, SIGINT and SIGHUP end the process as `StartingUp` says.

    Only in the main thread, the one Python delivers signals to; elsewhere nothing changes.
    """
    starting = StartingUp()
    if threading.current_thread() is not threading.main_thread():
        yield starting
        return
    with _handled_by(starting.stop):
        yield starting


@contextmanager
def _handled_by(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """While inside, the stop signals go to `handler`; afterwards to what handled them before."""
    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handled in previous.items():
            signal.signal(number, handled)


class ExitStatus:
    """The status the process exits with once the server has stopped: 1 after `fail()`."""

    def __init__(self) -> None:
        self.code = 0

    def fail(self) -> None:
        """Stop serving as SIGTERM does (requests in flight finish), then exit 1."""
        self.code = 1
        signal.raise_signal(signal.SIGTERM)


def listen(settings: HttpSettings) -> socket.socket:
    """The server's socket, bound and listening, or a `StartupError` naming the setting.

    Made with the protocol getaddrinfo names (TCP), not 0 as `socket.create_server` makes it:
    asyncio sets TCP_NODELAY only on connections of a TCP socket, and without it a response
    written as headers then body waits for the client's delayed ACK, some 40 ms.
    """
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            settings.host, settings.port, type=socket.SOCK_STREAM
        )[0]
        listening = socket.socket(family, kind, protocol)
    except OSError as error:
        raise _cannot_listen(settings, error) from error
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(LISTEN_BACKLOG)
    except OSError as error:
        listening.close()
        raise _cannot_listen(settings, error) from error
    return listening


def _cannot_listen(settings: HttpSettings, error: OSError) -> StartupError:
    reason = error.strerror or type(error).__name__
    return StartupError(
        f"cannot listen on {settings.host}:{settings.port}: {reason}; stop what uses it or "
        f"set {ENV_PREFIX}HTTP__PORT (or {ENV_PREFIX}HTTP__HOST)"
    )


@contextmanager
def metrics_exposed(settings: Settings) -> Iterator[None]:
    """`/metrics` on METRICS__PORT, when it is set, while inside; a port it cannot listen on
    is a `StartupError` naming the setting."""
    if (port := settings.metrics.port) is None:
        yield
        return
    try:
        stop = serve_metrics(settings.http.host, port)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise StartupError(
            f"cannot serve metrics on {settings.http.host}:{port}: {reason}; stop what uses "
            f"it or set {ENV_PREFIX}METRICS__PORT"
        ) from error
    try:
        yield
    finally:
        stop()


def run_until_stopped(work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` in an event loop until it ends or a stop signal cancels it (exit 0)."""

    async def until_stopped() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(work())

        def stop(signum: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(task.cancel)

        with _handled_by(stop), suppress(asyncio.CancelledError):
            await task

    asyncio.run(until_stopped())


def serve(app: ASGIApp, settings: HttpSettings, listening: socket.socket) -> None:
    """Serve on `listening` until a stop signal has drained the server."""
    config = uvicorn.Config(
        app,
        # None: uvicorn's loggers go through the handler the service configured.
        log_config=None,
        timeout_graceful_shutdown=settings.shutdown_timeout,
    )
    server = uvicorn.Server(config)

    def stop(signum: int, frame: FrameType | None) -> None:
        # SIGHUP drains like SIGTERM. Once the server has stopped, uvicorn raises again the
        # signal it got, which lands here too and changes nothing.
        server.handle_exit(signal.SIGTERM if signum == signal.SIGHUP else signum, frame)

    # What exists now (modules, the app and its routes) lives as long as the process. Frozen,
    # the collector stops walking it at every full collection, each of which took tens of
    # milliseconds under load and held every request in flight that long: the p99 tail.
    gc.collect()
    gc.freeze()
    try:
        with _handled_by(stop):
            server.run(sockets=[listening])
    finally:
        listening.close()


def supervise(
    workers: int,
    work: Callable[[], int],
    *,
    started: Callable[[], object] = lambda: None,
    exited: Callable[[int], None] = lambda pid: None,
) -> int:
    """Run `work` in `workers` forked processes until all have exited.

    Forked after the socket is bound and before any pool, thread or event loop exists, so each
    worker starts from a clean copy; `started` runs once they are (the metrics' thread), and
    `exited` with each worker's pid when it ends. A stop signal is passed on to every worker,
    which drains as one process would; a worker that exits on its own (a crash, a fatal
    error) stops the others. Returns 0 when every worker stopped cleanly on a signal, else 1.
    """
    alive: set[int] = set()
    stopping = False

    def stop_all(signum: int, frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for pid in alive:
            with suppress(ProcessLookupError):
                os.kill(pid, signum)

    status = 0
    with _handled_by(stop_all):
        for _ in range(workers):
            if (pid := os.fork()) == 0:
                _run_worker(work)
            alive.add(pid)
        failure: Exception | None = None
        try:
            started()
        except Exception as error:  # the workers drain and exit before it is raised
            failure = error
            stop_all(signal.SIGTERM)
        while alive:
            pid, wait_status = os.wait()
            alive.discard(pid)
            exited(pid)
            if os.waitstatus_to_exitcode(wait_status) != 0 or not stopping:
                status = 1
                stop_all(signal.SIGTERM)
    if failure is not None:
        raise failure
    return status


def _run_worker(work: Callable[[], int]) -> None:
    """In a forked worker: never returns into the parent's code, nor runs its exit handlers
    (the embedded PostgreSQL is the parent's to stop)."""
    code = 1
    try:
        # Until the worker serves, a stop signal ends it alone, not through the parent's
        # handler, which would signal the workers forked before it.
        for number in STOP_SIGNALS:
            signal.signal(number, _exit_at_once)
        code = work()
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _exit_at_once(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
