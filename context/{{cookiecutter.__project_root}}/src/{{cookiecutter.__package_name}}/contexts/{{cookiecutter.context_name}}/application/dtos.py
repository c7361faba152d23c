from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

from ..domain.entities import {{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Status


@dataclass(frozen=True, slots=True)
class {{ cookiecutter.__aggregate_class }}DTO:
    id: UUID
    title: str
    description: str
    status: {{ cookiecutter.__aggregate_class }}Status
    version: int
    created_at: datetime
    updated_at: datetime

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
        )
