from enum import StrEnum
from typing import Protocol

from ....shared_kernel.domain.repository import Repository
from .entities import {{ cookiecutter.__aggregate_class }}


class {{ cookiecutter.__aggregate_class }}Field(StrEnum):
    """The fields clients may filter and sort {{ cookiecutter.aggregate_plural }} by."""

    TITLE = "title"
    STATUS = "status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class I{{ cookiecutter.__aggregate_class }}Repository(
    Repository[{{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Field],
    Protocol,
):
    """Every method of `Repository`; queries only {{ cookiecutter.aggregate_plural }} need are added here."""
