"""In-memory stand-ins for the context's ports, honouring the same contract as the SQL ones."""

from typing import Any
from uuid import UUID

from {{ cookiecutter.__package_name }}.shared_kernel.domain.events import (
    DomainEvent,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.pagination import (
    Page,
    PageRequest,
    Sort,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.specification import (
    Specification,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.dtos import (
    {{ cookiecutter.__aggregate_class }}DTO,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.unit_of_work import (
    {{ cookiecutter.__context_class }}UnitOfWork,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
)
from tests.fakes import InMemoryRepository


class InMemory{{ cookiecutter.__aggregate_class }}Repository(InMemoryRepository[{{ cookiecutter.__aggregate_class }}]):
    entity_name = "{{ cookiecutter.__aggregate_class }}"


class FakeUnitOfWork({{ cookiecutter.__context_class }}UnitOfWork):
    """Commits keep the events of what was written, in `published`, as the outbox would."""

    def __init__(self) -> None:
        self.{{ cookiecutter.aggregate_plural }} = self.repository = InMemory{{ cookiecutter.__aggregate_class }}Repository()
        self.commits = 0
        self.rollbacks = 0
        self.published: list[DomainEvent] = []

    def commit(self) -> None:
        self.commits += 1
        self.published.extend(self.repository.pull_events())

    def rollback(self) -> None:
        self.rollbacks += 1
        self.repository.pull_events()


class InMemory{{ cookiecutter.__aggregate_class }}Queries:
    """The read side over the fake repository's rows."""

    def __init__(self, repository: InMemory{{ cookiecutter.__aggregate_class }}Repository) -> None:
        self.repository = repository

    def get(self, key: UUID) -> {{ cookiecutter.__aggregate_class }}DTO:
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(self.repository.get(key))

    def page(
        self,
        request: PageRequest,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[{{ cookiecutter.__aggregate_class }}DTO]:
        return self._dtos(self.repository.page(request, spec, sort))

    def page_after(
        self,
        after: str | None,
        limit: int,
        spec: Specification[Any] | None = None,
        sort: Sort[Any] | None = None,
    ) -> Page[{{ cookiecutter.__aggregate_class }}DTO]:
        return self._dtos(self.repository.page_after(after, limit, spec, sort))

    def _dtos(self, page: Page[{{ cookiecutter.__aggregate_class }}]) -> Page[{{ cookiecutter.__aggregate_class }}DTO]:
        items = [{{ cookiecutter.__aggregate_class }}DTO.from_entity(entity) for entity in page.items]
        return Page(items, page.limit, page.next_cursor, page.total, page.offset)
