from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from .entity_ids import new_id, utc_now
from .errors import VersionMismatchError
from .events import DomainEvent

__all__ = ["Entity", "Versioned", "new_id", "utc_now"]


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
    # Recorded by the entity's behaviour; the repository hands them to the unit of work.
    _events: list[DomainEvent] = field(default_factory=list, init=False, repr=False)

    @property
    def next_version(self) -> int:
        """The version the change being made will have once stored: what its events carry."""
        return self.version + 1

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        """The events recorded since the last pull, oldest first; they are forgotten here."""
        events, self._events = self._events, []
        return events

    def check_version(self, expected: Collection[int] | None) -> None:
        """Refuse to go on unless the entity is at one of the `expected` versions, those the
        caller accepts (an HTTP `If-Match` list); None accepts any, an empty one none."""
        if expected is not None and self.version not in expected:
            raise VersionMismatchError(type(self).__name__, self.id, expected, self.version)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Entity) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)
