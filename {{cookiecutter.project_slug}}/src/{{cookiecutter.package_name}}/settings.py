"""Configuration read from the environment.

Variables carry the prefix `{{ cookiecutter.__env_prefix }}`; `__` separates nested levels.
"""

import os
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class DatabaseSettings(BaseModel):
    url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL. Unset in development: an embedded PostgreSQL is started.",
    )
    read_urls: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URLs of replicas for the read side, separated by commas; "
        "queries are spread across them. Unset: the primary.",
    )
    transaction_pooling: bool = Field(
        default=False,
        description="The URLs lead to a pooler in transaction mode (PgBouncer): no prepared "
        "statement outlives its transaction, reads run in read-only transactions instead of "
        "autocommit, and no setting is sent at connection start (set statement_timeout on "
        "the database role instead).",
    )
    pool_size: int = Field(
        default=10,
        ge=1,
        description="Connections each pool keeps open, per worker process; the pools are the "
        "primary's, the read side's on the primary and each replica's.",
    )
    max_overflow: int = Field(
        default=0,
        ge=0,
        description="Connections a pool may open beyond pool_size under load, closed again "
        "as soon as they are returned: each costs a new connection (TLS, authentication) "
        "whenever the load exceeds pool_size.",
    )
    pool_timeout: float = Field(
        default=5.0,
        gt=0,
        description="Seconds a request waits for a free connection of the pool before it is "
        "answered 503.",
    )
    connect_timeout: float = Field(
        default=1.0,
        gt=0,
        description="Seconds to open a new connection; a database that is down or unreachable "
        "is answered 503 after at most this long.",
    )
    command_timeout: float = Field(
        default=6.0,
        ge=0,
        description="Seconds the client waits for any one statement's answer before it gives "
        "up on the connection (a hung server or network); 0 waits for ever. Longer than "
        "statement_timeout_ms, so a slow statement is cancelled by the server first.",
    )
    pool_recycle: int = Field(default=1800, description="Seconds before a connection is replaced.")
    pool_pre_ping: bool = Field(
        default=False,
        description="Test each connection before use (three round trips). Off: a connection "
        "that died is found by its first statement, which fails, and the pool is renewed.",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (development only).")
    statement_timeout_ms: int = Field(
        default=5_000,
        ge=0,
        description="Milliseconds the server lets one statement run before it cancels it "
        "(PostgreSQL's statement_timeout); 0 disables the limit.",
    )
    embedded_dir: Path | None = Field(
        default=None,
        description="Data folder of the embedded PostgreSQL; a folder under the system "
        "temporary directory when unset.",
    )


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int | None = Field(
        default=None,
        ge=1,
        description="Processes of `serve`, each with pools of its own. Unset: one per CPU in "
        "production, one elsewhere. `run` is always one process.",
    )
    shutdown_timeout: int = Field(
        default=25,
        ge=1,
        description="Seconds a stopping server lets requests in flight finish before it "
        "cancels them (below the 30 s a supervisor usually waits before SIGKILL).",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=0,
        description="Largest request body accepted; a larger one is answered 413 before it "
        "is read into memory.",
    )


class IdempotencySettings(BaseModel):
    key_retention_hours: int = Field(
        default=24,
        ge=1,
        description="Hours an Idempotency-Key is remembered: a retry within them gets the "
        "first response; after them the key counts as new.",
    )

    @property
    def key_retention(self) -> timedelta:
        return timedelta(hours=self.key_retention_hours)


class BrokerSettings(BaseModel):
    url: SecretStr | None = Field(
        default=None,
        description="NATS URL (NATS_URL also works). Unset in development: an embedded NATS "
        "server with JetStream is started.",
    )
    subject_prefix: str = Field(
        default="{{ cookiecutter.package_name }}",
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="First token of every subject (`<prefix>.<context>.<event_type>`); the "
        "stream is `<PREFIX>_EVENTS` over `<prefix>.>`.",
    )
    connect_timeout: float = Field(default=2.0, gt=0, description="Seconds to reach the broker.")
    publish_timeout: float = Field(
        default=5.0, gt=0, description="Seconds the relay waits for JetStream to store a message."
    )
    duplicate_window_seconds: int = Field(
        default=120,
        ge=1,
        description="How long the stream remembers message ids: a re-publish within it is "
        "dropped (set when the relay creates the stream).",
    )
    embedded_dir: Path | None = Field(
        default=None,
        description="Data folder of the embedded NATS server; beside the embedded PostgreSQL's "
        "when unset.",
    )

    @property
    def stream(self) -> str:
        return f"{self.subject_prefix.upper()}_EVENTS"


class OutboxSettings(BaseModel):
    batch_size: int = Field(default=500, ge=1, le=10_000, description="Events claimed at once.")
    poll_interval: float = Field(
        default=1.0,
        gt=0,
        description="Seconds between two looks at the outbox when no notification wakes the "
        "relay (LISTEN/NOTIFY wakes it at once on each commit).",
    )
    lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long claimed events belong to one relay; a relay that died loses "
        "them after this long and another takes them.",
    )
    max_attempts: int = Field(
        default=10,
        ge=1,
        description="Publishes the broker refuses before an event moves to outbox_dead_letters.",
    )
    retry_base_seconds: float = Field(default=0.5, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    delivered_retention_seconds: int = Field(
        default=3600, ge=0, description="Seconds a delivered event stays in the outbox."
    )


class InboxSettings(BaseModel):
    max_attempts: int = Field(
        default=5,
        ge=1,
        description="Deliveries of one event a handler fails before it moves to "
        "inbox_dead_letters.",
    )
    retry_base_seconds: float = Field(default=0.5, gt=0)
    retry_max_seconds: float = Field(default=60.0, gt=0)
    ack_wait_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Seconds the broker waits for a handler before it delivers the event again.",
    )
    batch_size: int = Field(default=100, ge=1, le=1000)
    retention_hours: int = Field(
        default=168,
        ge=1,
        description="Hours a handled event's id is remembered; longer than the broker keeps "
        "redelivering it.",
    )


