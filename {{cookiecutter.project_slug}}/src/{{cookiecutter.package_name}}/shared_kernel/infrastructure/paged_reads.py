"""Counting and paging over one mapped table: what repositories (returning entities) and the
read side's queries (returning DTOs) have in common."""

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, func, inspect, select, tuple_
from sqlalchemy.orm import Session

from ..domain.pagination import Page, PageRequest, Sort
from ..domain.specification import Specification
from . import query_building

Item = TypeVar("Item")
# What statements run on: a repository's session, or a query's connection.
Reader = TypeVar("Reader", Session, Connection)


class PagedReads(ABC, Generic[Item, Reader]):
    model: ClassVar[type[Any]]
    # Field enum member -> column: the only columns clients may filter and sort by.
    columns: ClassVar[Mapping[Any, ColumnElement[Any]]] = {}
    # The primary key: its columns and the attribute names rows and items carry it under.
    _key_columns: ClassVar[list[ColumnElement[Any]]]
    _keys: ClassVar[list[str]]

    @classmethod
    def _read_from(cls, model: type[Any]) -> None:
        mapper = inspect(model)
        cls.model = model
        cls._key_columns = list(mapper.primary_key)
        cls._keys = [mapper.get_property_by_column(column).key for column in mapper.primary_key]

    def __init__(self, reader: Reader) -> None:
        self._reader: Reader = reader

    def _key_is(self, key: Hashable) -> ColumnElement[bool]:
        if len(self._key_columns) == 1:
            return self._key_columns[0] == key
        return tuple_(*self._key_columns) == tuple_(*key)  # type: ignore[misc]

    def count(self, spec: Specification[Any] | None = None) -> int:
        where = query_building.criteria(spec, self.columns)
        query = select(func.count()).select_from(self.model).where(*where)
        return int(self._reader.scalar(query) or 0)

    def page(
        self,
        request: PageRequest,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[Item]:
        query = self._select(spec, sort).offset(request.offset)
        total = self.count(spec) if request.with_total else None
        return self._page(query, request.limit, sort, spec, total=total, offset=request.offset)

    def page_after(
        self,
        after: str | None,
        limit: int,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[Item]:
        query = self._select(spec, sort)
        query = query_building.keyset(
            query, after, sort, self.columns, self._key_columns, spec=spec
        )
        return self._page(query, limit, sort, spec)

    @abstractmethod
    def _selection(self) -> Select[Any]:
        """What a row is: the mapped model, or the columns of a DTO."""

    @abstractmethod
    def _items(self, query: Select[Any]) -> list[Item]:
        """Run `query` and turn its rows into items."""

    def _select(self, spec: Specification[Any] | None, sort: Sort[Any] | None) -> Select[Any]:
        where = query_building.criteria(spec, self.columns)
        order = query_building.ordering(sort, self.columns, self._key_columns)
        return self._selection().where(*where).order_by(*order)

    def _page(
        self,
        query: Select[Any],
        limit: int,
        sort: Sort[Any] | None,
        spec: Specification[Any] | None,
        **counts: Any,
    ) -> Page[Item]:
        # One row more than the page tells whether another page follows.
        items, next_cursor = query_building.split_page(
            self._items(query.limit(limit + 1)), limit, sort, self._keys, spec
        )
        return Page(items, limit, next_cursor, **counts)
