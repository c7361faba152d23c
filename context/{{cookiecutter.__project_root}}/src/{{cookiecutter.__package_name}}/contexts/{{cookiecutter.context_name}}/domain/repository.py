from enum import StrEnum
from typing import Protocol
from uuid import UUID

from ....shared_kernel.domain.pagination import Page, PageRequest, Sort
from .entities import {{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Status


class {{ cookiecutter.__aggregate_class }}SortField(StrEnum):
    TITLE = "title"
    STATUS = "status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class I{{ cookiecutter.__aggregate_class }}Repository(Protocol):
    def get(self, entity_id: UUID) -> {{ cookiecutter.__aggregate_class }}:
        """Raises `NotFoundError` when there is none."""
        ...

    def add(self, entity: {{ cookiecutter.__aggregate_class }}) -> None: ...

    def update(self, entity: {{ cookiecutter.__aggregate_class }}) -> None:
        """Raises `ConcurrencyConflictError` when it changed since it was read."""
        ...

    def delete(self, entity: {{ cookiecutter.__aggregate_class }}) -> None: ...

    def search(
        self,
        status: {{ cookiecutter.__aggregate_class }}Status | None,
        sort: Sort[{{ cookiecutter.__aggregate_class }}SortField],
        page: PageRequest,
    ) -> Page[{{ cookiecutter.__aggregate_class }}]: ...
