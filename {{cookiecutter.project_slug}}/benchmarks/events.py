"""The outbox relay's throughput, and how long a committed event takes to reach a consumer.

    .venv/bin/python -m benchmarks.events [--rounds N] [--json] [--database-url URL]
                                          [--broker-url URL]

`make benchmark` runs it after the repository's benchmark.

Runs on the PostgreSQL server named by --database-url (else TEST_DATABASE_URL or
DATABASE_URL, else the embedded PostgreSQL), in a throwaway database it creates, migrates and
drops; and on the NATS server named by --broker-url (else TEST_NATS_URL, else an embedded one
in a temporary folder), in streams of its own that it deletes. The outbox, inbox and broker
settings are the service's (`.env` and the environment).

- relay throughput: 20,000 events committed to the outbox in batches of 1,000, then one
  `OutboxRelay` drains them to JetStream (`relay_once` until nothing is left); events/s from
  its first claim to the last JetStream acknowledgement marked delivered. Twice: one event per
  aggregate, and four per aggregate (created, renamed, described, moved), which the relay
  publishes in four rounds.
- latency when idle: the relay runs as it does in production (`run`, woken by LISTEN/NOTIFY)
  and an `EventConsumers` subscription handles the {{ cookiecutter.aggregate_name }}-created events; 200 {{ cookiecutter.aggregate_plural }} are
  created one at a time, 10 ms apart, through the create use case, and each is timed from the
  return of its commit to the start of the consumer's handler (after its inbox row is
  written, before that transaction commits).

Goals, on 2 cores: at least 5,000 events/s; latency p50 below 20 ms and p99 below 100 ms.
"""

{%- set aggregate = cookiecutter.aggregate_name.replace('_', ' ').title().replace(' ', '') %}
{%- set context = cookiecutter.context_name.replace('_', ' ').title().replace(' ', '') %}

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from uuid import UUID, uuid4

import nats
from nats.aio.client import Client
from nats.js.errors import NotFoundError
from sqlalchemy import URL, create_engine, make_url, pool, text
from sqlalchemy.orm import Session
from tests.conftest import migrated_database

