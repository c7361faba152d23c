"""Database fixtures, shared by every test kind that touches SQL. Each starts on first use,
so unit tests never start a database.

The suite runs on the server named by TEST_PGBOUNCER_URL (a PgBouncer in transaction mode,
with the service's settings for it), else TEST_DATABASE_URL (or DATABASE_URL), else on an
embedded PostgreSQL. Either way it works in a throwaway database of its own, created at the
start and dropped at the end, so it never touches data it did not make. Likewise the broker:
TEST_NATS_URL, else an embedded NATS server, with a stream of each test's own.
"""

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from uuid import uuid4

import nats
import pytest
from alembic import command
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from sqlalchemy import URL, Engine, create_engine, make_url, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Session

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
    create_engine_from_settings,
    create_sync_engine_from_settings,
    with_driver,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.embedded_postgres import (
    default_data_dir,
    start_embedded_postgres,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.embedded_nats import (
    start_embedded_nats,
    stop_embedded_nats,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.nats_broker import (
    ensure_stream,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.observability.tracing import (
    sampler,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    Base,
)

from {{ cookiecutter.package_name }}.contexts import (
    import_models,
)
from {{ cookiecutter.package_name }}.migrations import (
    alembic_config,
)
from {{ cookiecutter.package_name }}.settings import (
    BrokerSettings,
    DatabaseSettings,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PGBOUNCER_URL = os.environ.get("TEST_PGBOUNCER_URL")
# The engines of the tests are the service's own, set for the pooler when there is one.
TEST_DATABASE_SETTINGS = DatabaseSettings(transaction_pooling=PGBOUNCER_URL is not None)


def on_a_direct_connection(why: str) -> pytest.MarkDecorator:
    """For behaviour that a pooler in transaction mode does not keep (`why`, as the
    guidelines' "Behind PgBouncer" says): run unless the suite runs through PgBouncer."""
    return pytest.mark.skipif(PGBOUNCER_URL is not None, reason=why)


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Commands configure logging for the whole process (`configure_logging`); afterwards the
    root logger and SQLAlchemy's engine logger are put back as the test run had them."""
    sql = logging.getLogger("sqlalchemy.engine.Engine")
    handlers, level, sql_level = logging.root.handlers[:], logging.root.level, sql.level
    yield
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)
    sql.setLevel(sql_level)


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """The tracer provider of the test process (a process has one), set on first use, keeps
    every finished span in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


FinishedSpans = Callable[[], tuple[ReadableSpan, ...]]


@pytest.fixture
def finished_spans(span_exporter: InMemorySpanExporter) -> Iterator[FinishedSpans]:
    """The spans the test has finished so far. The statements it traced are untraced after it."""
    span_exporter.clear()
    yield span_exporter.get_finished_spans
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()


def metric(name: str, **labels: str) -> float:
    """A sample's value in this process's Prometheus registry (0 before it has one)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def traceparent(span: ReadableSpan) -> str:
    """The W3C header that carries `span` on: version, trace id, parent id, flags."""
    context = span.context
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


@pytest.fixture(scope="session")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The NATS server named by TEST_NATS_URL, else an embedded one for this run."""
    if configured := os.environ.get("TEST_NATS_URL"):
        yield configured
        return
    data_dir = tmp_path_factory.mktemp("nats")
    yield start_embedded_nats(data_dir)
    stop_embedded_nats(data_dir)


@pytest.fixture
def broker_settings() -> BrokerSettings:
    """A subject prefix, hence a stream, of the test's own: no test sees another's messages,
    nor another run's on a shared server."""
    return BrokerSettings(subject_prefix=f"test_{uuid4().hex[:12]}")


@pytest.fixture
async def jetstream(
    broker_url: str, broker_settings: BrokerSettings
) -> AsyncIterator[JetStreamContext]:
    """JetStream on the test's broker, with the test's stream; the stream is deleted after."""
    client = await nats.connect(broker_url)
    js = client.jetstream()
    await ensure_stream(js, broker_settings)
    yield js
    with suppress(NotFoundError):
        await js.delete_stream(broker_settings.stream)
    await client.close()


@pytest.fixture(scope="session")
def server_url() -> URL:
    configured = (
        PGBOUNCER_URL or os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    )
    if configured:
        return make_url(configured)
    return make_url(start_embedded_postgres(default_data_dir(PROJECT_ROOT)))


@contextmanager
def throwaway_database(server: URL) -> Iterator[URL]:
    """A new, empty database on `server`, dropped on exit."""
    name = f"test_{uuid4().hex[:16]}"
    admin = create_engine(
        with_driver(server, "psycopg"), isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_database(server: URL) -> Iterator[URL]:
    """A throwaway database on `server`, migrated to the newest revision."""
    with throwaway_database(server) as url:
        engine = create_engine(with_driver(url, "psycopg"), poolclass=pool.NullPool)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection=connection), "head")
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def database_url(server_url: URL) -> Iterator[URL]:
    """A database migrated to the newest revision, for the whole run."""
    with migrated_database(server_url) as url:
        yield url


@pytest.fixture(scope="session")
def sync_engine(database_url: URL) -> Iterator[Engine]:
    engine = create_sync_engine_from_settings(database_url, TEST_DATABASE_SETTINGS)
    yield engine
    engine.dispose()


@pytest.fixture
def sync_database(sync_engine: Engine) -> SyncDatabase:
    """The synchronous (psycopg) `SyncDatabase` of the command line; its commits are real."""
    return SyncDatabase(sync_engine)


@pytest.fixture
def session(sync_engine: Engine) -> Iterator[Session]:
    """A synchronous session whose work is rolled back after the test.

    Commits inside the test release a SAVEPOINT; the outer transaction is never committed.
    """
    with sync_engine.connect() as connection:
        transaction = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            yield session
        transaction.rollback()


@pytest.fixture(scope="session")
async def async_engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_from_settings(database_url, TEST_DATABASE_SETTINGS)
    yield engine
    await engine.dispose()


@pytest.fixture
async def database(async_engine: AsyncEngine) -> AsyncIterator[Database]:
    """The application's `Database`, with every session joined to one rolled-back transaction."""
    async with async_engine.connect() as connection:
        transaction = await connection.begin()
        sessions = async_sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        # The read side shares the test's transaction too, so queries see the test's rows.
        yield Database(async_engine, sessions, read_connection=connection)
        await transaction.rollback()


@pytest.fixture
async def committed_database(database_url: URL) -> AsyncIterator[Database]:
    """The application's `Database` on an engine of its own: commits are real and concurrent
    requests get connections of their own. Every table is emptied afterwards."""
    settings = TEST_DATABASE_SETTINGS.model_copy(update={"max_overflow": 30})
    engine = create_engine_from_settings(database_url, settings)
    yield Database(engine)
    import_models()
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables}"))
    await engine.dispose()
