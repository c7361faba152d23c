"""Filters, sorts and ETags from HTTP, parsed into the application's typed objects.

Only fields of the resource's field enum are accepted; anything else is a 422 naming the
parameter. A filter's value must be one the column can hold (see `domain.storable`): no NUL in
text, a datetime within years 1 to 9999 in UTC (one without a time zone is taken as UTC).
"""

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ..domain.errors import InvalidValueError
from ..domain.pagination import Sort
from ..domain.specification import Filter, Operator, Specification

F = TypeVar("F", bound=StrEnum)

FILTER_SYNTAX = "field:operator:value, such as status:eq:open or title:contains:docs"
# Each value is a parameter of the query, and PostgreSQL takes at most 32,767 of them.
MAX_FILTERS = 20
MAX_IN_VALUES = 100
# RFC 9110: If-Match = "*" / #entity-tag; entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. A list
# may hold empty elements, which count for nothing. The API documents the header with it.
ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
# Blanks after a comma belong to the tag that follows, if any: no two parts of the pattern can
# take the same blank, so matching stays linear in the header's length.
IF_MATCH_PATTERN = rf"^[ \t]*(?:\*|(?:{ENTITY_TAG})?(?:[ \t]*,(?:[ \t]*{ENTITY_TAG})?)*)[ \t]*$"
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_TAG = re.compile(r'(?P<weak>W/)?"(?P<opaque>[^"]*)"')
# What `etag` makes of a version (a bigint): no sign, no leading zero, at most 19 digits.
_VERSION = re.compile(r"0|[1-9][0-9]{0,18}")


def parse_filters(
    raw: Sequence[str], fields: Mapping[F, Any], parameter: str = "filter"
) -> Specification[F]:
    """`field:operator:value` strings (`in` takes up to `MAX_IN_VALUES` comma-separated
    values) into a specification; `fields` maps each filterable field to the type of its
    values."""
    if len(raw) > MAX_FILTERS:
        raise InvalidValueError(parameter, f"give at most {MAX_FILTERS} filters")
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
            if value.count(",") >= MAX_IN_VALUES:
                message = f"{name}: 'in' takes at most {MAX_IN_VALUES} values"
                raise InvalidValueError(parameter, message)
            return Filter(
                field, operator, tuple(adapter.validate_strings(v) for v in value.split(","))
            )
        return Filter(field, operator, adapter.validate_strings(value))
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise InvalidValueError(parameter, f"{name}: {value!r} is not valid: {message}") from error
    except InvalidValueError as error:  # a value no column can hold
        raise InvalidValueError(parameter, f"{name}: {error}") from error


def parse_sort(raw: str, fields: type[F], parameter: str = "sort") -> Sort[F]:
    """`field` or `-field` (descending)."""
    name = raw.removeprefix("-")
    if name not in {field.value for field in fields}:
        accepted = ", ".join(fields)
        raise InvalidValueError(parameter, f"cannot sort by {name!r}; fields: {accepted}")
    return Sort(fields(name), descending=raw.startswith("-"))


def etag(version: int) -> str:
    """A strong entity tag: the version changes whenever the representation does."""
    return f'"{version}"'


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an `If-Match` header (RFC 9110 section 13.1.1) accepts; None when it is
    absent or `*`, which any current representation matches. A missing entity is a 404
    whatever the header says (RFC 9110 would answer 412 to a condition on nothing; a 404
    tells the client more, and is what it gets without the header).

    A list accepts any of its tags. Comparison is strong: a weak tag (`W/"1"`) accepts no
    version, nor does a tag that `etag` never makes ("01", "x", a hundred digits); a list that
    accepts none is a 412 once the entity is found. A header that is not `*` or a list of
    entity tags at all is an invalid value, a 422 naming `If-Match`.
    """
    if if_match is None:
        return None
    if not _IF_MATCH.fullmatch(if_match):
        raise InvalidValueError("If-Match", 'If-Match must be * or entity tags such as "3"')
    if if_match.strip(" \t") == "*":
        return None
    return frozenset(
        int(tag["opaque"])
        for tag in _TAG.finditer(if_match)
        if not tag["weak"] and _VERSION.fullmatch(tag["opaque"])
    )
