"""Generic read side: `BaseQueries[Model, DTO]` selects a DTO's columns straight into DTOs.

No entity, no identity map: each query runs on a short-lived read-only session (see
`AsyncQueryRunner`), so what it returns is what the database holds now.
"""

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Session

from ..domain.pagination import Page, PageRequest, Sort
from ..domain.specification import Specification
from . import query_building

Model = TypeVar("Model")
DTO = TypeVar("DTO")


class BaseQueries(Generic[Model, DTO]):
    model: ClassVar[type[Any]]
    dto: ClassVar[type[Any]]
    # Field enum member -> column: the only columns clients may filter and sort by.
    columns: ClassVar[Mapping[Any, ColumnElement[Any]]] = {}
    _selected: ClassVar[list[ColumnElement[Any]]]
    _key_columns: ClassVar[list[ColumnElement[Any]]]
    _keys: ClassVar[list[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseQueries:
                cls.model, cls.dto = get_args(base)
                mapper = inspect(cls.model)
                cls._selected = [mapper.columns[field.name] for field in fields(cls.dto)]
                cls._key_columns = list(mapper.primary_key)
                cls._keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]

    def __init__(self, session: Session) -> None:
        self._session = session

    def page(
        self,
        request: PageRequest,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[DTO]:
        query = self._select(spec, sort).offset(request.offset)
        total = self.count(spec) if request.with_total else None
        return self._page(query, request.limit, sort, total=total, offset=request.offset)

    def page_after(
        self,
        after: str | None,
        limit: int,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[DTO]:
        query = self._select(spec, sort)
        query = query_building.keyset(query, after, sort, self.columns, self._key_columns)
        return self._page(query, limit, sort)

    def count(self, spec: Specification[Any] | None = None) -> int:
        where = query_building.criteria(spec, self.columns)
        query = select(func.count()).select_from(self.model).where(*where)
        return int(self._session.scalar(query) or 0)

    def _select(self, spec: Specification[Any] | None, sort: Sort[Any] | None) -> Any:
        where = query_building.criteria(spec, self.columns)
        order = query_building.ordering(sort, self.columns, self._key_columns)
        return select(*self._selected).where(*where).order_by(*order)

    def _page(self, query: Any, limit: int, sort: Sort[Any] | None, **counts: Any) -> Page[DTO]:
        dtos = [self.dto(**row._mapping) for row in self._session.execute(query.limit(limit + 1))]
        items, next_cursor = query_building.split_page(dtos, limit, sort, self._keys)
        return Page(items, limit, next_cursor, **counts)
