"""Generic read side: `BaseQueries[Model, DTO]` selects a DTO's columns straight into DTOs.

No entity, no identity map: each query runs on a short-lived read-only session (see
`AsyncQueryRunner`), so what it returns is what the database holds now.
"""

from collections.abc import Hashable
from dataclasses import fields
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import ColumnElement, Select, inspect, select

from ..domain.errors import NotFoundError
from .paged_reads import PagedReads

Model = TypeVar("Model")
DTO = TypeVar("DTO")


class BaseQueries(PagedReads[DTO], Generic[Model, DTO]):
    dto: ClassVar[type[Any]]
    entity_name: ClassVar[str]
    _selected: ClassVar[list[ColumnElement[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseQueries:
                model, cls.dto = get_args(base)
                cls.entity_name = cls.dto.__name__.removesuffix("DTO")
                cls._read_from(model)
                cls._selected = [inspect(model).columns[field.name] for field in fields(cls.dto)]

    def get(self, key: Hashable) -> DTO:
        """Raises `NotFoundError` when there is none."""
        found = self._items(self._selection().where(self._key_is(key)))
        if not found:
            raise NotFoundError(self.entity_name, key)
        return found[0]

    def _selection(self) -> Select[Any]:
        return select(*self._selected)

    def _items(self, query: Select[Any]) -> list[DTO]:
        return [self.dto(**row._mapping) for row in self._session.execute(query)]
