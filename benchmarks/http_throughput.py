"""HTTP throughput of the generated service against the same endpoints on raw asyncpg.

    .venv/bin/python benchmarks/http_throughput.py [--rounds N] [--duration S] [--json]
                                                   [--workers N] [--template PATH]
                                                   [--database-url URL] [--raw-writes-outbox]
                                                   [--raw-through-sqlalchemy]

Bakes the default project from the committed template (`git archive HEAD`; `--template PATH`
bakes that folder instead, such as the working tree), installs it in a virtualenv of its own
with the production extra (uvloop and httptools, as the image serves), migrates it and serves
it (`serve`, `--workers` processes) next to `raw_asyncpg_app.py`: the same two endpoints with
one SQL statement each, on the same database, table, pool size and number of workers. Both use the
embedded PostgreSQL, or the server of `--database-url` (give a throwaway database: the
benchmark migrates it and adds rows to it).

wrk loads one app at a time, service then raw app, for `--rounds` rounds of `GET /tasks/{id}`
(among seeded ids) and of `POST /tasks`, and the medians are held to the goals: the service
serves at least 0.6x the raw app's requests/s on GET, 0.45x on POST, with at most 2x its p99
latency. `--raw-writes-outbox` has the raw app's POST write the task and its outbox row in
one transaction, as the service does: what the outbox costs by itself.
`--raw-through-sqlalchemy` has the raw app run its SQL through SQLAlchemy's asyncio layer (an
AUTOCOMMIT connection for GET, a session's `run_sync` for POST): what SQLAlchemy costs by itself,
the most any service on it can reach. Needs wrk
(`apt-get install wrk`, `brew install wrk`).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1]
TEMPLATE_BIN = Path(sys.executable).parent
RAW_APP = Path(__file__).with_name("raw_asyncpg_app.py")
PACKAGE = "task_service"
ENV_PREFIX = "TASK_SERVICE_"
APPS = ("service", "raw")
MAX_P99_RATIO = 2.0
MISSING_TASK = "/tasks/00000000-0000-0000-0000-000000000000"
POST_BODY = {"title": "Benchmark task", "description": "Posted by wrk."}


@dataclass(frozen=True)
class Endpoint:
    name: str
    min_throughput_ratio: float
    lua_script: str


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p99_ms: float
    errors: int


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Comparison:
    endpoint: Endpoint
    runs: dict[str, list[WrkResult]] = field(default_factory=lambda: {app: [] for app in APPS})

    def median(self, app: str, metric: str) -> float:
        values: list[float] = [getattr(result, metric) for result in self.runs[app]]
        return statistics.median(values)


@dataclass(frozen=True)
class LoadShape:
    threads: int
    connections: int
    duration_s: int
    warmup_s: int


# Setting up the baked project.


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit(
            "wrk is not installed; install it first:\n"
            "  apt-get install wrk     (Debian, Ubuntu)\n"
            "  brew install wrk        (macOS)"
        )
    return wrk


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; on failure, show its output."""
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        output = f"{completed.stdout}\n{completed.stderr}".strip()
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return completed.stdout


def export_committed_template(destination: Path) -> Path:
    """A clean copy of the template's last commit: half-edited files cannot break the bake."""
    archive = subprocess.run(
        ["git", "-C", str(TEMPLATE), "archive", "HEAD"], capture_output=True, check=True
    ).stdout
    destination.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    return destination


def bake(template: Path, output: Path) -> Path:
    run([str(TEMPLATE_BIN / "cookiecutter"), str(template), "--no-input", "-o", str(output)])
    (project,) = output.iterdir()
    return project


def install(project: Path) -> Path:
    """The project and its development dependencies in `.venv`; returns its interpreter."""
    uv = str(TEMPLATE_BIN / "uv")
    run([uv, "venv", "--quiet", "--python", sys.executable, ".venv"], cwd=project)
    python = project / ".venv" / "bin" / "python"
    run(
        [uv, "pip", "install", "--quiet", "--python", str(python), "-e", ".[dev,production]"],
        cwd=project,
    )
    return python


