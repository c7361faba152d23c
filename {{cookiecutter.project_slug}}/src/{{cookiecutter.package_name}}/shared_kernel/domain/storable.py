"""Values PostgreSQL can store, as rules of the domain.

Python holds values that PostgreSQL columns cannot: a text column refuses NUL and unpaired
surrogates (UTF-8 cannot encode them), a `timestamptz` needs a moment that has a UTC date in
years 1 to 9999 for the driver to send it, and a `bigint` has 64 bits. The domain refuses such a
value with an `InvalidValueError` naming the field, so every entry point (HTTP, the command
line, a consumer) answers the same way, and none of them meets a driver error instead.
"""

import re
from datetime import UTC, datetime

from .errors import InvalidValueError

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1

_UNSTORABLE_CHARACTER = re.compile("[\\x00\\ud800-\\udfff]")


def storable_text(field: str, text: str) -> str:
    """`text` as it is, unless it holds a character no PostgreSQL text column can store."""
    if found := _UNSTORABLE_CHARACTER.search(text):
        what = "NUL" if found.group() == "\x00" else "an unpaired surrogate"
        character = f"U+{ord(found.group()):04X} ({what})"
        message = f"{field} must not contain {character}; found at position {found.start()}"
        raise InvalidValueError(field, message)
    return text


def storable_datetime(field: str, moment: datetime) -> datetime:
    """`moment` in UTC. A datetime without a time zone is taken to be in UTC."""
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        message = f"{field} must fall within the years 1 to 9999 in UTC"
        raise InvalidValueError(field, message) from error


def storable_integer(field: str, number: int) -> int:
    if not BIGINT_MIN <= number <= BIGINT_MAX:
        message = f"{field} must be from {BIGINT_MIN} to {BIGINT_MAX}"
        raise InvalidValueError(field, message)
    return number


def storable(field: str, value: object) -> object:
    """`value` checked by the rule of its type (each item of a tuple or list by its own);
    datetimes come back in UTC, everything else unchanged."""
    if isinstance(value, tuple | list):
        items = [storable(field, item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, str):
        return storable_text(field, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return storable_integer(field, value)
    if isinstance(value, datetime):
        return storable_datetime(field, value)
    return value
