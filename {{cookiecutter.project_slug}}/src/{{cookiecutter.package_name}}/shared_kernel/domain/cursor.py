"""Keyset cursors: where the next page starts, opaque to clients.

A cursor is URL-safe base64 of the JSON `[sort, filters, values]`: the sort it continues, a
short digest of the filters it was issued for, and the sort key of the last row sent (the sort
field's value, then the primary key's). A cursor given to another sort or other filters is
refused, and so is anything this service did not issue: decoding checks that every value has
exactly the type its column holds (`types`, which the infrastructure reads from the columns)
and that PostgreSQL can store it. Every refusal is an `InvalidValueError` naming `after`, the
parameter that carries a cursor.

Cursors are not signed. A forged cursor that passes these checks is a well-typed position in
the order, the same rows a client can select with a filter; it reveals and reaches nothing
more. Signing would need a secret that every instance shares, for no gain.
"""

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, NoReturn
from uuid import UUID

from .errors import InvalidValueError
from .pagination import Sort
from .specification import Specification
from .storable import storable_datetime, storable_integer, storable_text

PARAMETER = "after"
NOT_ISSUED = "the cursor is not one this service issued"
# Sent as text in JSON, as dates and datetimes are (in ISO 8601).
_AS_TEXT: tuple[type, ...] = (UUID, Decimal)
_MAX_DIGITS = 20  # a bigint has 19


def encode_cursor(
    sort: Sort[Any] | None, values: Sequence[object], spec: Specification[Any] | None = None
) -> str:
    """The cursor that continues `sort` (None: key order) under `spec` after the row whose
    sort key is `values`."""
    plain = [_plain(value) for value in values]
    payload = [_sort_key(sort), _digest(spec), plain]
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(
    sort: Sort[Any] | None,
    cursor: str,
    types: Sequence[type],
    spec: Specification[Any] | None = None,
) -> list[object]:
    """The sort key in `cursor`, one value of each of `types`; an `InvalidValueError` naming
    `after` unless this service issued the cursor for this sort and these filters."""
    for kind in types:
        if not _supported(kind):
            raise TypeError(f"{kind.__name__} cannot be part of a cursor")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(
            base64.urlsafe_b64decode(padded),
            parse_constant=_no_constant,  # NaN, Infinity
            parse_int=_bounded_int,
        )
    except (ValueError, binascii.Error, RecursionError) as error:  # nested past the limit
        raise InvalidValueError(PARAMETER, NOT_ISSUED) from error
    if not (isinstance(payload, list) and len(payload) == 3):
        raise InvalidValueError(PARAMETER, NOT_ISSUED)
    sort_key, digest, values = payload
    if not (isinstance(sort_key, str) and isinstance(digest, str) and isinstance(values, list)):
        raise InvalidValueError(PARAMETER, NOT_ISSUED)
    if sort_key != _sort_key(sort):
        message = f"the cursor belongs to sort {sort_key[:50]!r}, not {_sort_key(sort)!r}"
        raise InvalidValueError(PARAMETER, message)
    if digest != _digest(spec):
        raise InvalidValueError(PARAMETER, "the cursor belongs to other filters")
    if len(values) != len(types):
        raise InvalidValueError(PARAMETER, NOT_ISSUED)
    try:
        return [_typed(kind, value) for kind, value in zip(types, values, strict=True)]
    except (ValueError, TypeError, ArithmeticError) as error:
        raise InvalidValueError(PARAMETER, NOT_ISSUED) from error


def _sort_key(sort: Sort[Any] | None) -> str:
    return "" if sort is None else str(sort)


def _digest(spec: Specification[Any] | None) -> str:
    """A short fingerprint of the filters: enough to tell one list from another by mistake."""
    filters = () if spec is None else spec.filters
    canonical = [[str(f.field), str(f.operator), _canonical(f.value)] for f in filters]
    text = json.dumps(canonical, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _canonical(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_canonical(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_canonical(item) for item in value), key=str)
    return value


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"{value} cannot be part of a cursor")
    if isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, _AS_TEXT):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be part of a cursor")


def _supported(kind: type) -> bool:
    return any(issubclass(kind, base) for base, _ in _READERS)


def _typed(kind: type, value: object) -> object:
    """`value` read from JSON as a `kind`; ValueError or TypeError when it is not one."""
    read = next(read for base, read in _READERS if issubclass(kind, base))
    return read(kind, value)


def _enum(kind: type, value: object) -> object:
    return kind(value)


def _bool(kind: type, value: object) -> object:
    return _exactly(bool, value)


def _str(kind: type, value: object) -> object:
    return storable_text(PARAMETER, _exactly(str, value))


def _int(kind: type, value: object) -> object:
    return storable_integer(PARAMETER, _exactly(int, value))


def _float(kind: type, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def _datetime(kind: type, value: object) -> object:
    moment = datetime.fromisoformat(_exactly(str, value))
    if moment.utcoffset() is None:
        raise ValueError("a datetime in a cursor must have a time zone")
    return storable_datetime(PARAMETER, moment)


def _date(kind: type, value: object) -> object:
    return date.fromisoformat(_exactly(str, value))


def _decimal(kind: type, value: object) -> object:
    number = Decimal(_exactly(str, value))
    if not number.is_finite():
        raise InvalidOperation(f"{value!r} is not a finite number")
    return number


def _uuid(kind: type, value: object) -> object:
    return UUID(_exactly(str, value))


# The first base a column's type derives from reads its value (a StrEnum is an Enum before it
# is a str, a bool is not an int, a datetime is a date).
_READERS: list[tuple[type, Callable[[type, object], object]]] = [
    (Enum, _enum),
    (bool, _bool),
    (str, _str),
    (int, _int),
    (float, _float),
    (datetime, _datetime),
    (date, _date),
    (Decimal, _decimal),
    (UUID, _uuid),
]


def _exactly(kind: type, value: object) -> Any:
    if type(value) is not kind:
        raise TypeError(f"{type(value).__name__} is not {kind.__name__}")
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a value")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise ValueError("too many digits")
    return int(digits)