def uvicorn_implementations(python: Path) -> dict[str, str]:
    """What uvicorn picks by default in that environment (`auto`): uvloop and httptools when
    installed, else asyncio and h11."""
    probe = (
        "import importlib.util as u; "
        "print('uvloop' if u.find_spec('uvloop') else 'asyncio', "
        "'httptools' if u.find_spec('httptools') else 'h11')"
    )
    loop, http = run([str(python), "-c", probe]).split()
    return {"loop": loop, "http": http}


def app_environment(data_dir: Path, database_url: str | None, workers: int) -> dict[str, str]:
    """The settings both apps read: the given database, else an embedded one in `data_dir`."""
    ignored = {"DATABASE_URL", "READ_DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH"}
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ignored and not name.startswith(ENV_PREFIX)
    }
    environment[f"{ENV_PREFIX}LOG_LEVEL"] = "WARNING"
    environment[f"{ENV_PREFIX}HTTP__WORKERS"] = str(workers)
    if database_url is None:
        environment[f"{ENV_PREFIX}ENVIRONMENT"] = "development"
        environment[f"{ENV_PREFIX}DATABASE__EMBEDDED_DIR"] = str(data_dir)
    else:
        environment[f"{ENV_PREFIX}ENVIRONMENT"] = "production"
        environment[f"{ENV_PREFIX}DATABASE__URL"] = database_url
    return environment


