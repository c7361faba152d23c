"""Generic repository: the model class is read from `BaseRepository[Model, Entity]`.

Repositories load, add and flush; they never commit (the unit of work does).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, object_mapper
from sqlalchemy.orm.exc import StaleDataError

from ..domain.entity import Entity
from ..domain.errors import ConcurrencyConflictError, NotFoundError
from ..domain.pagination import Page, PageRequest
from .orm import AggregateModel

Model = TypeVar("Model", bound=AggregateModel)
E = TypeVar("E", bound=Entity)

_NOT_COPIED_ON_UPDATE = frozenset({"id", "version"})


class BaseRepository(ABC, Generic[Model, E]):
    model: ClassVar[type[Any]]
    entity_name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseRepository:
                model, entity = get_args(base)
                cls.model = model
                cls.entity_name = entity.__name__

    def __init__(self, session: Session) -> None:
        self._session = session

    @abstractmethod
    def _to_entity(self, model: Model) -> E: ...

    @abstractmethod
    def _to_model(self, entity: E) -> Model: ...

    def get(self, entity_id: UUID) -> E:
        return self._to_entity(self._load(entity_id))

    def get_or_none(self, entity_id: UUID) -> E | None:
        model = self._session.get(self.model, entity_id)
        return None if model is None else self._to_entity(model)

    def exists(self, entity_id: UUID) -> bool:
        query = select(select(self.model).where(self.model.id == entity_id).exists())
        return bool(self._session.scalar(query))

    def count(self, *criteria: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(self.model).where(*criteria)
        return int(self._session.scalar(query) or 0)

    def page(
        self,
        request: PageRequest,
        *criteria: ColumnElement[bool],
        order_by: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]] = (),
    ) -> Page[E]:
        query = (
            select(self.model)
            .where(*criteria)
            .order_by(*order_by, self.model.id)
            .limit(request.limit)
            .offset(request.offset)
        )
        items = [self._to_entity(model) for model in self._session.scalars(query)]
        return Page(items, self.count(*criteria), request.limit, request.offset)

    def add(self, entity: E) -> None:
        self.add_many([entity])

    def add_many(self, entities: Iterable[E]) -> None:
        pairs = [(entity, self._to_model(entity)) for entity in entities]
        # One flush for all rows: SQLAlchemy batches them into INSERT ... RETURNING.
        self._session.add_all(model for _, model in pairs)
        self._session.flush()
        for entity, model in pairs:
            entity.version = model.version

    def update(self, entity: E) -> None:
        model = self._load_current(entity)
        changed = self._to_model(entity)
        for attribute in object_mapper(model).column_attrs:
            if attribute.key not in _NOT_COPIED_ON_UPDATE:
                setattr(model, attribute.key, getattr(changed, attribute.key))
        self._flush(entity)
        entity.version = model.version

    def delete(self, entity: E) -> None:
        self._session.delete(self._load_current(entity))
        self._flush(entity)

    def _load(self, entity_id: UUID) -> Model:
        model: Model | None = self._session.get(self.model, entity_id)
        if model is None:
            raise NotFoundError(self.entity_name, entity_id)
        return model

    def _load_current(self, entity: E) -> Model:
        model = self._load(entity.id)
        if model.version != entity.version:
            raise ConcurrencyConflictError(self.entity_name, entity.id)
        return model

    def _flush(self, entity: E) -> None:
        try:
            self._session.flush()
        except StaleDataError as error:
            raise ConcurrencyConflictError(self.entity_name, entity.id) from error
