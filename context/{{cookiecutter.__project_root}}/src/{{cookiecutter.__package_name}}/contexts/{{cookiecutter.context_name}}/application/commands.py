"""What the use cases are asked to do: one immutable object per command or query."""

from dataclasses import dataclass, field
from uuid import UUID

from ....shared_kernel.domain.pagination import PageRequest, Sort
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Status
from ..domain.repository import {{ cookiecutter.__aggregate_class }}SortField

NEWEST_FIRST = Sort({{ cookiecutter.__aggregate_class }}SortField.CREATED_AT, descending=True)


@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}:
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Update{{ cookiecutter.__aggregate_class }}:
    """Fields left as None keep their value."""

    id: UUID
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Move{{ cookiecutter.__aggregate_class }}:
    id: UUID
    status: {{ cookiecutter.__aggregate_class }}Status


@dataclass(frozen=True, slots=True)
class List{{ cookiecutter.__aggregates_class }}:
    status: {{ cookiecutter.__aggregate_class }}Status | None = None
    sort: Sort[{{ cookiecutter.__aggregate_class }}SortField] = NEWEST_FIRST
    page: PageRequest = field(default_factory=PageRequest)
