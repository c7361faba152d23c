"""Typed filters: what the application asks for, never SQL.

The infrastructure maps each field to a column through an explicit whitelist; the in-memory
fakes evaluate the same specification with `matches`, so both agree on its meaning.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Self, TypeVar

from .storable import storable

F = TypeVar("F", bound=StrEnum)


class Operator(StrEnum):
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    IN = "in"
    CONTAINS = "contains"  # case-insensitive substring of a text field


def _contains(value: Any, part: Any) -> bool:
    return str(part).casefold() in str(value).casefold()


def _in(value: Any, choices: Any) -> bool:
    return value in choices


_COMPARISONS: dict[Operator, Callable[[Any, Any], bool]] = {
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
    Operator.IN: _in,
    Operator.CONTAINS: _contains,
}


@dataclass(frozen=True, slots=True)
class Filter(Generic[F]):
    field: F
    operator: Operator
    value: object  # a collection for IN

    def __post_init__(self) -> None:
        # Only a value a column can hold can be compared with one (datetimes become UTC).
        object.__setattr__(self, "value", storable(self.field.value, self.value))

    def matches(self, candidate: object) -> bool:
        return _COMPARISONS[self.operator](getattr(candidate, self.field.value), self.value)


@dataclass(frozen=True, slots=True)
class Specification(Generic[F]):
    """Every filter must hold (AND); no filter matches everything."""

    filters: tuple[Filter[F], ...] = ()

    @classmethod
    def where(cls, *filters: Filter[F]) -> Self:
        return cls(filters)

    def matches(self, candidate: object) -> bool:
        return all(condition.matches(candidate) for condition in self.filters)
