"""In-memory stand-ins for the repository port, honouring the same contract as the SQL ones
(the contract tests run both)."""

from collections.abc import Iterable, Iterator
from copy import deepcopy
from typing import Any, Generic, Literal, TypeVar, get_args, get_origin, get_type_hints, overload

from {{ cookiecutter.package_name }}.shared_kernel.domain.cursor import (
    decode_cursor,
    encode_cursor,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.entity import (
    Entity,
    Versioned,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    NotFoundError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    Page,
    PageRequest,
    Sort,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.repository import (
    Key,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.specification import (
    Specification,
)

E = TypeVar("E", bound=Versioned)


class InMemoryRepository(Generic[E]):
    entity_name = "entity"
    key_attributes: tuple[str, ...] = ("id",)
    # Values of the unique columns `upsert` matches on; empty: the key.
    upsert_on: tuple[str, ...] = ()
    # The entity class, read from `InMemoryRepository[Entity]`: its annotations are the
    # types a cursor's values must have, as the columns' are for the SQL repositories.
    entity_type: type[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is InMemoryRepository:
                (cls.entity_type,) = get_args(base)

    def __init__(self) -> None:
        self.rows: dict[Key, E] = {}
        self._events: list[DomainEvent] = []

    def pull_events(self) -> list[DomainEvent]:
        """The events of the entities written since the last pull (the SQL repositories'
        contract: the unit of work takes them at commit)."""
        events, self._events = self._events, []
        return events

    def _written(self, entity: E) -> None:
        if isinstance(entity, Entity):
            self._events.extend(entity.pull_events())

    def get(self, key: Key) -> E:
        if key not in self.rows:
            raise NotFoundError(self.entity_name, key)
        return deepcopy(self.rows[key])

    def get_or_none(self, key: Key) -> E | None:
        return deepcopy(self.rows.get(key))

    def get_many(self, keys: Iterable[Key]) -> list[E]:
        return [deepcopy(self.rows[key]) for key in keys if key in self.rows]

    def exists(self, key: Key) -> bool:
        return key in self.rows

    def count(self, spec: Specification[Any] | None = None) -> int:
        return len(self._matching(spec, None))

    def find(
        self,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
        limit: int | None = None,
    ) -> list[E]:
        return [deepcopy(row) for row in self._matching(spec, sort)[:limit]]

    def find_one(self, spec: Specification[Any]) -> E | None:
        found = self.find(spec, limit=2)
        if len(found) > 1:
            raise LookupError(f"more than one {self.entity_name} matches")
        return found[0] if found else None

    def page(
        self,
        request: PageRequest,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[E]:
        rows = self._matching(spec, sort)[request.offset :]
        total = len(self._matching(spec, None)) if request.with_total else None
        return self._page(rows, request.limit, sort, spec, total=total, offset=request.offset)

    def page_after(
        self,
        after: str | None,
        limit: int,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[E]:
        rows = self._matching(spec, sort)
        if after is not None:
            last = tuple(decode_cursor(sort, after, self._sort_key_types(sort), spec))
            descending = sort is not None and sort.descending
            rows = [row for row in rows if (self._sort_key(row, sort) < last) == descending]
            rows = [row for row in rows if self._sort_key(row, sort) != last]
        return self._page(rows, limit, sort, spec)

    def stream(self, spec: Specification[Any] | None = None, batch_size: int = 1000) -> Iterator[E]:
        for row in self._matching(spec, None):
            yield deepcopy(row)

    @overload
    def lock(self, key: Key, *, nowait: bool = False) -> E: ...

    @overload
    def lock(self, key: Key, *, skip_locked: Literal[True]) -> E | None: ...

    def lock(self, key: Key, *, nowait: bool = False, skip_locked: bool = False) -> E | None:
        # One process, no concurrent transactions: a row is never held by another.
        if skip_locked:
            return self.get_or_none(key)
        return self.get(key)

    def add(self, entity: E) -> None:
        self.add_many([entity])

    def add_many(self, entities: Iterable[E]) -> None:
        for entity in entities:
            entity.version = 1
            self._written(entity)
            self.rows[self._key_of(entity)] = deepcopy(entity)

    def update(self, entity: E) -> None:
        stored = self._check_current(entity)
        if _state(stored) != _state(entity):
            entity.version += 1  # an update that changes nothing is no new version
        self._written(entity)
        self.rows[self._key_of(entity)] = deepcopy(entity)

    def delete(self, entity: E) -> None:
        self._check_current(entity)
        self._written(entity)
        del self.rows[self._key_of(entity)]

    def delete_many(self, keys: Iterable[Key]) -> int:
        return sum(self.rows.pop(key, None) is not None for key in set(keys))

    def upsert(self, entity: E) -> None:
        self.upsert_many([entity])

    def upsert_many(self, entities: Iterable[E]) -> None:
        for entity in entities:
            stored = self._stored_like(entity)
            if stored is not None:
                for name in self.key_attributes:
                    setattr(entity, name, getattr(stored, name))
            entity.version = 1 if stored is None else stored.version + 1
            self.rows[self._key_of(entity)] = deepcopy(entity)

    def _stored_like(self, entity: E) -> E | None:
        names = self.upsert_on or self.key_attributes
        wanted = [getattr(entity, name) for name in names]
        return next(
            (row for row in self.rows.values() if [getattr(row, n) for n in names] == wanted),
            None,
        )

    def _matching(self, spec: Specification[Any] | None, sort: Sort[Any] | None) -> list[E]:
        rows = [row for row in self.rows.values() if spec is None or spec.matches(row)]
        descending = sort is not None and sort.descending
        return sorted(rows, key=lambda row: self._sort_key(row, sort), reverse=descending)

    def _sort_key(self, row: E, sort: Sort[Any] | None) -> tuple[Any, ...]:
        key = tuple(getattr(row, name) for name in self.key_attributes)
        return key if sort is None else (getattr(row, sort.field.value), *key)

    def _sort_key_types(self, sort: Sort[Any] | None) -> list[type]:
        hints = get_type_hints(self.entity_type)
        names = self.key_attributes if sort is None else (sort.field.value, *self.key_attributes)
        return [hints[name] for name in names]

    def _page(
        self,
        rows: list[E],
        limit: int,
        sort: Sort[Any] | None,
        spec: Specification[Any] | None,
        **counts: Any,
    ) -> Page[E]:
        if len(rows) <= limit:
            return Page([deepcopy(row) for row in rows], limit, None, **counts)
        last = self._sort_key(rows[limit - 1], sort)
        items = [deepcopy(row) for row in rows[:limit]]
        return Page(items, limit, encode_cursor(sort, list(last), spec), **counts)

    def _key_of(self, entity: E) -> Key:
        key = tuple(getattr(entity, name) for name in self.key_attributes)
        return key[0] if len(key) == 1 else key

    def _check_current(self, entity: E) -> E:
        stored = self.get(self._key_of(entity))
        if stored.version != entity.version:
            raise ConcurrencyConflictError(self.entity_name, self._key_of(entity))
        return stored


def _state(entity: object) -> dict[str, Any]:
    """What an update would store: the entity's fields but its version and events."""
    return {
        name: value for name, value in vars(entity).items() if name not in ("version", "_events")
    }
