from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

import uuid_utils.compat

from .errors import VersionMismatchError


def new_id() -> UUID:
    """UUIDv7: time-ordered, so new rows land at the end of the primary-key index."""
    return uuid_utils.compat.uuid7()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Versioned(Protocol):
    """What optimistic locking needs of an aggregate: the version it was read at."""

    version: int


@dataclass(kw_only=True, eq=False)
class Entity:
    """Identity and version of an aggregate.

    `version` is 0 until the entity is stored; the persistence layer owns it afterwards.
    """

    id: UUID = field(default_factory=new_id)
    version: int = 0

    def check_version(self, expected: Collection[int] | None) -> None:
        """Refuse to go on unless the entity is at one of the `expected` versions, those the
        caller accepts (an HTTP `If-Match` list); None accepts any, an empty one none."""
        if expected is not None and self.version not in expected:
            raise VersionMismatchError(type(self).__name__, self.id, expected, self.version)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Entity) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)
