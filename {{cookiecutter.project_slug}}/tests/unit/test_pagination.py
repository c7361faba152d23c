from datetime import UTC, datetime
from enum import StrEnum
from uuid import uuid4

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    Sort,
    decode_cursor,
    encode_cursor,
)


class Field(StrEnum):
    NAME = "name"
    WHEN = "when"


def test_a_cursor_round_trips_every_kind_of_sort_key() -> None:
    sort = Sort(Field.WHEN, descending=True)
    values = [datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), uuid4(), "text", 7, 1.5]

    assert decode_cursor(sort, encode_cursor(sort, values)) == values


def test_a_cursor_is_bound_to_its_sort() -> None:
    cursor = encode_cursor(Sort(Field.NAME), ["a", uuid4()])

    with pytest.raises(InvalidValueError, match="belongs to sort 'name', not '-name'"):
        decode_cursor(Sort(Field.NAME, descending=True), cursor)
    with pytest.raises(InvalidValueError, match="belongs to sort 'name', not ''"):
        decode_cursor(None, cursor)


@pytest.mark.parametrize(
    "cursor", ["", "not base64!", "bm90IGpzb24", "WyJuYW1lIiwgW1sieCIsIDFdXV0"]
)
def test_anything_but_an_issued_cursor_is_refused_naming_cursor(cursor: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        decode_cursor(Sort(Field.NAME), cursor)

    assert refused.value.field == "cursor"
