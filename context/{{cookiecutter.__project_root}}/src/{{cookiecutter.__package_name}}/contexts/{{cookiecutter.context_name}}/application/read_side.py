"""What the read side answers: lists straight from the database as DTOs, on a read-only
session (a replica's when one is configured)."""

from typing import Protocol
from uuid import UUID

from ....shared_kernel.domain.pagination import Page, PageRequest, Sort
from ....shared_kernel.domain.specification import Specification
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field
from .dtos import {{ cookiecutter.__aggregate_class }}DTO

Spec = Specification[{{ cookiecutter.__aggregate_class }}Field]
Order = Sort[{{ cookiecutter.__aggregate_class }}Field]


class {{ cookiecutter.__aggregate_class }}Queries(Protocol):
    def get(self, key: UUID) -> {{ cookiecutter.__aggregate_class }}DTO:
        """Raises `NotFoundError` when there is none."""
        ...

    def page(
        self, request: PageRequest, spec: Spec | None = None, sort: Order | None = None
    ) -> Page[{{ cookiecutter.__aggregate_class }}DTO]: ...

    def page_after(
        self, after: str | None, limit: int, spec: Spec | None = None, sort: Order | None = None
    ) -> Page[{{ cookiecutter.__aggregate_class }}DTO]: ...
