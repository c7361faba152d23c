"""SQL errors become domain errors by SQLSTATE, on both drivers, naming columns in words.

The tables are the test's own (created in its transaction, or dropped after it), so the
service's metadata and migrations never see them.
"""

from collections.abc import Callable, Iterator
from uuid import UUID, uuid4

import pytest
from sqlalchemy import CheckConstraint, Engine, ForeignKey, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    CheckViolationError,
    DomainError,
    MissingReferenceError,
    SerializationFailureError,
    UniqueViolationError,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    NAMING_CONVENTION,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.session_scope import (
    current_session,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.sql_errors import (
    translate_sql_errors,
)


class OwnBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(OwnBase):
    __tablename__ = "test_teams"
    __table_args__ = (CheckConstraint("char_length(name) > 1", name="name_long_enough"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Player(OwnBase):
    __tablename__ = "test_players"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    team_id: Mapped[UUID] = mapped_column(ForeignKey(Team.id))


Write = Callable[[Session], None]


def duplicate_name(session: Session) -> None:
    session.add_all([Team(name="Owls"), Team(name="Owls")])


def short_name(session: Session) -> None:
    session.add(Team(name="O"))


def missing_team(session: Session) -> None:
    session.add(Player(team_id=uuid4()))


def in_translation(write: Write) -> Write:
    def translated(session: Session) -> None:
        OwnBase.metadata.create_all(session.connection())
        with translate_sql_errors(OwnBase.metadata):
            write(session)
            session.flush()

    return translated


CASES: list[tuple[Write, type[DomainError], str, str]] = [
    (duplicate_name, UniqueViolationError, "fields", "name must be unique"),
    (short_name, CheckViolationError, "rule", "name_long_enough"),
    (missing_team, MissingReferenceError, "field", "team_id must refer to a row that exists"),
]


@pytest.mark.parametrize(("write", "kind", "attribute", "message"), CASES)
def test_each_sqlstate_becomes_its_domain_error_on_psycopg(
    session: Session, write: Write, kind: type[DomainError], attribute: str, message: str
) -> None:
    with pytest.raises(kind, match=message) as raised:
        in_translation(write)(session)

    assert_names_the_column_not_the_values(raised.value, attribute)


@pytest.mark.parametrize(("write", "kind", "attribute", "message"), CASES)
async def test_each_sqlstate_becomes_its_domain_error_on_asyncpg(
    database: Database, write: Write, kind: type[DomainError], attribute: str, message: str
) -> None:
    async with database.scope():
        with pytest.raises(kind, match=message) as raised:
            await current_session().run_sync(in_translation(write))

    assert_names_the_column_not_the_values(raised.value, attribute)


def assert_names_the_column_not_the_values(error: DomainError, attribute: str) -> None:
    named = getattr(error, attribute)
    assert named in {"name", ("name",), "name_long_enough", "team_id"}
    assert "Owls" not in str(error)
    assert "INSERT" not in str(error)
    assert "test_" not in str(error)  # neither the table nor the constraint's name


@pytest.fixture
def committed_counter(sync_engine: Engine) -> Iterator[Engine]:
    with sync_engine.begin() as connection:
        connection.execute(text("CREATE TABLE test_counters (id int PRIMARY KEY, n int)"))
        connection.execute(text("INSERT INTO test_counters VALUES (1, 0)"))
    yield sync_engine
    with sync_engine.begin() as connection:
        connection.execute(text("DROP TABLE test_counters"))


def test_a_concurrent_update_under_repeatable_read_is_a_serialization_failure(
    committed_counter: Engine,
) -> None:
    bump = text("UPDATE test_counters SET n = n + 1 WHERE id = 1")
    with committed_counter.connect() as first, committed_counter.connect() as second:
        first.execution_options(isolation_level="REPEATABLE READ")
        first.execute(text("SELECT n FROM test_counters"))  # takes the snapshot
        with second.begin():
            second.execute(bump)

        with pytest.raises(SerializationFailureError), translate_sql_errors():
            first.execute(bump)
        first.rollback()
