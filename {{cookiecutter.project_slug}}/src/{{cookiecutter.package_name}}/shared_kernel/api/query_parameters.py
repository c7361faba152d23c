"""Filters, sorts and ETags from HTTP, parsed into the application's typed objects.

Only fields of the resource's field enum are accepted; anything else is a 422 naming it.
"""

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException

from ..domain.errors import InvalidValueError
from ..domain.pagination import Sort
from ..domain.specification import Filter, Operator, Specification

F = TypeVar("F", bound=StrEnum)

FILTER_SYNTAX = "field:operator:value, such as status:eq:open or title:contains:docs"
ETAG = re.compile(r'^"(?P<version>\d+)"$')


def parse_filters(
    raw: Sequence[str], fields: Mapping[F, Any], parameter: str = "query.filter"
) -> Specification[F]:
    """`field:operator:value` strings (`in` takes comma-separated values) into a
    specification; `fields` maps each filterable field to the type of its values."""
    return Specification(tuple(_parse_filter(text, fields, parameter) for text in raw))


def _parse_filter(text: str, fields: Mapping[F, Any], parameter: str) -> Filter[F]:
    name, _, rest = text.partition(":")
    operator_name, colon, value = rest.partition(":")
    if not colon:
        raise InvalidValueError(parameter, f"{text!r} is not {FILTER_SYNTAX}")
    field = next((field for field in fields if field.value == name), None)
    if field is None:
        accepted = ", ".join(field.value for field in fields)
        raise InvalidValueError(parameter, f"cannot filter by {name!r}; fields: {accepted}")
    if operator_name not in {operator.value for operator in Operator}:
        accepted = ", ".join(Operator)
        raise InvalidValueError(parameter, f"unknown operator {operator_name!r}; use {accepted}")
    operator = Operator(operator_name)
    if operator is Operator.CONTAINS and fields[field] is not str:
        raise InvalidValueError(parameter, f"{name} is not text: 'contains' does not apply")
    adapter = TypeAdapter(fields[field])
    try:
        if operator is Operator.IN:
            return Filter(
                field, operator, tuple(adapter.validate_strings(v) for v in value.split(","))
            )
        return Filter(field, operator, adapter.validate_strings(value))
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise InvalidValueError(parameter, f"{name}: {value!r} is not valid: {message}") from error


def parse_sort(raw: str, fields: type[F], parameter: str = "query.sort") -> Sort[F]:
    """`field` or `-field` (descending)."""
    name = raw.removeprefix("-")
    if name not in {field.value for field in fields}:
        accepted = ", ".join(fields)
        raise InvalidValueError(parameter, f"cannot sort by {name!r}; fields: {accepted}")
    return Sort(fields(name), descending=raw.startswith("-"))


def etag(version: int) -> str:
    """A strong entity tag: the version changes whenever the representation does."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header asks for; None when absent or `*`."""
    if if_match is None or if_match.strip() == "*":
        return None
    if match := ETAG.match(if_match.strip()):
        return int(match["version"])
    raise HTTPException(412, f"If-Match {if_match!r} matches no version of this resource")
