import pytest

from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    MAX_LIMIT,
    MAX_OFFSET,
    PageRequest,
)


def test_a_page_request_takes_its_bounds() -> None:
    assert PageRequest(limit=MAX_LIMIT, offset=MAX_OFFSET).offset == MAX_OFFSET
    assert PageRequest(limit=1, offset=0).limit == 1


@pytest.mark.parametrize(
    ("limit", "offset", "field"),
    [
        (0, 0, "limit"),
        (MAX_LIMIT + 1, 0, "limit"),
        (50, -1, "offset"),
        (50, MAX_OFFSET + 1, "offset"),
        (50, 2**63, "offset"),
    ],
)
def test_a_page_request_out_of_bounds_is_refused_naming_the_parameter(
    limit: int, offset: int, field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        PageRequest(limit=limit, offset=offset)

    assert refused.value.field == field
