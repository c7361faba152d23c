"""What every aggregate's repository offers, as a `Protocol` the application depends on.

A context's repository interface extends `Repository[Entity, Field]` with what is specific to
it. Writes end in a flush, never a commit: the unit of work commits. A key is the entity's
primary key: its `id`, or a tuple for a composite key (in the model's column order).
"""

from collections.abc import Hashable, Iterable, Iterator
from enum import StrEnum
from typing import Literal, Protocol, TypeVar, overload

from .pagination import Page, PageRequest, Sort
from .specification import Specification

E = TypeVar("E")
F = TypeVar("F", bound=StrEnum)

Key = Hashable


class Repository(Protocol[E, F]):
    def get(self, key: Key) -> E:
        """Raises `NotFoundError` when there is none."""
        ...

    def get_or_none(self, key: Key) -> E | None: ...

    def get_many(self, keys: Iterable[Key]) -> list[E]:
        """The entities found, in the order of `keys`; unknown keys are left out."""
        ...

    def exists(self, key: Key) -> bool: ...

    def count(self, spec: Specification[F] | None = None) -> int: ...

    def find(
        self,
        spec: Specification[F] | None = None,
        sort: Sort[F] | None = None,
        limit: int | None = None,
    ) -> list[E]: ...

    def find_one(self, spec: Specification[F]) -> E | None:
        """Raises `LookupError` when more than one matches."""
        ...

    def page(
        self,
        request: PageRequest,
        spec: Specification[F] | None = None,
        sort: Sort[F] | None = None,
    ) -> Page[E]:
        """By offset; `next_cursor` continues after its last item with `page_after`."""
        ...

    def page_after(
        self,
        after: str | None,
        limit: int,
        spec: Specification[F] | None = None,
        sort: Sort[F] | None = None,
    ) -> Page[E]:
        """By keyset: the page after the opaque cursor `after` (None: the first). Ties in the
        sort field are broken by the key, so no row is skipped or repeated while others are
        inserted."""
        ...

    def stream(
        self,
        spec: Specification[F] | None = None,
        batch_size: int = 1000,
    ) -> Iterator[E]:
        """Every match in key order, `batch_size` rows at a time, for exports."""
        ...

    @overload
    def lock(self, key: Key, *, nowait: bool = False) -> E: ...

    @overload
    def lock(self, key: Key, *, skip_locked: Literal[True]) -> E | None: ...

    def lock(self, key: Key, *, nowait: bool = False, skip_locked: bool = False) -> E | None:
        """Load and lock the row (`SELECT ... FOR UPDATE`) until the transaction ends.

        `nowait`: raise `LockedError` instead of waiting; `skip_locked`: None when another
        transaction holds the row (or it does not exist).
        """
        ...

    def add(self, entity: E) -> None: ...

    def add_many(self, entities: Iterable[E]) -> None: ...

    def update(self, entity: E) -> None:
        """Raises `ConcurrencyConflictError` when it changed since it was read."""
        ...

    def delete(self, entity: E) -> None:
        """Raises `ConcurrencyConflictError` when it changed since it was read."""
        ...

    def delete_many(self, keys: Iterable[Key]) -> int:
        """Deletes by key without a version check; returns how many rows went."""
        ...

    def upsert(self, entity: E) -> None: ...

    def upsert_many(self, entities: Iterable[E]) -> None:
        """Insert, or overwrite the stored row with the same key (no version check); in one
        statement, so concurrent upserts of one key cannot both insert."""
        ...
