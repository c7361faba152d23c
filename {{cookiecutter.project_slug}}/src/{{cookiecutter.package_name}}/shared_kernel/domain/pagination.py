"""Pages of results, by offset (`PageRequest`) or by keyset (after an opaque cursor, see
`cursor`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from .errors import InvalidValueError

T = TypeVar("T")
F = TypeVar("F", bound=StrEnum)

MAX_LIMIT = 100
# An offset page reads and skips every row before it; deeper pages follow `next_cursor`.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    """`limit` from 1 to `MAX_LIMIT` items, after skipping `offset` (0 to `MAX_OFFSET`)."""

    limit: int = 50
    offset: int = 0
    # The total costs a second query (a COUNT over every match); lists that scroll skip it.
    with_total: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidValueError("limit", f"the limit must be from 1 to {MAX_LIMIT}")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InvalidValueError("offset", f"the offset must be from 0 to {MAX_OFFSET}")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    limit: int
    # Where the next page starts (keyset, stable under concurrent inserts); None on the last.
    next_cursor: str | None = None
    total: int | None = None  # only when asked for
    offset: int | None = None  # None for a page after a cursor


@dataclass(frozen=True, slots=True)
class Sort(Generic[F]):
    """Order by one whitelisted field; ties are always broken by the primary key."""

    field: F
    descending: bool = False

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else str(self.field)
