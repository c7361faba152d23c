from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

{% if cookiecutter.child_name %}from ..domain.entities import (
{{ ([cookiecutter.__aggregate_class, cookiecutter.__aggregate_class ~ "Status"] + ([cookiecutter.__child_class] if cookiecutter.child_name else [])) | import_list }}
)
{% else %}from ..domain.entities import {{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Status
{% endif %}

{% if cookiecutter.child_name %}@dataclass(frozen=True, slots=True)
class {{ cookiecutter.__child_class }}DTO:
    id: UUID
    name: str
    quantity: int

    @classmethod
    def from_entity(cls, entity: {{ cookiecutter.__child_class }}) -> Self:
        return cls(id=entity.id, name=entity.name, quantity=entity.quantity)


{% endif %}@dataclass(frozen=True, slots=True)
class {{ cookiecutter.__aggregate_class }}DTO:
    id: UUID
    title: str
    description: str
    status: {{ cookiecutter.__aggregate_class }}Status
    version: int
    created_at: datetime
    updated_at: datetime
{% if cookiecutter.child_name %}    {{ cookiecutter.child_plural }}: tuple[{{ cookiecutter.__child_class }}DTO, ...]
{% endif %}
    @classmethod
    def from_entity(cls, entity: {{ cookiecutter.__aggregate_class }}) -> Self:
        return cls(
            id=entity.id,
            title=entity.title,
            description=entity.description,
            status=entity.status,
            version=entity.version,
            created_at=entity.created_at,
            updated_at=entity.updated_at,
{% if cookiecutter.child_name %}            {{ cookiecutter.child_plural }}=tuple(
                map({{ cookiecutter.__child_class }}DTO.from_entity, entity.{{ cookiecutter.child_plural }}),
            ),
{% endif %}        )
