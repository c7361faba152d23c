"""What happens to {{ cookiecutter.aggregate_plural }}, as other contexts and services hear of it.

Published as `<prefix>.{{ cookiecutter.context_name }}.<type in snake_case>`, for example
`{{ cookiecutter.__package_name }}.{{ cookiecutter.context_name }}.{{ cookiecutter.aggregate_name }}_created`. Renaming or removing a field is a breaking change:
add a field, or raise `schema_version` and keep the old shape's meaning documented.
"""

from dataclasses import dataclass
{% if cookiecutter.child_name %}from uuid import UUID
{% endif %}
from ....shared_kernel.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__aggregate_class }}Created(DomainEvent):
    title: str
    description: str
    status: str


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__aggregate_class }}Renamed(DomainEvent):
    title: str


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__aggregate_class }}Described(DomainEvent):
    description: str


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__aggregate_class }}Moved(DomainEvent):
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__aggregate_class }}Deleted(DomainEvent):
    """The {{ cookiecutter.aggregate_name }} is gone; its id is never used again."""
{% if cookiecutter.child_name %}

@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__child_class }}Added(DomainEvent):
    {{ cookiecutter.child_name }}_id: UUID
    name: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__child_class }}Changed(DomainEvent):
    {{ cookiecutter.child_name }}_id: UUID
    name: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class {{ cookiecutter.__child_class }}Removed(DomainEvent):
    {{ cookiecutter.child_name }}_id: UUID
{% endif %}