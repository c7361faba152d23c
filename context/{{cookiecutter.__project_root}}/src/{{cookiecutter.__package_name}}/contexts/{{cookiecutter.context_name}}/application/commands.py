"""What the use cases and queries are asked to do: one immutable object each.

`expected_version` is the version the client last saw (HTTP `If-Match`); None accepts any.
"""

from dataclasses import dataclass, field
from uuid import UUID

from ....shared_kernel.domain.pagination import PageRequest, Sort
from ....shared_kernel.domain.specification import Specification
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status

NEWEST_FIRST = Sort({{ cookiecutter.__aggregate_class }}Field.CREATED_AT, descending=True)


@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}:
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Import{{ cookiecutter.__aggregates_class }}:
    """Many at once: all are stored, or none."""

    rows: tuple[Create{{ cookiecutter.__aggregate_class }}, ...]


@dataclass(frozen=True, slots=True)
class Update{{ cookiecutter.__aggregate_class }}:
    """Fields left as None keep their value."""

    id: UUID
    title: str | None = None
    description: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Move{{ cookiecutter.__aggregate_class }}:
    id: UUID
    status: {{ cookiecutter.__aggregate_class }}Status
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Delete{{ cookiecutter.__aggregate_class }}:
    id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class List{{ cookiecutter.__aggregates_class }}:
    """A page by offset, with the total; or, given `after`, the page after that cursor."""

    spec: Specification[{{ cookiecutter.__aggregate_class }}Field] = field(default_factory=Specification)
    sort: Sort[{{ cookiecutter.__aggregate_class }}Field] = NEWEST_FIRST
    page: PageRequest = field(default_factory=PageRequest)
    after: str | None = None
