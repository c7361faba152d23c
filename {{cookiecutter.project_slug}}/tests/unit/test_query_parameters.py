import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.api.query_parameters import (
    expected_versions,
    parse_filters,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)


class Field(StrEnum):
    TITLE = "title"
    CREATED_AT = "created_at"


FIELDS: dict[Field, Any] = {Field.TITLE: str, Field.CREATED_AT: datetime}


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        (None, None),
        ("*", None),
        ('"3"', {3}),
        ('"1", "2"', {1, 2}),
        ('"1","2" , "3"', {1, 2, 3}),
        ('"1", , "2",', {1, 2}),  # empty list elements count for nothing
        ('W/"1"', set()),  # weak tags never match under strong comparison
        ('W/"1", "2"', {2}),
        ('"01"', set()),  # no version's tag has a leading zero
        ('"x"', set()),
        ('"' + "9" * 5000 + '"', set()),
        ("", set()),
    ],
)
def test_if_match_accepts_the_versions_of_its_strong_tags(
    header: str | None, versions: set[int] | None
) -> None:
    assert expected_versions(header) == versions


@pytest.mark.parametrize(
    "header",
    # The last would take the pattern years if two of its parts could take the same blank.
    ["3", '"3', "W/3", '*, "1"', '"a"b"', '"1" "2"', 'w/"1"', " ," * 5000 + " x"],
)
def test_an_if_match_that_is_not_entity_tags_is_an_invalid_value_naming_it(header: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        expected_versions(header)

    assert refused.value.field == "If-Match"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("title:eq:a\x00b", "U+0000"),
        ("title:contains:\x00", "U+0000"),
        ("title:in:a,b\x00", "U+0000"),
        ("created_at:gt:9999-12-31T23:59:59-23:59", "years 1 to 9999"),
        ("created_at:lt:0001-01-01T00:00:00+23:59", "years 1 to 9999"),
    ],
)
def test_a_filter_value_no_column_can_hold_is_refused_naming_filter(raw: str, named: str) -> None:
    with pytest.raises(InvalidValueError, match=re.escape(named)) as refused:
        parse_filters([raw], FIELDS)

    assert refused.value.field == "filter"
    assert str(refused.value).startswith(raw.split(":", 1)[0])


def test_a_filter_datetime_without_a_zone_is_utc() -> None:
    spec = parse_filters(["created_at:gt:2026-01-02T03:04:05"], FIELDS)

    assert spec.filters[0].value == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
