"""Generic repository: the model class is read from `BaseRepository[Model, Entity]`.

Repositories load, add and flush; they never commit (the unit of work does). Every method
works for a single-column and a composite primary key: the entity carries the key's
attributes under the model's attribute names. An aggregate is its root's row and the rows of
the children it owns (see `owned_children`): every read loads them in one more SELECT per
child table, every write saves them, and the root's version covers them all.
"""

from abc import abstractmethod
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Generic, Literal, TypeVar, get_args, get_origin, overload

from sqlalchemy import ColumnElement, Select, delete, inspect, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..domain.entity import Entity, Versioned
from ..domain.errors import ConcurrencyConflictError, LockedError, NotFoundError
from ..domain.events import DomainEvent
from ..domain.pagination import Sort
from ..domain.specification import Specification
from . import owned_children, query_building
from .orm import Versioned as VersionedModel
from .paged_reads import PagedReads
from .sql_errors import sqlstate, translate_sql_errors

Model = TypeVar("Model", bound=VersionedModel)
E = TypeVar("E", bound=Versioned)
Key = Hashable

LOCK_NOT_AVAILABLE = "55P03"


class BaseRepository(PagedReads[E, Session], Generic[Model, E]):
    entity_name: ClassVar[str]
    _loading: ClassVar[list[Any]]
    _events: list[DomainEvent]
    # Columns of the unique constraint `upsert` matches on; empty: the primary key.
    upsert_on: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseRepository:
                model, entity = get_args(base)
                cls._read_from(model)
                cls.entity_name = entity.__name__
                cls._loading = owned_children.loading(model)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._events = []

    @property
    def _session(self) -> Session:
        return self._reader

    def bind(self, session: Session) -> None:
        self._reader = session

    def pull_events(self) -> list[DomainEvent]:
        """The events of the aggregates written since the last pull, in the order written."""
        events, self._events = self._events, []
        return events

    def _written(self, entities: Iterable[E]) -> None:
        # Taken when the aggregate is written: an event recorded afterwards, with no write
        # to store its change, stays with the entity.
        for entity in entities:
            if isinstance(entity, Entity):
                self._events.extend(entity.pull_events())

    @abstractmethod
    def _to_entity(self, model: Model) -> E: ...

    @abstractmethod
    def _to_model(self, entity: E) -> Model: ...

    # Reads

    def get(self, key: Key) -> E:
        return self._to_entity(self._load(key))

    def get_or_none(self, key: Key) -> E | None:
        model = self._session.get(self.model, key, options=self._loading)
        return None if model is None else self._to_entity(model)

    def get_many(self, keys: Iterable[Key]) -> list[E]:
        keys = list(keys)
        query = self._selection().where(self._key_in(keys))
        found = {self._key_of(model): model for model in self._session.scalars(query)}
        return [self._to_entity(found[key]) for key in keys if key in found]

    def exists(self, key: Key) -> bool:
        query = select(select(self.model).where(self._key_is(key)).exists())
        return bool(self._session.scalar(query))

    def find(
        self,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
        limit: int | None = None,
    ) -> list[E]:
        return self._items(self._select(spec, sort).limit(limit))

    def find_one(self, spec: Specification[Any]) -> E | None:
        found = self.find(spec, limit=2)
        if len(found) > 1:
            raise LookupError(f"more than one {self.entity_name} matches")
        return found[0] if found else None

    def stream(self, spec: Specification[Any] | None = None, batch_size: int = 1000) -> Iterator[E]:
        where = query_building.criteria(spec, self.columns)
        last: tuple[Any, ...] | None = None
        while True:
            query = self._selection().where(*where).order_by(*self._key_columns)
            if last is not None:
                query = query.where(tuple_(*self._key_columns) > tuple_(*last))
            batch = list(self._session.scalars(query.limit(batch_size)))
            for model in batch:
                yield self._to_entity(model)
                if not self._session.is_modified(model):
                    # Keeps memory flat however many rows; its children go with it.
                    self._session.expunge(model)
            if len(batch) < batch_size:
                return
            last = tuple(getattr(batch[-1], key) for key in self._keys)

    @overload
    def lock(self, key: Key, *, nowait: bool = False) -> E: ...

    @overload
    def lock(self, key: Key, *, skip_locked: Literal[True]) -> E | None: ...

    def lock(self, key: Key, *, nowait: bool = False, skip_locked: bool = False) -> E | None:
        query = (
            self._selection()
            .where(self._key_is(key))
            .with_for_update(nowait=nowait, skip_locked=skip_locked)
            .execution_options(populate_existing=True)
        )
        try:
            model = self._session.scalars(query).one_or_none()
        except DBAPIError as error:
            if sqlstate(error) == LOCK_NOT_AVAILABLE:
                raise LockedError(self.entity_name, key) from error
            raise
        if model is None and not skip_locked:
            raise NotFoundError(self.entity_name, key)
        return None if model is None else self._to_entity(model)

    # Writes: each ends in a flush, never a commit.

    def add(self, entity: E) -> None:
        self.add_many([entity])

    def add_many(self, entities: Iterable[E]) -> None:
        entities = list(entities)
        if not entities:
            return
        # One bulk INSERT per table, batched into multi-row statements, without the
        # unit-of-work bookkeeping of each object; a later read in the transaction loads them.
        self._insert_children(self._insert_roots(entities))
        for entity in entities:
            entity.version = 1
        self._written(entities)

    def update(self, entity: E) -> None:
        model = self._load_current(entity)
        if owned_children.merge(model, self._to_model(entity), ["version", *self._keys]):
            # Set, not left to the ORM, which bumps it only when a column of the root
            # changed: a change to a child alone is a new version of the aggregate too.
            model.version = entity.version + 1
        self._flush(entity)
        entity.version = model.version
        self._written([entity])

    def delete(self, entity: E) -> None:
        # One DELETE of the root's row, at the version read; its children go by their foreign
        # keys' ON DELETE CASCADE, as with `delete_many`. The root's row is locked first, as
        # by `update`, so a delete and an update never wait on each other in opposite orders.
        model = self._load_current(entity)
        current = self._key_is(self._key_of(entity)), self.model.version == entity.version
        statement = delete(self.model).where(*current)
        with translate_sql_errors():
            result = self._session.execute(
                statement, execution_options={"synchronize_session": False}
            )
        if not getattr(result, "rowcount", 0):
            raise ConcurrencyConflictError(self.entity_name, self._key_of(entity))
        self._session.expunge(model)  # and its loaded children: their rows are gone
        self._written([entity])

    def delete_many(self, keys: Iterable[Key]) -> int:
        statement = delete(self.model).where(self._key_in(list(keys)))
        with translate_sql_errors():
            deleted: int = getattr(self._session.execute(statement), "rowcount", 0)
        return deleted

    def upsert(self, entity: E) -> None:
        self.upsert_many([entity])

    def upsert_many(self, entities: Iterable[E]) -> None:
        entities = list(entities)
        if not entities:
            return
        table = self.model.__table__
        conflict = list(self.upsert_on) or [column.name for column in self._key_columns]
        roots = self._rows(entities)
        rows = [row for _, row in roots]
        inserting = insert(self.model)
        overwritten = {
            column.name: inserting.excluded[column.name]
            for column in table.columns
            if column.name not in conflict and column.name != "version" and not column.primary_key
        }
        statement = inserting.on_conflict_do_update(
            index_elements=conflict,
            set_={**overwritten, "version": table.c.version + 1},
        ).returning(self.model)
        with translate_sql_errors():
            stored = self._session.scalars(
                statement, rows, execution_options={"populate_existing": True}
            ).all()
        # The stored row's key wins: an upsert on another unique column keeps the row's id.
        by_conflict = {tuple(getattr(model, name) for name in conflict): model for model in stored}
        for entity, row in zip(entities, rows, strict=True):
            model = by_conflict[tuple(getattr(entity, name) for name in conflict)]
            for key in self._keys:
                setattr(entity, key, getattr(model, key))
                row[key] = getattr(model, key)
            entity.version = model.version
        self._replace_children(stored, roots)
        self._written(entities)

    # Helpers

    def _selection(self) -> Select[Any]:
        return select(self.model).options(*self._loading)

    def _items(self, query: Select[Any]) -> list[E]:
        return [self._to_entity(model) for model in self._session.scalars(query)]

    def _rows(self, entities: list[E]) -> list[tuple[Model, dict[str, Any]]]:
        """Each entity's model (its children's rows are read from it) and the root's row."""
        mapper = inspect(self.model)
        models = [self._to_model(entity) for entity in entities]
        return [
            (model, owned_children.column_values(model, mapper) | {"version": 1})
            for model in models
        ]

    def _insert_roots(self, entities: list[E]) -> list[tuple[Model, dict[str, Any]]]:
        roots = self._rows(entities)
        with translate_sql_errors():
            self._session.execute(insert(self.model), [row for _, row in roots])
        return roots

    def _insert_children(self, roots: list[tuple[Model, dict[str, Any]]]) -> None:
        for child_model, rows in owned_children.child_rows(roots, inspect(self.model)).items():
            if rows:
                with translate_sql_errors():
                    self._session.execute(insert(child_model), rows)

    def _replace_children(
        self, stored: Sequence[Model], roots: list[tuple[Model, dict[str, Any]]]
    ) -> None:
        """The upserted roots' children are the ones sent: the stored ones go (deeper levels
        by their cascade) and the sent ones are inserted."""
        relationships = owned_children.owned(inspect(self.model))
        if not relationships:
            return
        rows = [row for _, row in roots]
        for relationship in relationships:
            children = owned_children.children_of(relationship, rows)
            statement = delete(relationship.mapper.class_).where(children)
            with translate_sql_errors():
                self._session.execute(statement)
        for model in stored:
            # What the session holds of their children is no longer what is stored.
            self._session.expire(model, [relationship.key for relationship in relationships])
        self._insert_children(roots)

    def _key_of(self, row: Model | E) -> Key:
        values = tuple(getattr(row, key) for key in self._keys)
        return values[0] if len(values) == 1 else values

    def _key_in(self, keys: list[Key]) -> ColumnElement[bool]:
        if len(self._key_columns) == 1:
            return self._key_columns[0].in_(keys)
        return tuple_(*self._key_columns).in_(keys)

    def _load(self, key: Key) -> Model:
        model: Model | None = self._session.get(self.model, key, options=self._loading)
        if model is None:
            raise NotFoundError(self.entity_name, key)
        return model

    def _load_current(self, entity: E) -> Model:
        model = self._load(self._key_of(entity))
        if model.version != entity.version:
            raise ConcurrencyConflictError(self.entity_name, self._key_of(entity))
        return model

    def _flush(self, entity: E | None = None) -> None:
        try:
            with translate_sql_errors():
                self._session.flush()
        except StaleDataError as error:
            key = "?" if entity is None else self._key_of(entity)
            raise ConcurrencyConflictError(self.entity_name, key) from error
