"""Pages of results, by offset (`PageRequest`) or by keyset (after an opaque cursor)."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar
from uuid import UUID

from .errors import InvalidValueError

T = TypeVar("T")
F = TypeVar("F", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 50
    offset: int = 0
    # The total costs a second query (a COUNT over every match); lists that scroll skip it.
    with_total: bool = True


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


# A cursor is opaque to clients: the sort it belongs to and the last row's sort key, as
# tagged JSON in URL-safe base64. Only these value types can be sort keys.
_TAGS: dict[type, str] = {str: "s", int: "i", float: "f", UUID: "u", datetime: "t"}


def encode_cursor(sort: Sort[F] | None, values: Sequence[object]) -> str:
    """The cursor that continues `sort` (None: key order) after the row whose sort key is
    `values`."""
    tagged = [[_tag(value), value if _tag(value) in "sif" else str(value)] for value in values]
    payload = json.dumps([_sort_key(sort), tagged], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(sort: Sort[F] | None, cursor: str) -> list[object]:
    """The sort key in `cursor`; an `InvalidValueError` naming `cursor` if it is not one of
    ours or belongs to another sort."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_key, tagged = json.loads(base64.urlsafe_b64decode(padded))
        values = [_untag(tag, value) for tag, value in tagged]
    except (ValueError, TypeError, KeyError, binascii.Error) as error:
        raise InvalidValueError("cursor", "the cursor is not one this service issued") from error
    if sort_key != _sort_key(sort):
        message = f"the cursor belongs to sort {sort_key!r}, not {_sort_key(sort)!r}"
        raise InvalidValueError("cursor", message)
    return values


def _sort_key(sort: Sort[F] | None) -> str:
    return "" if sort is None else str(sort)


def _tag(value: object) -> str:
    for kind, tag in _TAGS.items():
        if isinstance(value, kind):
            return tag
    raise TypeError(f"{type(value).__name__} cannot be part of a cursor")


def _untag(tag: str, value: object) -> object:
    if tag in "sif" and isinstance(value, str | int | float):
        return value
    if tag == "u" and isinstance(value, str):
        return UUID(value)
    if tag == "t" and isinstance(value, str):
        return datetime.fromisoformat(value)
    raise ValueError(f"unknown cursor value {tag}")
