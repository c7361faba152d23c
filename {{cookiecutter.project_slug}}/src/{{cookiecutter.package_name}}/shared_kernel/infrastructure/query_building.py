"""Typed filters and sorts to SQL, through a whitelist of columns.

A field that is not in the whitelist is refused with an error naming it; values are always
bound parameters, so no client string reaches SQL text.
"""

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, tuple_

from ..domain.cursor import decode_cursor, encode_cursor
from ..domain.errors import InvalidValueError
from ..domain.pagination import Sort
from ..domain.specification import Operator, Specification

T = TypeVar("T")
Column = ColumnElement[Any]
Columns = Mapping[Any, Column]  # a field enum's members -> columns

_SQL: dict[Operator, Callable[[Column, Any], ColumnElement[bool]]] = {
    Operator.EQ: lambda column, value: column == value,
    Operator.NE: lambda column, value: column != value,
    Operator.LT: lambda column, value: column < value,
    Operator.LE: lambda column, value: column <= value,
    Operator.GT: lambda column, value: column > value,
    Operator.GE: lambda column, value: column >= value,
    Operator.IN: lambda column, value: column.in_(value),
    Operator.CONTAINS: lambda column, value: column.icontains(value, autoescape=True),
}


def column_for(columns: Columns, field: StrEnum, purpose: str) -> Column:
    if field not in columns:
        raise InvalidValueError(purpose, f"cannot {purpose} by {field.value}")
    return columns[field]


def criteria(spec: Specification[Any] | None, columns: Columns) -> list[ColumnElement[bool]]:
    if spec is None:
        return []
    return [
        _SQL[condition.operator](column_for(columns, condition.field, "filter"), condition.value)
        for condition in spec.filters
    ]


def ordering(sort: Sort[Any] | None, columns: Columns, keys: Sequence[Column]) -> list[Column]:
    """ORDER BY the sort column, then the primary key in the same direction (a total order,
    which keyset pages need)."""
    ordered = keys if sort is None else [column_for(columns, sort.field, "sort"), *keys]
    return [column.desc() if sort and sort.descending else column for column in ordered]


def after(sort: Sort[Any] | None, key_columns: Sequence[Column], values: Sequence[object]) -> Any:
    """Rows after `values` in the order of `sort`: one row-value comparison, which an index
    on the same columns answers without scanning the rows before it."""
    row, last = tuple_(*key_columns), tuple_(*values)
    return row < last if sort and sort.descending else row > last


def keyset(
    statement: Any,
    after_cursor: str | None,
    sort: Sort[Any] | None,
    columns: Columns,
    keys: Sequence[Column],
    *,
    spec: Specification[Any] | None = None,
) -> Any:
    """`statement`, ordered by `sort` and filtered by `spec`, from the row after
    `after_cursor` on. The cursor's values must have the Python types of the columns."""
    if after_cursor is None:
        return statement
    key_columns = keys if sort is None else [column_for(columns, sort.field, "sort"), *keys]
    types = [column.type.python_type for column in key_columns]
    values = decode_cursor(sort, after_cursor, types, spec)
    return statement.where(after(sort, key_columns, values))


def split_page(
    rows: Sequence[T],
    limit: int,
    sort: Sort[Any] | None,
    key: Sequence[str],
    spec: Specification[Any] | None = None,
) -> tuple[Sequence[T], str | None]:
    """The first `limit` of `limit + 1` rows fetched, and the cursor after the last of them
    when the extra row shows that more follow. `key` names the primary key's attributes."""
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    names = key if sort is None else [sort.field.value, *key]
    cursor = encode_cursor(sort, [getattr(last, name) for name in names], spec)
    return rows[:limit], cursor
