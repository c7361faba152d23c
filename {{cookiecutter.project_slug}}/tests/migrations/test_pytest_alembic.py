"""pytest-alembic's built-in checks, each on an empty database of its own: the history has one
head, upgrades from empty to head, builds what the models describe, and every revision goes
up and down."""

from collections.abc import Iterator

import pytest
from alembic.config import Config
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import URL, Engine, create_engine, pool

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    with_driver,
)

from {{ cookiecutter.package_name }}.migrations import (
    alembic_config as migrations_config,
)

from ..conftest import throwaway_database

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture
def alembic_config() -> Config:
    """The application's own configuration, so the checks run exactly its migrations."""
    return migrations_config()


@pytest.fixture
def alembic_engine(server_url: URL) -> Iterator[Engine]:
    with throwaway_database(server_url) as url:
        engine = create_engine(with_driver(url, "psycopg"), poolclass=pool.NullPool)
        yield engine
        engine.dispose()
