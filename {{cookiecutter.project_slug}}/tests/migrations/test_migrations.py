"""The migrations, on a database of their own: they build exactly what the models describe."""

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import URL, Engine, create_engine, inspect, pool, text

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    with_driver,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    Base,
)

from {{ cookiecutter.package_name }}.contexts import (
    import_models,
)
from {{ cookiecutter.package_name }}.migrations import (
    alembic_config,
    is_migrated,
    wait_until_migrated,
)

from ..conftest import PROJECT_ROOT, throwaway_database


@pytest.fixture(scope="module")
def engine(server_url: URL) -> Iterator[Engine]:
    with throwaway_database(server_url) as url:
        engine = create_engine(with_driver(url, "psycopg"), poolclass=pool.NullPool)
        yield engine
        engine.dispose()


def migrate(engine: Engine, direction: str, revision: str) -> None:
    with engine.begin() as connection:
        getattr(command, direction)(alembic_config(connection=connection), revision)


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_and_upgrade_again(engine: Engine) -> None:
    import_models()

    migrate(engine, "upgrade", "head")
    assert tables(engine) == set(Base.metadata.tables)

    migrate(engine, "downgrade", "base")
    assert tables(engine) == set()

    migrate(engine, "upgrade", "head")
    assert tables(engine) == set(Base.metadata.tables)


def test_the_models_and_the_migrated_schema_do_not_differ(engine: Engine) -> None:
    import_models()
    migrate(engine, "upgrade", "head")

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_the_command_line_configuration_is_read_without_a_warning() -> None:
    # Warnings are errors in this suite: a deprecated or missing setting of alembic.ini fails.
    config = Config(PROJECT_ROOT / "alembic.ini")

    assert config.get_prepend_sys_paths_list() == ["src"]


def test_a_database_counts_as_migrated_at_this_version_s_head_or_a_later_one(
    server_url: URL,
) -> None:
    with throwaway_database(server_url) as url:
        engine = create_engine(with_driver(url, "psycopg"), poolclass=pool.NullPool)

        def migrated() -> bool:
            with engine.connect() as connection:
                return is_migrated(connection)

        assert not migrated()
        migrate(engine, "upgrade", "head")
        assert migrated()
        migrate(engine, "downgrade", "-1")
        assert not migrated()
        # A later version's revision, which this one does not know.
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
        assert migrated()
        wait_until_migrated(engine, poll_seconds=0.01)
        engine.dispose()
