"""The HTTP contract. Kept apart from the application's DTOs so either can change alone."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

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
    # Read straight from the application's DTO (a dataclass).
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    description: str
    status: {{ cookiecutter.__aggregate_class }}Status
    version: int
    created_at: datetime
    updated_at: datetime


class {{ cookiecutter.__aggregate_class }}Page(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[{{ cookiecutter.__aggregate_class }}Response]
    limit: int
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page.",
    )
    total: int | None = Field(description="Every match; null for a page after a cursor.")
    offset: int | None = Field(description="Null for a page after a cursor.")