# Starting and stopping the servers.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(name: str, command: list[str], project: Path, env: dict[str, str]) -> Server:
    """Both apps read their port from the service's setting."""
    port = free_port()
    log = project.parent / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=env | {f"{ENV_PREFIX}HTTP__PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, port, process, log)
    wait_until_serving(server)
    return server


def wait_until_serving(server: Server, timeout_s: float = 60.0) -> None:
    """Both apps answer 404 for an unknown task once their database pool works."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the {server.name} app exited:\n{server.log.read_text()[-3000:]}")
        try:
            status, _ = get_json(server.port, MISSING_TASK)
        except OSError:
            time.sleep(0.2)
            continue
        if status == 404:
            return
        raise RuntimeError(f"the {server.name} app answered {status} for an unknown task")
    raise RuntimeError(f"the {server.name} app did not answer within {timeout_s:.0f} s")


def stop_server(server: Server) -> None:
    """SIGINT, as Ctrl-C: uvicorn shuts down and the app closes its pool."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def stop_embedded_postgres(data_dir: Path) -> None:
    """The embedded server stops when the last process using it exits; make sure it did.

    This script never joins it itself (it does not import the server's package), so once both
    apps are gone nothing keeps it alive; a leftover one is stopped as `pg_ctl stop -m fast`
    would.
    """
    pid_file = data_dir / "postmaster.pid"
    if wait_for_removal(pid_file, timeout_s=10):
        return
    pid = int(pid_file.read_text().split()[0])
    print(f"the embedded PostgreSQL (pid {pid}) was still running: stopping it", file=sys.stderr)
    os.kill(pid, signal.SIGINT)
    wait_for_removal(pid_file, timeout_s=20)


def wait_for_removal(path: Path, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not path.exists()


@contextmanager
def serving(project: Path, python: Path, env: dict[str, str]) -> Iterator[dict[str, Server]]:
    """The service and the raw app, up at once, stopped on the way out."""
    servers: dict[str, Server] = {}
    try:
        servers["service"] = start_server(
            "service", [str(python), "-m", PACKAGE, "serve"], project, env
        )
        servers["raw"] = start_server("raw", [str(python), str(RAW_APP)], project, env)
        yield servers
    finally:
        for server in servers.values():
            stop_server(server)


# Talking to the apps.


def get_json(port: int, path: str) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def seed_tasks(port: int, count: int) -> list[str]:
    """Tasks created through the service's own API; returns their ids."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    ids = []
    try:
        for number in range(count):
            body = json.dumps({"title": f"Seeded task {number}", "description": "For GET."})
            connection.request("POST", "/tasks", body, headers)
            response = connection.getresponse()
            created = json.loads(response.read())
            if response.status != 201:
                raise RuntimeError(f"seeding failed with {response.status}: {created}")
            ids.append(created["id"])
    finally:
        connection.close()
    return ids


def check_same_answers(servers: dict[str, Server], task_id: str) -> None:
    """Both apps must answer a GET with the same JSON, or the comparison means nothing."""
    answers = {name: get_json(server.port, f"/tasks/{task_id}") for name, server in servers.items()}
    if answers["service"] != answers["raw"]:
        raise RuntimeError(f"the apps answer differently: {answers}")


def endpoints(task_ids: list[str]) -> list[Endpoint]:
    quoted_ids = ",\n".join(f'  "{task_id}"' for task_id in task_ids)
    get_script = (
        f"local ids = {{\n{quoted_ids}\n}}\n"
        "request = function()\n"
        '  return wrk.format("GET", "/tasks/" .. ids[math.random(#ids)])\n'
        "end\n"
    )
    post_script = (
        'wrk.method = "POST"\n'
        'wrk.path = "/tasks"\n'
        f"wrk.body = '{json.dumps(POST_BODY)}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return [
        Endpoint("GET /tasks/{id}", 0.6, get_script),
        Endpoint("POST /tasks", 0.45, post_script),
    ]


# Loading them with wrk.

DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def run_wrk(wrk: str, port: int, script: Path, shape: LoadShape, duration_s: int) -> WrkResult:
    command = [
        wrk,
        f"-t{shape.threads}",
        f"-c{shape.connections}",
        f"-d{duration_s}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    return parse_wrk_output(run(command))


def parse_wrk_output(output: str) -> WrkResult:
    throughput = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if throughput is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(count) for count in re.findall(r"\d+", socket_errors.group(1)))
    return WrkResult(
        requests_per_second=float(throughput.group(1)),
        p99_ms=float(p99.group(1)) * DURATION_UNITS_MS[p99.group(2)],
        errors=errors,
    )


def measure(
    wrk: str,
    servers: dict[str, Server],
    endpoint: Endpoint,
    script: Path,
    shape: LoadShape,
    rounds: int,
) -> Comparison:
    """Alternates the apps, round after round, so a slower moment of the machine hits both."""
    comparison = Comparison(endpoint)
    for round_number in range(1, rounds + 1):
        for app in APPS:
            port = servers[app].port
            run_wrk(wrk, port, script, shape, shape.warmup_s)
            result = run_wrk(wrk, port, script, shape, shape.duration_s)
            comparison.runs[app].append(result)
            errors = f", {result.errors} errors" if result.errors else ""
            print(
                f"{endpoint.name:<16} round {round_number}/{rounds} {app:<8}"
                f"{result.requests_per_second:9.0f} req/s   p99 {result.p99_ms:7.1f} ms{errors}",
                file=sys.stderr,
            )
    return comparison


# Reporting.


def summarise(comparison: Comparison) -> dict[str, Any]:
    endpoint = comparison.endpoint
    service_rps = comparison.median("service", "requests_per_second")
    raw_rps = comparison.median("raw", "requests_per_second")
    service_p99, raw_p99 = (
        comparison.median("service", "p99_ms"),
        comparison.median("raw", "p99_ms"),
    )
    return {
        "endpoint": endpoint.name,
        "service_rps": round(service_rps, 1),
        "raw_rps": round(raw_rps, 1),
        "throughput_ratio": round(service_rps / raw_rps, 3),
        "throughput_goal": endpoint.min_throughput_ratio,
        "throughput_met": service_rps / raw_rps >= endpoint.min_throughput_ratio,
        "service_p99_ms": round(service_p99, 2),
        "raw_p99_ms": round(raw_p99, 2),
        "p99_ratio": round(service_p99 / raw_p99, 3),
        "p99_goal": MAX_P99_RATIO,
        "p99_met": service_p99 / raw_p99 <= MAX_P99_RATIO,
        "errors": sum(result.errors for runs in comparison.runs.values() for result in runs),
        "runs": {app: [asdict(result) for result in runs] for app, runs in comparison.runs.items()},
    }


def print_table(summaries: list[dict[str, Any]], setup: dict[str, Any]) -> None:
    print(
        f"\nwrk -t{setup['threads']} -c{setup['connections']} -d{setup['duration_s']}s, "
        f"median of {setup['rounds']} rounds; uvicorn, {setup['workers']} worker(s), "
        f"{setup['uvicorn']['loop']} "
        f"+ {setup['uvicorn']['http']}; {setup['database']}; {os.cpu_count()} CPUs"
        f"{'; raw POST writes the outbox' if setup['raw_post_writes_outbox'] else ''}"
        f"{'; raw app through SQLAlchemy' if setup['raw_through_sqlalchemy'] else ''}\n"
    )
    print(
        f"{'endpoint':<16}{'service':>10}{'raw':>10}{'ratio':>7}  {'goal':<12}"
        f"{'p99 service':>12}{'p99 raw':>10}{'ratio':>7}  goal"
    )
    for row in summaries:
        throughput_goal = f">= {row['throughput_goal']:.2f} {verdict(row['throughput_met'])}"
        p99_goal = f"<= {row['p99_goal']:.2f} {verdict(row['p99_met'])}"
        print(
            f"{row['endpoint']:<16}{row['service_rps']:>10.0f}{row['raw_rps']:>10.0f}"
            f"{row['throughput_ratio']:>7.3f}  {throughput_goal:<12}"
            f"{row['service_p99_ms']:>9.1f} ms{row['raw_p99_ms']:>7.1f} ms"
            f"{row['p99_ratio']:>7.3f}  {p99_goal}"
        )
        if row["errors"]:
            print(f"  {row['errors']} failed requests (non-2xx or socket errors)")


def verdict(met: bool) -> str:
    return "ok" if met else "MISS"


# The whole run.


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--template", type=Path, help="bake this folder, not `git archive HEAD`")
    parser.add_argument("--database-url", help="a throwaway database; default: embedded")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each one")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="processes of each app")
    parser.add_argument("--seed", type=int, default=1000, help="tasks that GET picks among")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--raw-writes-outbox",
        action="store_true",
        help="the raw POST writes the task and its outbox row in one transaction",
    )
    parser.add_argument(
        "--raw-through-sqlalchemy",
        action="store_true",
        help="the raw app runs its SQL text through SQLAlchemy's asyncio engine and session",
    )
    return parser.parse_args()


def prepare_project(arguments: argparse.Namespace, scratch: Path) -> tuple[Path, Path]:
    """Bakes and installs the project; returns its folder and its interpreter."""
    print("baking and installing the default project...", file=sys.stderr)
    template = arguments.template or export_committed_template(scratch / "template")
    project = bake(template.resolve(), scratch / "baked")
    return project, install(project)


def benchmark(arguments: argparse.Namespace, wrk: str, scratch: Path) -> None:
    project, python = prepare_project(arguments, scratch)
    data_dir = scratch / "pgdata"
    env = app_environment(data_dir, arguments.database_url, arguments.workers)
    env["RAW_POST_WRITES_OUTBOX"] = "1" if arguments.raw_writes_outbox else "0"
    env["RAW_THROUGH_SQLALCHEMY"] = "1" if arguments.raw_through_sqlalchemy else "0"
    shape = LoadShape(
        arguments.threads, arguments.connections, arguments.duration, arguments.warmup
    )
    try:
        run([str(python), "-m", PACKAGE, "migrate"], cwd=project, env=env)
        with serving(project, python, env) as servers:
            task_ids = seed_tasks(servers["service"].port, arguments.seed)
            check_same_answers(servers, task_ids[0])
            summaries = []
            for endpoint in endpoints(task_ids):
                script = scratch / f"{endpoint.name.split()[0].lower()}.lua"
                script.write_text(endpoint.lua_script)
                comparison = measure(wrk, servers, endpoint, script, shape, arguments.rounds)
                summaries.append(summarise(comparison))
    finally:
        if arguments.database_url is None:
            stop_embedded_postgres(data_dir)
    setup = asdict(shape) | {
        "rounds": arguments.rounds,
        "workers": arguments.workers,
        "raw_post_writes_outbox": arguments.raw_writes_outbox,
        "raw_through_sqlalchemy": arguments.raw_through_sqlalchemy,
        "uvicorn": uvicorn_implementations(python),
        "database": "external PostgreSQL" if arguments.database_url else "embedded PostgreSQL",
    }
    if arguments.json:
        print(json.dumps({"setup": setup, "endpoints": summaries}, indent=2))
    else:
        print_table(summaries, setup)


def main() -> None:
    arguments = parse_arguments()
    wrk = require_wrk()
    scratch = Path(tempfile.mkdtemp(prefix="http-throughput-"))
    try:
        benchmark(arguments, wrk, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
