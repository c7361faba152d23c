"""Domain events: facts an aggregate records about itself, published after they commit.

An event is a frozen dataclass in the domain layer of its context. Its own fields are its data;
the envelope (id, time, aggregate and version) comes from `DomainEvent`. Its type name is the
class name and `schema_version` says which shape of the data it carries: a change that removes
or renames a field is a new schema version, so consumers can tell the shapes apart.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from .entity_ids import new_id, utc_now


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    aggregate_id: UUID
    # The version of the aggregate this change produced (its version when deleted, plus one).
    aggregate_version: int
    id: UUID = field(default_factory=new_id)
    occurred_at: datetime = field(default_factory=utc_now)

    schema_version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__
