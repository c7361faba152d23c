import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.storable import (
    BIGINT_MAX,
    BIGINT_MIN,
    storable,
    storable_datetime,
    storable_integer,
    storable_text,
)

EAST = timezone(timedelta(hours=23, minutes=59))
WEST = timezone(-timedelta(hours=23, minutes=59))


def test_text_postgresql_can_store_passes_unchanged() -> None:
    text = "Zoë's \U0001f4dd notes\t\n"

    assert storable_text("title", text) is text


@pytest.mark.parametrize(
    ("text", "named"),
    [("a\x00b", "U+0000 (NUL)"), ("\ud800", "U+D800 (an unpaired surrogate)")],
)
def test_text_postgresql_cannot_store_is_refused_naming_the_field(text: str, named: str) -> None:
    with pytest.raises(InvalidValueError, match=re.escape(named)) as refused:
        storable_text("description", text)

    assert refused.value.field == "description"


def test_a_datetime_comes_back_in_utc_and_one_without_a_zone_is_taken_as_utc() -> None:
    assert storable_datetime("at", datetime(2026, 1, 1, 23, tzinfo=WEST)) == datetime(
        2026, 1, 2, 22, 59, tzinfo=UTC
    )
    naive = storable_datetime("at", datetime(2026, 1, 1))
    assert (naive, naive.tzinfo) == (datetime(2026, 1, 1, tzinfo=UTC), UTC)


@pytest.mark.parametrize(
    "moment",
    [datetime(9999, 12, 31, 23, 59, 59, tzinfo=WEST), datetime(1, 1, 1, tzinfo=EAST)],
)
def test_a_datetime_outside_years_1_to_9999_in_utc_is_refused(moment: datetime) -> None:
    with pytest.raises(InvalidValueError, match="years 1 to 9999") as refused:
        storable_datetime("created_at", moment)

    assert refused.value.field == "created_at"


def test_an_integer_must_fit_a_bigint() -> None:
    assert storable_integer("n", BIGINT_MAX) == BIGINT_MAX
    assert storable_integer("n", BIGINT_MIN) == BIGINT_MIN
    for number in (BIGINT_MAX + 1, BIGINT_MIN - 1):
        with pytest.raises(InvalidValueError):
            storable_integer("n", number)


def test_storable_checks_each_item_by_its_type() -> None:
    assert storable("f", ("a", 1, True, datetime(2026, 1, 1))) == (
        "a",
        1,
        True,
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    with pytest.raises(InvalidValueError):
        storable("f", ["fine", "not\x00fine"])
