"""The HTTP contract. Kept apart from the application's DTOs so either can change alone."""

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ..application.dtos import {{ cookiecutter.__aggregate_class }}DTO
from ..domain.entities import TITLE_MAX_LENGTH, {{ cookiecutter.__aggregate_class }}Status

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX_LENGTH, examples=["Write docs"])]
Description = Annotated[str, Field(max_length=10_000)]


class {{ cookiecutter.__aggregate_class }}Create(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description = ""


class {{ cookiecutter.__aggregate_class }}Update(BaseModel):
    """Only the fields present change."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None


class {{ cookiecutter.__aggregate_class }}Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: {{ cookiecutter.__aggregate_class }}Status


class {{ cookiecutter.__aggregate_class }}Response(BaseModel):
    id: UUID
    title: str
    description: str
    status: {{ cookiecutter.__aggregate_class }}Status
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_dto(cls, dto: {{ cookiecutter.__aggregate_class }}DTO) -> Self:
        return cls(
            id=dto.id,
            title=dto.title,
            description=dto.description,
            status=dto.status,
            version=dto.version,
            created_at=dto.created_at,
            updated_at=dto.updated_at,
        )


class {{ cookiecutter.__aggregate_class }}Page(BaseModel):
    items: list[{{ cookiecutter.__aggregate_class }}Response]
    total: int
    limit: int
    offset: int
