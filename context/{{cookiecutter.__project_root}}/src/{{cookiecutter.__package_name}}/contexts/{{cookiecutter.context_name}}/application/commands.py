"""What the use cases and queries are asked to do: one immutable object each.

`expected_versions` are the versions the client accepts (HTTP `If-Match`, the versions it
last saw); None accepts any.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from ....shared_kernel.domain.pagination import PageRequest, Sort
from ....shared_kernel.domain.specification import Specification
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status

NEWEST_FIRST = Sort({{ cookiecutter.__aggregate_class }}Field.CREATED_AT, descending=True)


{% if cookiecutter.child_name %}@dataclass(frozen=True, slots=True)
class New{{ cookiecutter.__child_class }}:
    name: str
    quantity: int = 1


{% endif %}@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}:
    title: str
    description: str = ""
{% if cookiecutter.child_name %}    {{ cookiecutter.child_plural }}: tuple[New{{ cookiecutter.__child_class }}, ...] = ()
{% endif %}

@dataclass(frozen=True, slots=True)
class Import{{ cookiecutter.__aggregates_class }}:
    """Many at once: all are stored, or none.

    `rows` is read once, `batch_size` at a time, while the transaction is open: a caller can
    stream rows of any number through it in flat memory.
    """

    rows: Iterable[Create{{ cookiecutter.__aggregate_class }}]
    batch_size: int = 1000


@dataclass(frozen=True, slots=True)
class Update{{ cookiecutter.__aggregate_class }}:
    """Fields left as None keep their value."""

    id: UUID
    title: str | None = None
    description: str | None = None
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Move{{ cookiecutter.__aggregate_class }}:
    id: UUID
    status: {{ cookiecutter.__aggregate_class }}Status
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Delete{{ cookiecutter.__aggregate_class }}:
    id: UUID
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class List{{ cookiecutter.__aggregates_class }}:
    """A page by offset, with the total; or, given `after`, the page after that cursor."""

    spec: Specification[{{ cookiecutter.__aggregate_class }}Field] = field(default_factory=Specification)
    sort: Sort[{{ cookiecutter.__aggregate_class }}Field] = NEWEST_FIRST
    page: PageRequest = field(default_factory=PageRequest)
    after: str | None = None
{% if cookiecutter.child_name %}

@dataclass(frozen=True, slots=True)
class Add{{ cookiecutter.__child_class }}:
    id: UUID
    {{ cookiecutter.child_name }}: New{{ cookiecutter.__child_class }}
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Change{{ cookiecutter.__child_class }}:
    """Fields left as None keep their value."""

    id: UUID
    {{ cookiecutter.child_name }}_id: UUID
    name: str | None = None
    quantity: int | None = None
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Remove{{ cookiecutter.__child_class }}:
    id: UUID
    {{ cookiecutter.child_name }}_id: UUID
    expected_versions: frozenset[int] | None = None
{% endif %}