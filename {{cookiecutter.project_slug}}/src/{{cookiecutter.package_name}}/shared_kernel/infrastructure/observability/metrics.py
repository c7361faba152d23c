"""Prometheus metrics beyond the requests' (`api/middleware/request_metrics.py`): the database
pools, the outbox and its relay, the consumers; and `/metrics` on a port of its own
(`METRICS__PORT`), never on the API's.

Worker processes share a directory, `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's
multiprocess mode): each writes its values there, and the process that serves `/metrics`, the
supervisor of `serve`'s workers, adds them up at each scrape.
"""

import asyncio
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    multiprocess,
    start_http_server,
)
from sqlalchemy.pool import QueuePool

from ..database import Database

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Seconds between two looks at the pools: no request pays for them.
POOL_SAMPLE_INTERVAL = 1.0

if shared := os.environ.get(MULTIPROCESS_DIR):
    # In multiprocess mode a metric without labels opens its file when it is defined, below.
    Path(shared).mkdir(parents=True, exist_ok=True)

POOL_SIZE = Gauge(
    "db_pool_size", "Connections each pool keeps open.", ["pool"], multiprocess_mode="livesum"
)
POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out", "Connections in use.", ["pool"], multiprocess_mode="livesum"
)
POOL_OVERFLOW = Gauge(
    "db_pool_overflow",
    "Connections open beyond the pool's size (up to DATABASE__MAX_OVERFLOW).",
    ["pool"],
    multiprocess_mode="livesum",
)
OUTBOX_BACKLOG = Gauge(
    "outbox_backlog_events",
    "Events committed and not yet delivered, as the relay last counted.",
    multiprocess_mode="livemax",
)
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_event_age_seconds",
    "How long the oldest undelivered event has waited (0 when there is none).",
    multiprocess_mode="livemax",
)
OUTBOX_PUBLISHES = Counter(
    "outbox_publishes",
    "Events the relay published, by what the broker answered: stored, refused, unreachable.",
    ["outcome"],
)
OUTBOX_DEAD_LETTERS = Counter(
    "outbox_dead_letters", "Events moved to outbox_dead_letters after refused publishes."
)
CONSUMER_PENDING = Gauge(
    "consumer_pending_events",
    "Events the broker holds for a consumer and has not delivered yet: its lag.",
    ["consumer"],
    multiprocess_mode="livemax",
)
CONSUMER_EVENTS = Counter(
    "consumer_events",
    "Events a consumer answered, by outcome: handled, duplicate (the inbox had it), retried, "
    "dead_lettered.",
    ["consumer", "outcome"],
)


def prepare_multiprocess_dir() -> None:
    """Before the workers start: the shared directory holds no earlier run's values."""
    if shared := os.environ.get(MULTIPROCESS_DIR):
        for stale in Path(shared).glob("*.db"):
            stale.unlink()


def worker_exited(pid: int) -> None:
    """A worker's live gauges no longer count."""
    if MULTIPROCESS_DIR in os.environ:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def serve_metrics(host: str, port: int) -> Callable[[], None]:
    """`/metrics` from a thread of this process, its own values or, in multiprocess mode,
    every worker's; returns what stops it."""
    registry = REGISTRY
    if MULTIPROCESS_DIR in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    server, thread = start_http_server(port, addr=host, registry=registry)

    def stop() -> None:
        server.shutdown()
        thread.join()
        server.server_close()

    return stop


def pools_of(database: Database) -> dict[str, QueuePool]:
    """The database's pools by role: `primary`, `primary_read`, `replica_1`, ..."""
    engines = {
        "primary": database.engine,
        "primary_read": database.primary_read_engine,
        **{f"replica_{number}": engine for number, engine in enumerate(database.replicas, 1)},
    }
    pools: dict[str, QueuePool] = {}
    for role, engine in engines.items():
        pool = engine.sync_engine.pool
        # An engine made with other options (the tests') shares its parent's pool.
        if isinstance(pool, QueuePool) and pool not in pools.values():
            pools[role] = pool
    return pools


async def sample_pools(pools: Mapping[str, QueuePool]) -> None:
    """Until cancelled: each pool's size, connections in use and overflow, every second."""
    while True:
        for name, pool in pools.items():
            POOL_SIZE.labels(name).set(pool.size())
            POOL_CHECKED_OUT.labels(name).set(pool.checkedout())
            POOL_OVERFLOW.labels(name).set(max(0, pool.overflow()))
        await asyncio.sleep(POOL_SAMPLE_INTERVAL)
