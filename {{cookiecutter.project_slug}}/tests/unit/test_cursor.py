import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.domain.cursor import (
    decode_cursor,
    encode_cursor,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    Sort,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.specification import (
    Filter,
    Operator,
    Specification,
)


class Field(StrEnum):
    NAME = "name"
    WHEN = "when"


class Colour(StrEnum):
    RED = "red"


BY_NAME = Sort(Field.NAME)
NAME_KEY = [str, UUID]  # the sort field's type, then the key's
ID = str(uuid4())


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def digest_of_no_filters() -> str:
    issued = encode_cursor(BY_NAME, ["a", uuid4()])
    padded = issued + "=" * (-len(issued) % 4)
    digest: str = json.loads(base64.urlsafe_b64decode(padded))[1]
    return digest


def test_a_cursor_round_trips_every_kind_of_sort_key() -> None:
    sort = Sort(Field.WHEN, descending=True)
    values = [
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        uuid4(),
        "text",
        7,
        1.5,
        True,
        Colour.RED,
        date(2026, 1, 2),
        Decimal("1.10"),
    ]
    types = [datetime, UUID, str, int, float, bool, Colour, date, Decimal]

    assert decode_cursor(sort, encode_cursor(sort, values), types) == values


def test_a_cursor_is_bound_to_its_sort() -> None:
    cursor = encode_cursor(BY_NAME, ["a", uuid4()])

    with pytest.raises(InvalidValueError, match="belongs to sort 'name', not '-name'"):
        decode_cursor(Sort(Field.NAME, descending=True), cursor, NAME_KEY)
    with pytest.raises(InvalidValueError, match="belongs to sort 'name', not ''"):
        decode_cursor(None, cursor, [UUID])


def test_a_cursor_is_bound_to_its_filters() -> None:
    named_a = Specification.where(Filter(Field.NAME, Operator.EQ, "a"))
    cursor = encode_cursor(BY_NAME, ["a", uuid4()], named_a)

    assert decode_cursor(BY_NAME, cursor, NAME_KEY, Specification.where(*named_a.filters))
    with pytest.raises(InvalidValueError, match="other filters") as refused:
        decode_cursor(BY_NAME, cursor, NAME_KEY, Specification.where())
    named_b = Specification.where(Filter(Field.NAME, Operator.EQ, "b"))
    with pytest.raises(InvalidValueError, match="other filters"):
        decode_cursor(BY_NAME, cursor, NAME_KEY, named_b)
    assert refused.value.field == "after"
    unfiltered = encode_cursor(BY_NAME, ["a", uuid4()])
    assert decode_cursor(BY_NAME, unfiltered, NAME_KEY, Specification())


@pytest.mark.parametrize(
    "payload",
    [
        "{}",
        '"text"',
        "1",
        "null",
        '["name", "{digest}"]',
        '["name", "{digest}", "values"]',
        '["name", 1, ["a", "{id}"]]',
        '["name", "{digest}", ["a"]]',  # a value too few
        '["name", "{digest}", ["a", "{id}", "b"]]',  # a value too many
        '["name", "{digest}", [1, "{id}"]]',  # an int where the sort needs text
        '["name", "{digest}", [true, "{id}"]]',
        '["name", "{digest}", [null, "{id}"]]',
        '["name", "{digest}", [["", "a"], "{id}"]]',  # a tagged value with an empty tag
        '["name", "{digest}", ["a\\u0000b", "{id}"]]',
        '["name", "{digest}", ["\\ud800", "{id}"]]',
        '["name", "{digest}", ["a", "not-a-uuid"]]',
        '["name", "{digest}", ["a", 12345]]',
        '["name", "{digest}", ["a", NaN]]',
        "[" * 100_000,
    ],
)
def test_a_forged_cursor_is_refused_naming_after(payload: str) -> None:
    text = payload.replace("{digest}", digest_of_no_filters()).replace("{id}", ID)

    with pytest.raises(InvalidValueError) as refused:
        decode_cursor(BY_NAME, forged(text), NAME_KEY)

    assert refused.value.field == "after"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (int, "9" * 5000),
        (int, str(2**63)),
        (int, "true"),
        (int, "1.5"),
        (float, "NaN"),
        (float, "Infinity"),
        (float, "1e999"),
        (float, '"1.5"'),
        (datetime, '"2026-01-01T00:00:00"'),  # no time zone
        (datetime, '"9999-12-31T23:59:59-23:59"'),  # past year 9999 in UTC
        (datetime, '"yesterday"'),
        (Colour, '"blue"'),
        (Decimal, '"NaN"'),
        (date, "20260101"),
    ],
)
def test_a_value_that_is_not_of_the_columns_type_is_refused(kind: type, value: str) -> None:
    sort = Sort(Field.WHEN)
    text = f'["when", "{digest_of_no_filters()}", [{value}, "{ID}"]]'

    with pytest.raises(InvalidValueError) as refused:
        decode_cursor(sort, forged(text), [kind, UUID])

    assert refused.value.field == "after"


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "bm90IGpzb24",
        "//79",  # not UTF-8
        "WyJuYW1lIiwgW1sieCIsIDFdXV0",
        # ["-created_at",[["s","abc"],["s","def"]]]: a cursor of an earlier form
        "WyItY3JlYXRlZF9hdCIsW1sicyIsImFiYyJdLFsicyIsImRlZiJdXV0",
    ],
)
def test_anything_but_an_issued_cursor_is_refused_naming_after(cursor: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        decode_cursor(Sort(Field.WHEN, descending=True), cursor, [datetime, UUID])

    assert refused.value.field == "after"


def test_a_sort_key_of_a_type_no_cursor_holds_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="bytes"):
        encode_cursor(BY_NAME, [b"raw", uuid4()])
    with pytest.raises(TypeError, match="bytes"):
        decode_cursor(BY_NAME, "", [bytes, UUID])
