"""The HTTP contract. Kept apart from the application's DTOs so either can change alone."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ....shared_kernel.api.text_patterns import NOT_BLANK_TEXT, STORABLE_TEXT
{% if cookiecutter.child_name %}from ..domain.entities import (
{{ (["DESCRIPTION_MAX_LENGTH", "TITLE_MAX_LENGTH", cookiecutter.__aggregate_class ~ "Status"] + (["MAX_" ~ cookiecutter.child_plural | upper, "MAX_QUANTITY", "NAME_MAX_LENGTH"] if cookiecutter.child_name else [])) | import_list }}
)
{% else %}from ..domain.entities import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, {{ cookiecutter.__aggregate_class }}Status
{% endif %}
REQUEST_SCHEMA = ConfigDict(extra="forbid")
# The domain's rules, so that clients see them: a title is not blank once stripped, and no
# text holds NUL. The patterns are documented, not checked here: the domain checks them and
# says what is wrong in words, where a pattern mismatch would quote the pattern.
Title = Annotated[
    str,
    Field(
        min_length=1,
        max_length=TITLE_MAX_LENGTH,
        examples=["Write docs"],
        json_schema_extra={"pattern": NOT_BLANK_TEXT},
    ),
]
Description = Annotated[
    str,
    Field(max_length=DESCRIPTION_MAX_LENGTH, json_schema_extra={"pattern": STORABLE_TEXT}),
]
{% if cookiecutter.child_name %}Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        examples=["Blue pens"],
        json_schema_extra={"pattern": NOT_BLANK_TEXT},
    ),
]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class {{ cookiecutter.__child_class }}Create(BaseModel):
    model_config = REQUEST_SCHEMA

    name: Name
    quantity: Quantity = 1


class {{ cookiecutter.__child_class }}Update(BaseModel):
    """Only the fields present change."""

    model_config = REQUEST_SCHEMA

    name: Name | None = None
    quantity: Quantity | None = None


class {{ cookiecutter.__child_class }}Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    quantity: int
{% endif %}

class {{ cookiecutter.__aggregate_class }}Create(BaseModel):
    model_config = REQUEST_SCHEMA

    title: Title
    description: Description = ""
{% if cookiecutter.child_name %}    {{ cookiecutter.child_plural }}: list[{{ cookiecutter.__child_class }}Create] = Field(
        default_factory=list,
        max_length=MAX_{{ cookiecutter.child_plural | upper }},
    )
{% endif %}

class {{ cookiecutter.__aggregate_class }}Update(BaseModel):
    """Only the fields present change."""

    model_config = REQUEST_SCHEMA

    title: Title | None = None
    description: Description | None = None


class {{ cookiecutter.__aggregate_class }}Move(BaseModel):
    model_config = REQUEST_SCHEMA

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
{% if cookiecutter.child_name %}    {{ cookiecutter.child_plural }}: list[{{ cookiecutter.__child_class }}Response]
{% endif %}

class {{ cookiecutter.__aggregate_class }}Page(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[{{ cookiecutter.__aggregate_class }}Response]
    limit: int
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page.",
    )
    total: int | None = Field(description="Every match; null for a page after a cursor.")
    offset: int | None = Field(description="Null for a page after a cursor.")