from {{ cookiecutter.package_name }}.shared_kernel.application.messaging.received_event import (
    ReceivedEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.entity_ids import (
    new_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
    with_driver,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.embedded_postgres import (
    default_data_dir,
    start_embedded_postgres,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.consumers import (
    EventConsumers,
    Subscription,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.embedded_nats import (
    start_embedded_nats,
    stop_embedded_nats,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.envelope import (
    context_of,
    snake_case,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.nats_broker import (
    JetStreamPublisher,
    ensure_stream,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.outbox import (
    append_to_outbox,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.relay import (
    OutboxRelay,
)

from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.application.commands import (
    Create{{ aggregate }} as Create,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.application.use_cases import (
    Create{{ aggregate }}Handler as CreateHandler,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ aggregate }}Created as Created,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ aggregate }}Described as Described,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ aggregate }}Moved as Moved,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ aggregate }}Renamed as Renamed,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.unit_of_work import (
    SqlAlchemy{{ context }}UnitOfWork as UnitOfWork,
)
from {{ cookiecutter.package_name }}.settings import (
    Settings,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EVENTS = 20_000
INSERT_BATCH = 1_000
SAMPLES = 200
WARM_UP = 10
SPACING_S = 0.010
DEADLINE_S = 30.0
GOAL_EVENTS_PER_S = 5_000
GOAL_P50_MS = 20.0
GOAL_P99_MS = 100.0
# The figures, as --json names them.
ONE_PER_AGGREGATE = "events_per_s_one_per_aggregate"
FOUR_PER_AGGREGATE = "events_per_s_four_per_aggregate"
P50 = "latency_p50_ms"
P99 = "latency_p99_ms"


def lifecycle(per_aggregate: int, aggregate_id: UUID) -> list[DomainEvent]:
    """The first `per_aggregate` events of one {{ cookiecutter.aggregate_name }}'s life, versions 1, 2, ..."""
    events: list[DomainEvent] = [
        Created(
            aggregate_id=aggregate_id,
            aggregate_version=1,
            title="Write the quarterly report",
            description="Figures from the finance team, due on Friday.",
            status="open",
        ),
        Renamed(aggregate_id=aggregate_id, aggregate_version=2, title="Write the annual report"),
        Described(
            aggregate_id=aggregate_id, aggregate_version=3, description="Due at the year's end."
        ),
        Moved(
            aggregate_id=aggregate_id,
            aggregate_version=4,
            from_status="open",
            to_status="in_progress",
        ),
    ]
    return events[:per_aggregate]


def fill_outbox(url: URL, per_aggregate: int) -> None:
    """EVENTS events, committed INSERT_BATCH at a time, each batch whole aggregates."""
    engine = create_engine(with_driver(url, "psycopg"), poolclass=pool.NullPool)
    aggregates_per_batch = INSERT_BATCH // per_aggregate
    with Session(engine) as session:
        for _ in range(EVENTS // INSERT_BATCH):
            batch = [
                event
                for _ in range(aggregates_per_batch)
                for event in lifecycle(per_aggregate, new_id())
            ]
            append_to_outbox(session, batch)
            session.commit()
    engine.dispose()


async def empty_tables(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("TRUNCATE outbox, outbox_dead_letters, inbox"))


def own_stream(settings: Settings) -> Settings:
    """The settings with a subject prefix, hence a stream, of this measurement's own."""
    broker = settings.broker.model_copy(update={"subject_prefix": f"bench_{uuid4().hex[:12]}"})
    return settings.model_copy(update={"broker": broker})


async def delete_stream(client: Client, settings: Settings) -> None:
    with suppress(NotFoundError):
        await client.jetstream().delete_stream(settings.broker.stream)


async def relay_throughput(
    database: Database, url: URL, broker_url: str, settings: Settings, per_aggregate: int
) -> float:
    """Events/s of one relay draining EVENTS committed events."""
    await empty_tables(database)
    await asyncio.to_thread(fill_outbox, url, per_aggregate)
    own = own_stream(settings)
    client = await nats.connect(broker_url)
    try:
        js = client.jetstream()
        await ensure_stream(js, own.broker)
        publisher = JetStreamPublisher(client, own.broker)
        relay = OutboxRelay(database.engine, publisher, own.broker, own.outbox)
        started = finished = time.perf_counter()
        delivered = 0
        while relayed := await relay.relay_once():
            delivered += relayed
            finished = time.perf_counter()
        stored = (await js.stream_info(own.broker.stream)).state.messages
        if delivered != EVENTS or stored != EVENTS:
            raise RuntimeError(f"{delivered} delivered, {stored} stored of {EVENTS} events")
    finally:
        await delete_stream(client, own)
        await client.close()
    return EVENTS / (finished - started)


async def idle_latency(database: Database, broker_url: str, settings: Settings) -> list[float]:
    """Milliseconds from each commit's return to the consumer's handler, SAMPLES of them."""
    await empty_tables(database)
    received: dict[UUID, float] = {}
    all_received = asyncio.Event()

    def on_created(uow: UnitOfWork) -> Callable[[ReceivedEvent], None]:
        def record(event: ReceivedEvent) -> None:
            received.setdefault(event.aggregate_id, time.perf_counter())
            if len(received) == WARM_UP + SAMPLES:
                all_received.set()

        return record

    def create(session: Session, number: int) -> UUID:
        return CreateHandler(UnitOfWork(session))(Create(title=f"{{ cookiecutter.aggregate_name }} {number}")).id

    subscription = Subscription(
        context="benchmark",
        source_context=context_of(Created),
        event_type=snake_case(Created.type_name()),
        unit_of_work=UnitOfWork,
        handler=on_created,
    )
    committed: dict[UUID, float] = {}
    own = own_stream(settings)
    # A connection each, as the relay and the consumers have in their own processes.
    relay_client = await nats.connect(broker_url)
    consumer_client = await nats.connect(broker_url)
    try:
        await ensure_stream(relay_client.jetstream(), own.broker)
        publisher = JetStreamPublisher(relay_client, own.broker)
        relay = OutboxRelay(database.engine, publisher, own.broker, own.outbox)
        consumers = EventConsumers(database.sessions, [subscription], own.broker, own.inbox)
        async with asyncio.TaskGroup() as running:
            relaying = running.create_task(relay.run())
            consuming = running.create_task(consumers.run(consumer_client))
            for number in range(WARM_UP + SAMPLES):
                async with database.sessions() as session:
                    created = await session.run_sync(create, number)
                    committed[created] = time.perf_counter()
                await asyncio.sleep(SPACING_S)
            with suppress(TimeoutError):
                async with asyncio.timeout(DEADLINE_S):
                    await all_received.wait()
            relaying.cancel()
            consuming.cancel()
    finally:
        await delete_stream(relay_client, own)
        await relay_client.close()
        await consumer_client.close()
    if len(received) < len(committed):
        raise RuntimeError(f"{len(received)} of {len(committed)} events reached the consumer")
    measured = list(committed)[WARM_UP:]
    return [(received[key] - committed[key]) * 1000 for key in measured]


def percentile(samples: list[float], share: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[share - 1]


async def measure(
    url: URL, broker_url: str, settings: Settings, rounds: int
) -> dict[str, list[float]]:
    database = Database.from_settings(settings, url)
    results: dict[str, list[float]] = {
        figure: [] for figure in (ONE_PER_AGGREGATE, FOUR_PER_AGGREGATE, P50, P99)
    }
    try:
        for _ in range(rounds):
            for figure, per_aggregate in ((ONE_PER_AGGREGATE, 1), (FOUR_PER_AGGREGATE, 4)):
                rate = await relay_throughput(database, url, broker_url, settings, per_aggregate)
                results[figure].append(rate)
            latencies = await idle_latency(database, broker_url, settings)
            results[P50].append(percentile(latencies, 50))
            results[P99].append(percentile(latencies, 99))
    finally:
        await database.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database is used)")
    parser.add_argument("--broker-url", help="a NATS server with JetStream")
    arguments = parser.parse_args()

    configured = (
        arguments.database_url
        or os.environ.get("TEST_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
    )
    server = configured or start_embedded_postgres(default_data_dir(PROJECT_ROOT))
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="nats-") as nats_dir:
        broker_url = arguments.broker_url or os.environ.get("TEST_NATS_URL")
        embedded_broker = broker_url is None
        if broker_url is None:
            broker_url = start_embedded_nats(Path(nats_dir))
        try:
            with migrated_database(make_url(server)) as url:
                results = asyncio.run(measure(url, broker_url, settings, arguments.rounds))
        finally:
            if embedded_broker:
                stop_embedded_nats(Path(nats_dir))
    medians = {name: statistics.median(values) for name, values in results.items()}
    goals = {
        "events_per_s": min(medians[ONE_PER_AGGREGATE], medians[FOUR_PER_AGGREGATE])
        >= GOAL_EVENTS_PER_S,
        "p50_ms": medians[P50] < GOAL_P50_MS,
        "p99_ms": medians[P99] < GOAL_P99_MS,
    }
    if arguments.json:
        setup = {
            "rounds": arguments.rounds,
            "database": "server" if configured else "embedded",
            "broker": "embedded" if embedded_broker else "server",
            "events": EVENTS,
            "outbox_batch_size": settings.outbox.batch_size,
            "latency_samples": SAMPLES,
        }
        print(json.dumps({"setup": setup, "results": results, "medians": medians, "goals": goals}))
    else:
        report(medians, goals, arguments.rounds)


def report(medians: dict[str, float], goals: dict[str, bool], rounds: int) -> None:
    print(f"{'relay throughput, ' + format(EVENTS, ',') + ' events':<38}{'events/s':>10}", end="")
    print(f"   (median of {rounds} rounds)")
    print(f"{'  one event per aggregate':<38}{medians[ONE_PER_AGGREGATE]:>10,.0f}")
    print(f"{'  four events per aggregate':<38}{medians[FOUR_PER_AGGREGATE]:>10,.0f}")
    print(f"\n{'commit -> handler, idle':<38}{'p50 ms':>10}{'p99 ms':>10}")
    spaced = f"  {SAMPLES} commits, {SPACING_S * 1000:.0f} ms apart"
    print(f"{spaced:<38}{medians[P50]:>10.1f}{medians[P99]:>10.1f}")
    print(f"\ngoals: >= {GOAL_EVENTS_PER_S:,} events/s, p50 < {GOAL_P50_MS:.0f} ms, ", end="")
    print(f"p99 < {GOAL_P99_MS:.0f} ms")
    for name, met in goals.items():
        print(f"  {name}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