class TracingSettings(BaseModel):
    enabled: bool = Field(
        default=False,
        description="Export traces of requests, SQL statements, relayed events and consumed "
        "ones by OTLP, configured by the standard OTEL_* variables "
        "(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_SERVICE_NAME, ...).",
    )


class MetricsSettings(BaseModel):
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve Prometheus metrics at /metrics on this port (on HTTP__HOST, apart "
        "from the API); unset: no metrics. With several workers, PROMETHEUS_MULTIPROC_DIR "
        "names a directory they share.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="{{ cookiecutter.__env_prefix }}",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        # A refused value may be a secret (a URL with its password): errors name the setting only.
        hide_input_in_errors=True,
    )

    environment: Environment = Environment.DEVELOPMENT
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO",
        description="Lines are JSON in production and readable text elsewhere.",
    )
    database: DatabaseSettings = DatabaseSettings()
    http: HttpSettings = HttpSettings()
    idempotency: IdempotencySettings = IdempotencySettings()
    broker: BrokerSettings = BrokerSettings()
    outbox: OutboxSettings = OutboxSettings()
    inbox: InboxSettings = InboxSettings()
    tracing: TracingSettings = TracingSettings()
    metrics: MetricsSettings = MetricsSettings()

    def serving_workers(self) -> int:
        """The processes of `serve`: HTTP__WORKERS, else one per CPU in production."""
        if self.http.workers is not None:
            return self.http.workers
        return (os.cpu_count() or 1) if self.environment is Environment.PRODUCTION else 1

    @model_validator(mode="after")
    def _use_platform_urls(self) -> Self:
        # Hosting platforms and CI services export the conventional DATABASE_URL (and
        # READ_DATABASE_URL for replicas, NATS_URL for the broker).
        if self.database.url is None and (url := os.environ.get("DATABASE_URL")):
            self.database.url = SecretStr(url)
        if self.database.read_urls is None and (urls := os.environ.get("READ_DATABASE_URL")):
            self.database.read_urls = SecretStr(urls)
        if self.broker.url is None and (url := os.environ.get("NATS_URL")):
            self.broker.url = SecretStr(url)
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_settings(self) -> Self:
        if self.environment is Environment.DEVELOPMENT:
            return self
        if self.database.url is None:
            raise ValueError(
                f"database.url is required in {self.environment}: set the DATABASE__URL "
                "setting (the embedded PostgreSQL is for development only)",
            )
        if self.database.echo and self.environment is Environment.PRODUCTION:
            raise ValueError(
                "database.echo must be off in production: it writes query parameters to the logs"
            )
        return self
