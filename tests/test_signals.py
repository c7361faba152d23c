"""A baked service stops cleanly on a signal, and outlives the death of its embedded PostgreSQL.

Each test serves a baked project in a subprocess, on an embedded PostgreSQL and NATS server of
its own, with a request in flight (its body half sent) when the signal arrives: that request
must still be answered, the embedded servers must be stopped and the service must exit 0.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .baking import SERVER_VARIABLES, bake

BODY = b'{"title": "sent before the signal, finished after it"}'
STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def project(cookies_session: Any, project_venv: Path) -> Path:
    baked: Path = bake(cookies_session)
    (project_venv / ".installed").touch()
    return baked


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Service:
    """A baked project serving on `port`, its embedded PostgreSQL in `data_dir`."""

    def __init__(
        self,
        command: list[str],
        project: Path,
        venv: Path,
        data_dir: Path,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        env = {key: value for key, value in os.environ.items() if key not in SERVER_VARIABLES}
        env.pop("VIRTUAL_ENV", None)
        env["PATH"] = os.pathsep.join(
            [str(venv / "bin"), str(Path(sys.executable).parent), env["PATH"]]
        )
        env["TASK_SERVICE_HTTP__PORT"] = str(self.port)
        env["TASK_SERVICE_DATABASE__EMBEDDED_DIR"] = str(data_dir)
        env |= settings or {}
        self.process = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_until_ready(
        self, seconds: float = STARTUP_SECONDS, path: str = "/health/ready"
    ) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            if request(self.port, "GET", path).startswith(b"HTTP/1.1 200"):
                return
            time.sleep(0.2)
        pytest.fail(f"not ready after {seconds} s:\n{self.output()}")

    def workers(self) -> list[int]:
        """The processes `serve` forked: its children that run the service's module."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        return [pid for pid in pids if "task_service" in command_line(pid)]

    def postmaster_pid(self) -> int | None:
        return first_number(self.data_dir / "postmaster.pid")

    def nats_server_pid(self) -> int | None:
        """The embedded NATS server's, beside the embedded PostgreSQL's data folder."""
        return first_number(self.data_dir.parent / "nats" / "nats-server.pid")

    def output(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.communicate()[0]


def first_number(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def request(port: int, method: str, path: str, body: bytes = b"") -> bytes:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(head(method, path, len(body)) + body)
            return receive(connection)
    except OSError:
        return b""


def head(method: str, path: str, length: int) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def receive(connection: socket.socket) -> bytes:
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def alive(pid: int) -> bool:
    """Whether `pid` runs; a zombie (exited, not yet reaped by its new parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def serve(
    project: Path, project_venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Service]]:
    """Start a command of the baked project on a new embedded PostgreSQL; kill what is left."""
    started: list[Service] = []

    def start(
        command: list[str], *, ready: bool = True, settings: dict[str, str] | None = None
    ) -> Service:
        if command[0] == "make":
            command = [*command, f"VENV={project_venv}"]
        data_dir = Path(tmp_path_factory.mktemp("pg", numbered=True)) / "pgdata"
        service = Service(command, project, project_venv, data_dir, settings)
        started.append(service)
        if ready:
            service.wait_until_ready()
        return service

    yield start
    for service in started:
        if service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGKILL)
        for pid in (service.postmaster_pid(), service.nats_server_pid()):
            if pid is not None and alive(pid):
                os.kill(pid, signal.SIGKILL)


PYTHON_RUN = ["python", "-m", "task_service", "run"]
PYTHON_SERVE = ["python", "-m", "task_service", "serve"]
TWO_WORKERS = {"TASK_SERVICE_HTTP__WORKERS": "2"}
MAKE_RUN = ["make", "--no-print-directory", "run"]


@pytest.mark.parametrize(
    ("command", "sent", "to_group", "exit_code"),
    [
        (PYTHON_RUN, signal.SIGTERM, False, 0),
        (PYTHON_RUN, signal.SIGINT, False, 0),
        (PYTHON_RUN, signal.SIGHUP, False, 0),
        # GNU make passes SIGTERM on to the recipe, then ends by the same signal (143).
        (MAKE_RUN, signal.SIGTERM, False, -signal.SIGTERM),
        # Ctrl-C signals the whole foreground process group; make then ends by SIGINT.
        (MAKE_RUN, signal.SIGINT, True, -signal.SIGINT),
    ],
    ids=["run-TERM", "run-INT", "run-HUP", "make-run-TERM", "make-run-INT-group"],
)
def test_a_signal_drains_the_request_in_flight_stops_postgres_and_exits(
    serve: Callable[[list[str]], Service],
    command: list[str],
    sent: int,
    to_group: bool,
    exit_code: int,
) -> None:
    service = serve(command)
    postmaster, nats_server = service.postmaster_pid(), service.nats_server_pid()
    assert postmaster is not None
    assert nats_server is not None

    with socket.create_connection(("127.0.0.1", service.port), timeout=30) as in_flight:
        in_flight.sendall(head("POST", "/tasks", len(BODY)) + BODY[:10])
        time.sleep(0.5)
        if to_group:
            os.killpg(service.process.pid, sent)
        else:
            os.kill(service.process.pid, sent)
        time.sleep(0.5)
        in_flight.sendall(BODY[10:])
        answer = receive(in_flight)

    returncode = service.process.wait(timeout=30)
    output = service.output()
    assert answer.startswith(b"HTTP/1.1 201"), output
    assert returncode == exit_code, output
    assert not alive(postmaster), output
    assert not alive(nats_server), output
    assert not (service.data_dir / "postmaster.pid").exists(), "PostgreSQL was not shut down"
    assert "Traceback" not in output


def test_a_killed_embedded_postgres_is_started_again(
    serve: Callable[[list[str]], Service],
) -> None:
    service = serve(PYTHON_RUN)
    postmaster = service.postmaster_pid()
    assert postmaster is not None

    os.kill(postmaster, signal.SIGKILL)
    # Until the new server is up: the old one's backends may answer a moment after it died.
    deadline = time.monotonic() + 20
    while service.postmaster_pid() in (None, postmaster) and time.monotonic() < deadline:
        time.sleep(0.1)
    service.wait_until_ready(seconds=20)
    created = request(service.port, "POST", "/tasks", BODY)

    assert created.startswith(b"HTTP/1.1 201"), service.output()
    assert service.postmaster_pid() not in (None, postmaster)
    os.kill(service.process.pid, signal.SIGTERM)
    assert service.process.wait(timeout=30) == 0, service.output()


@pytest.mark.parametrize(
    ("sent", "when"),
    [
        (signal.SIGTERM, "starting"),
        (signal.SIGHUP, "starting"),
        (signal.SIGTERM, "ready"),
        (signal.SIGINT, "ready"),
    ],
    ids=["TERM-starting", "HUP-starting", "TERM-migrating", "INT-migrating"],
)
def test_a_signal_before_serving_stops_postgres_and_exits_0(
    serve: Callable[..., Service], sent: int, when: str
) -> None:
    service = serve(PYTHON_RUN, ready=False)
    # The lock file appears while PostgreSQL starts; "ready" in it once it accepts
    # connections, when the service goes on to migrate. Both long before the port answers.
    deadline = time.monotonic() + STARTUP_SECONDS
    while (postmaster := service.postmaster_pid()) is None or (
        when == "ready" and "ready" not in lock_file(service)
    ):
        assert service.process.poll() is None, service.output()
        assert time.monotonic() < deadline, service.output()
        time.sleep(0.01)
    os.kill(service.process.pid, sent)

    returncode = service.process.wait(timeout=30)
    output = service.output()
    assert returncode == 0, output
    assert not alive(postmaster), output
    assert not (service.data_dir / "postmaster.pid").exists(), "PostgreSQL was not shut down"
    assert "Traceback" not in output


def lock_file(service: Service) -> str:
    try:
        return (service.data_dir / "postmaster.pid").read_text()
    except OSError:
        return ""


def serving_workers(
    serve: Callable[..., Service], settings: dict[str, str] | None = None
) -> tuple[Service, list[int]]:
    """`serve` with two workers, once both answer (it does not migrate: live, not ready)."""
    service = serve(PYTHON_SERVE, ready=False, settings=TWO_WORKERS | (settings or {}))
    service.wait_until_ready(path="/health/live")
    deadline = time.monotonic() + STARTUP_SECONDS
    while len(workers := service.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return service, workers


def test_serve_runs_its_workers_until_a_signal_stops_them_all(
    serve: Callable[..., Service],
) -> None:
    service, workers = serving_workers(serve)
    assert len(workers) == 2

    os.kill(service.process.pid, signal.SIGTERM)

    assert service.process.wait(timeout=30) == 0, service.output()
    assert not any(alive(pid) for pid in workers)


def test_serve_stops_and_fails_when_one_of_its_workers_dies(
    serve: Callable[..., Service],
) -> None:
    service, (killed, other) = serving_workers(serve)

    os.kill(killed, signal.SIGKILL)

    assert service.process.wait(timeout=30) == 1, service.output()
    assert not alive(other)


def test_the_metrics_of_two_workers_add_up_on_one_port(
    serve: Callable[..., Service], tmp_path: Path
) -> None:
    metrics_port = free_port()
    metrics = {
        "TASK_SERVICE_METRICS__PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    service, workers = serving_workers(serve, metrics)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and not all(
        any((tmp_path / "metrics").glob(f"*_{pid}.db")) for pid in workers
    ):
        time.sleep(0.1)  # until each worker has written its first values
    before = scraped(metrics_port)

    for _ in range(40):
        assert request(service.port, "GET", "/health/live").startswith(b"HTTP/1.1 200")

    after = scraped(metrics_port)
    live = ("http_requests_total", "route", "/health/live")
    assert after[live] - before[live] == 40
    # Each worker's pool of 10, added up.
    assert after["db_pool_size", "pool", "primary"] == 20
    os.kill(service.process.pid, signal.SIGTERM)
    assert service.process.wait(timeout=30) == 0, service.output()


def scraped(metrics_port: int) -> defaultdict[tuple[str, str, str], float]:
    """What `/metrics` says, added up by (sample, label, value) for each of a sample's labels."""
    text = request(metrics_port, "GET", "/metrics").partition(b"\r\n\r\n")[2].decode()
    totals: defaultdict[tuple[str, str, str], float] = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            for label, value in sample.labels.items():
                totals[sample.name, label, value] += sample.value
    return totals


def test_metrics_from_several_workers_without_a_shared_directory_are_refused(
    serve: Callable[..., Service],
) -> None:
    settings = TWO_WORKERS | {"TASK_SERVICE_METRICS__PORT": str(free_port())}
    service = serve(PYTHON_SERVE, ready=False, settings=settings)

    assert service.process.wait(timeout=30) == 1
    output = service.output()
    assert "PROMETHEUS_MULTIPROC_DIR" in output
    assert "Traceback" not in output
