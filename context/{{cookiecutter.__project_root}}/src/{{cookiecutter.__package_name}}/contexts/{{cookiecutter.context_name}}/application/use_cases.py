"""One class per use case. Each is built on a unit of work and called with its command."""

from dataclasses import dataclass
from uuid import UUID

from ....shared_kernel.application.unit_of_work import transactional
from ....shared_kernel.domain.pagination import Page
from ..domain.entities import {{ cookiecutter.__aggregate_class }}
from .commands import (
    Create{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from .dtos import {{ cookiecutter.__aggregate_class }}DTO
from .unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork


@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Create{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = {{ cookiecutter.__aggregate_class }}(title=command.title, description=command.description)
        self.uow.{{ cookiecutter.aggregate_plural }}.add(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Get{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    def __call__(self, entity_id: UUID) -> {{ cookiecutter.__aggregate_class }}DTO:
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(self.uow.{{ cookiecutter.aggregate_plural }}.get(entity_id))


@dataclass(frozen=True, slots=True)
class List{{ cookiecutter.__aggregates_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    def __call__(self, query: List{{ cookiecutter.__aggregates_class }}) -> Page[{{ cookiecutter.__aggregate_class }}DTO]:
        page = self.uow.{{ cookiecutter.aggregate_plural }}.search(query.status, query.sort, query.page)
        items = [{{ cookiecutter.__aggregate_class }}DTO.from_entity(entity) for entity in page.items]
        return Page(items, page.total, page.limit, page.offset)


@dataclass(frozen=True, slots=True)
class Update{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Update{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        if command.title is not None:
            entity.rename(command.title)
        if command.description is not None:
            entity.describe(command.description)
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Move{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Move{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.move_to(command.status)
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Delete{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, entity_id: UUID) -> None:
        self.uow.{{ cookiecutter.aggregate_plural }}.delete(self.uow.{{ cookiecutter.aggregate_plural }}.get(entity_id))
