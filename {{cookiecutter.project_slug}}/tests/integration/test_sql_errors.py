"""SQL errors become domain errors by SQLSTATE, on both drivers, naming columns in words.

The tables are the test's own (created in its transaction, or dropped after it), so the
service's metadata and migrations never see them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
from sqlalchemy import CheckConstraint, Engine, ForeignKey, MetaData, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    CheckViolationError,
    DomainError,
    MissingReferenceError,
    SerializationFailureError,
    StillReferencedError,
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

# Longer than PostgreSQL's 63 characters once in `uq_test_teams_...`: the name is shortened.
LONG = "registration_number_given_by_the_national_league_office"


class OwnBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(OwnBase):
    __tablename__ = "test_teams"
    __table_args__ = (CheckConstraint("char_length(name) > 1", name="name_long_enough"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    registration: Mapped[str | None] = mapped_column(LONG, String(20), unique=True)


class Player(OwnBase):
    __tablename__ = "test_players"
    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    team_id: Mapped[UUID] = mapped_column(ForeignKey(Team.id))
    number: Mapped[int] = mapped_column(default=1)


Write = Callable[[Session], None]


def duplicate_name(session: Session) -> None:
    session.add_all([Team(name="Owls"), Team(name="Owls")])


def duplicate_registration(session: Session) -> None:
    session.add_all([Team(name="Owls", registration="R7"), Team(name="Larks", registration="R7")])


def duplicate_number(session: Session) -> None:
    team = Team(name="Owls")
    session.add(team)
    session.flush()
    session.add_all([Player(team_id=team.id, number=7), Player(team_id=team.id, number=7)])


def short_name(session: Session) -> None:
    session.add(Team(name="O"))


def missing_team(session: Session) -> None:
    session.add(Player(team_id=uuid4()))


def moved_to_missing_team(session: Session) -> None:
    team = Team(name="Owls")
    session.add(team)
    session.flush()
    player = Player(team_id=team.id)
    session.add(player)
    session.flush()
    player.team_id = uuid4()


def referenced_team_deleted(session: Session) -> None:
    team = Team(name="Owls")
    session.add(team)
    session.flush()
    session.add(Player(team_id=team.id))
    session.flush()
    session.delete(team)


def referenced_team_rekeyed(session: Session) -> None:
    team = Team(name="Owls")
    session.add(team)
    session.flush()
    session.add(Player(team_id=team.id))
    session.flush()
    team.id = uuid4()


def in_translation(write: Write, metadata: MetaData = OwnBase.metadata) -> Write:
    def translated(session: Session) -> None:
        OwnBase.metadata.create_all(session.connection())
        with translate_sql_errors(metadata):
            write(session)
            session.flush()

    return translated


@dataclass(frozen=True)
class Case:
    write: Write
    kind: type[DomainError]
    attribute: str
    named: object
    message: str


CASES = [
    Case(
        duplicate_name,
        UniqueViolationError,
        "fields",
        ("name",),
        "name must be unique: another row has the same name",
    ),
    Case(duplicate_registration, UniqueViolationError, "fields", (LONG,), f"{LONG} must be unique"),
    Case(
        duplicate_number,
        UniqueViolationError,
        "fields",
        ("team_id", "number"),
        "team_id and number must be unique together",
    ),
    Case(short_name, CheckViolationError, "rule", "name_long_enough", "'name_long_enough'"),
    Case(missing_team, MissingReferenceError, "field", "team_id", "team_id must refer to a row"),
    Case(moved_to_missing_team, MissingReferenceError, "field", "team_id", "must refer to a row"),
    Case(referenced_team_deleted, StillReferencedError, "reference", "team_id", "still referenced"),
    Case(referenced_team_rekeyed, StillReferencedError, "reference", "team_id", "still referenced"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.write.__name__)
def test_each_sqlstate_becomes_its_domain_error_on_psycopg(session: Session, case: Case) -> None:
    with pytest.raises(case.kind, match=case.message) as raised:
        in_translation(case.write)(session)

    assert getattr(raised.value, case.attribute) == case.named
    assert_names_no_value_and_no_sql(raised.value)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.write.__name__)
async def test_each_sqlstate_becomes_its_domain_error_on_asyncpg(
    database: Database, case: Case
) -> None:
    async with database.scope():
        with pytest.raises(case.kind, match=case.message) as raised:
            await current_session().run_sync(in_translation(case.write))

    assert getattr(raised.value, case.attribute) == case.named
    assert_names_no_value_and_no_sql(raised.value)


def assert_names_no_value_and_no_sql(error: DomainError) -> None:
    for leak in ("Owls", "Larks", "R7", "INSERT", "UPDATE", "DELETE", "Key (", "test_"):
        assert leak not in str(error)  # "test_": neither the table's nor the constraint's name


def test_a_constraint_the_metadata_does_not_know_is_named_as_the_database_names_it(
    session: Session,
) -> None:
    with pytest.raises(UniqueViolationError) as raised:
        in_translation(duplicate_name, MetaData())(session)

    assert raised.value.fields == ("uq_test_teams_name",)
    assert str(raised.value) == (
        "uq_test_teams_name must be unique: another row has the same values"
    )


def test_other_sql_errors_pass_through_untouched(session: Session) -> None:
    with pytest.raises(Exception, match="division by zero") as raised, translate_sql_errors():
        session.execute(text("SELECT 1 / 0"))

    assert not isinstance(raised.value, DomainError)


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
