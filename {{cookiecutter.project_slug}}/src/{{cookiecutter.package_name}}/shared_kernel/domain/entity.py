from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

import uuid_utils.compat


def new_id() -> UUID:
    """UUIDv7: time-ordered, so new rows land at the end of the primary-key index."""
    return uuid_utils.compat.uuid7()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True, eq=False)
class Entity:
    """Identity and version of an aggregate.

    `version` is 0 until the entity is stored; the persistence layer owns it afterwards.
    """

    id: UUID = field(default_factory=new_id)
    version: int = 0

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Entity) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)
