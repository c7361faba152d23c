import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    read_database_urls,
)

from {{ cookiecutter.package_name }}.settings import Environment, Settings


@pytest.fixture(autouse=True)
def no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("{{ cookiecutter.__env_prefix }}DATABASE__URL", raising=False)
    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.delenv("{{ cookiecutter.__env_prefix }}BROKER__URL", raising=False)


def test_nested_settings_come_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("{{ cookiecutter.__env_prefix }}DATABASE__POOL_SIZE", "7")
    monkeypatch.setenv("{{ cookiecutter.__env_prefix }}HTTP__PORT", "9000")

    settings = Settings()

    assert (settings.database.pool_size, settings.http.port) == (7, 9000)


def test_database_url_is_honoured_when_the_prefixed_one_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/app")

    url = Settings().database.url

    assert url is not None
    assert url.get_secret_value() == "postgresql://db.internal/app"


def test_nats_url_names_the_broker_when_the_prefixed_one_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NATS_URL", "nats://user:s3cret@broker.internal:4222")

    settings = Settings()

    assert settings.broker.url is not None
    assert settings.broker.url.get_secret_value() == "nats://user:s3cret@broker.internal:4222"
    assert "s3cret" not in repr(settings)


def test_the_stream_is_named_after_the_subject_prefix() -> None:
    broker = Settings(broker={"subject_prefix": "billing_api"}).broker

    assert broker.stream == "BILLING_API_EVENTS"


@pytest.mark.parametrize("prefix", ["Billing", "billing.api", "billing>", ""])
def test_a_subject_prefix_that_is_not_one_lowercase_token_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationError, match="subject_prefix"):
        Settings(broker={"subject_prefix": prefix})


def test_outside_development_a_database_url_is_required() -> None:
    with pytest.raises(ValidationError, match=r"database\.url is required in production"):
        Settings(environment=Environment.PRODUCTION)


def test_sql_echo_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="echo must be off in production"):
        Settings(
            environment=Environment.PRODUCTION,
            database={"url": "postgresql://db.internal/app", "echo": True},
        )


def test_the_database_password_is_not_printed() -> None:
    settings = Settings(database={"url": "postgresql://app:s3cret@db.internal/app"})

    assert "s3cret" not in repr(settings)


def test_serve_runs_a_worker_per_cpu_in_production_and_one_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    production = Settings(environment=Environment.PRODUCTION, database={"url": "postgresql://x/y"})

    assert production.serving_workers() == 6
    assert Settings().serving_workers() == 1
    assert Settings(http={"workers": 3}).serving_workers() == 3


def test_replica_urls_are_read_from_one_comma_separated_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replicas = "postgresql://replica-1/app, postgresql://replica-2/app"
    monkeypatch.setenv("READ_DATABASE_URL", replicas)

    urls = read_database_urls(Settings())

    assert [url.host for url in urls] == ["replica-1", "replica-2"]
