"""Generic read side: `BaseQueries[Model, DTO]` selects a DTO's columns straight into DTOs.

No entity, no identity map: each query runs on a short-lived read-only session (see
`AsyncQueryRunner`), so what it returns is what the database holds now.
"""

from dataclasses import fields
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import ColumnElement, Select, inspect, select

from .paged_reads import PagedReads

Model = TypeVar("Model")
DTO = TypeVar("DTO")


class BaseQueries(PagedReads[DTO], Generic[Model, DTO]):
    dto: ClassVar[type[Any]]
    _selected: ClassVar[list[ColumnElement[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseQueries:
                model, cls.dto = get_args(base)
                cls._read_from(model)
                cls._selected = [inspect(model).columns[field.name] for field in fields(cls.dto)]

    def _selection(self) -> Select[Any]:
        return select(*self._selected)

    def _items(self, query: Select[Any]) -> list[DTO]:
        return [self.dto(**row._mapping) for row in self._session.execute(query)]
