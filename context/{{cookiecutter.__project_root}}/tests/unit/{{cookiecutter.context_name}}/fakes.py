"""In-memory stand-ins for the context's ports, honouring the same contract as the SQL ones."""

from copy import deepcopy
from uuid import UUID

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    NotFoundError,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.pagination import (
    Page,
    PageRequest,
    Sort,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.unit_of_work import (
    {{ cookiecutter.__context_class }}UnitOfWork,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.repository import (
    {{ cookiecutter.__aggregate_class }}SortField,
)


class InMemory{{ cookiecutter.__aggregate_class }}Repository:
    def __init__(self) -> None:
        self.rows: dict[UUID, {{ cookiecutter.__aggregate_class }}] = {}

    def get(self, entity_id: UUID) -> {{ cookiecutter.__aggregate_class }}:
        if entity_id not in self.rows:
            raise NotFoundError("{{ cookiecutter.__aggregate_class }}", entity_id)
        return deepcopy(self.rows[entity_id])

    def add(self, entity: {{ cookiecutter.__aggregate_class }}) -> None:
        entity.version = 1
        self.rows[entity.id] = deepcopy(entity)

    def update(self, entity: {{ cookiecutter.__aggregate_class }}) -> None:
        self._check_current(entity)
        entity.version += 1
        self.rows[entity.id] = deepcopy(entity)

    def delete(self, entity: {{ cookiecutter.__aggregate_class }}) -> None:
        self._check_current(entity)
        del self.rows[entity.id]

    def search(
        self,
        status: {{ cookiecutter.__aggregate_class }}Status | None,
        sort: Sort[{{ cookiecutter.__aggregate_class }}SortField],
        page: PageRequest,
    ) -> Page[{{ cookiecutter.__aggregate_class }}]:
        matching = [row for row in self.rows.values() if status in (None, row.status)]
        matching.sort(
            key=lambda row: (getattr(row, sort.field.value), row.id), reverse=sort.descending
        )
        items = [deepcopy(row) for row in matching[page.offset : page.offset + page.limit]]
        return Page(items, len(matching), page.limit, page.offset)

    def _check_current(self, entity: {{ cookiecutter.__aggregate_class }}) -> None:
        stored = self.get(entity.id)
        if stored.version != entity.version:
            raise ConcurrencyConflictError("{{ cookiecutter.__aggregate_class }}", entity.id)


class FakeUnitOfWork({{ cookiecutter.__context_class }}UnitOfWork):
    def __init__(self) -> None:
        self.{{ cookiecutter.aggregate_plural }} = self.repository = InMemory{{ cookiecutter.__aggregate_class }}Repository()
        self.commits = 0
        self.rollbacks = 0

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1
