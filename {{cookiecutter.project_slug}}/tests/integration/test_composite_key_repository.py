"""`BaseRepository` on a table whose primary key has two columns, a model of the test's own.

The table is created inside the test's transaction and rolled back with it; its metadata is
not the service's, so the migrations never see it.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid4

import pytest
from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    NotFoundError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    PageRequest,
    Sort,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.specification import (
    Filter,
    Operator,
    Specification,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    NAMING_CONVENTION,
    Versioned,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.repository import (
    BaseRepository,
)

TEAM = UUID("00000000-0000-7000-8000-000000000001")


class OwnBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MembershipModel(Versioned, OwnBase):
    __tablename__ = "test_memberships"

    team_id: Mapped[UUID] = mapped_column(primary_key=True)
    member: Mapped[str] = mapped_column(String(50), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))


@dataclass
class Membership:
    team_id: UUID
    member: str
    role: str = "member"
    version: int = 0


class MembershipField(StrEnum):
    MEMBER = "member"
    ROLE = "role"


class MembershipRepository(BaseRepository[MembershipModel, Membership]):
    columns: ClassVar[dict[MembershipField, Any]] = {
        MembershipField.MEMBER: MembershipModel.__table__.c.member,
        MembershipField.ROLE: MembershipModel.__table__.c.role,
    }

    def _to_entity(self, model: MembershipModel) -> Membership:
        return Membership(model.team_id, model.member, model.role, model.version)

    def _to_model(self, entity: Membership) -> MembershipModel:
        return MembershipModel(team_id=entity.team_id, member=entity.member, role=entity.role)


@pytest.fixture
def memberships(session: Session) -> MembershipRepository:
    OwnBase.metadata.create_all(session.connection())
    repository = MembershipRepository(session)
    repository.add_many([Membership(TEAM, name) for name in ["ann", "bob", "cy"]])
    return repository


def test_reads_take_the_key_as_a_tuple(memberships: MembershipRepository) -> None:
    assert memberships.get((TEAM, "bob")).member == "bob"
    assert memberships.get_or_none((TEAM, "zed")) is None
    assert memberships.exists((TEAM, "ann"))
    assert [
        m.member for m in memberships.get_many([(TEAM, "cy"), (uuid4(), "ann"), (TEAM, "ann")])
    ] == [
        "cy",
        "ann",
    ]
    assert memberships.lock((TEAM, "cy")).member == "cy"
    with pytest.raises(NotFoundError):
        memberships.get((uuid4(), "ann"))


def test_queries_and_pages_break_ties_on_both_key_columns(
    memberships: MembershipRepository,
) -> None:
    by_role = Sort(MembershipField.ROLE)
    members = Specification.where(Filter(MembershipField.ROLE, Operator.EQ, "member"))

    first = memberships.page(PageRequest(limit=2), members, by_role)
    rest = memberships.page_after(first.next_cursor, 2, members, by_role)

    assert memberships.count(members) == 3
    assert [m.member for m in first.items] == ["ann", "bob"]
    assert ([m.member for m in rest.items], rest.next_cursor) == (["cy"], None)
    assert [m.member for m in memberships.stream(batch_size=2)] == ["ann", "bob", "cy"]
    assert memberships.find_one(
        Specification.where(Filter(MembershipField.MEMBER, Operator.EQ, "cy"))
    )


def test_writes_check_the_version_and_upsert_matches_the_whole_key(
    memberships: MembershipRepository,
) -> None:
    ann = memberships.get((TEAM, "ann"))
    stale = memberships.get((TEAM, "ann"))
    ann.role = "owner"
    memberships.update(ann)
    with pytest.raises(ConcurrencyConflictError):
        memberships.delete(stale)

    memberships.upsert_many([Membership(TEAM, "bob", "owner"), Membership(TEAM, "dee")])
    deleted = memberships.delete_many([(TEAM, "cy")])
    memberships.delete(memberships.get((TEAM, "dee")))

    assert (ann.version, deleted) == (2, 1)
    assert [
        (m.member, m.role, m.version) for m in memberships.find(sort=Sort(MembershipField.MEMBER))
    ] == [
        ("ann", "owner", 2),
        ("bob", "owner", 2),
    ]
