"""One class per use case. Each is built on a unit of work and called with its command."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from ....shared_kernel.application.unit_of_work import transactional
from ....shared_kernel.domain.errors import InvalidValueError
from ..domain.entities import {{ cookiecutter.__aggregate_class }}
from .commands import (
    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    Import{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from .dtos import {{ cookiecutter.__aggregate_class }}DTO
from .unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Create{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = {{ cookiecutter.__aggregate_class }}.create(title=command.title, description=command.description)
        self.uow.{{ cookiecutter.aggregate_plural }}.add(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Import{{ cookiecutter.__aggregates_class }}Handler:
    """Adds each batch (one `add_many`) as it comes, all in one transaction: a bad row
    anywhere (`row N: ...`, counting from 1) rolls back every batch before it. Not to be
    retried: its rows are read once."""

    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Import{{ cookiecutter.__aggregates_class }}) -> int:
        imported = 0
        for batch in _batches(enumerate(command.rows, start=1), command.batch_size):
            entities = [_new_{{ cookiecutter.aggregate_name }}(number, row) for number, row in batch]
            self.uow.{{ cookiecutter.aggregate_plural }}.add_many(entities)
            imported += len(entities)
        return imported


def _new_{{ cookiecutter.aggregate_name }}(number: int, row: Create{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}:
    try:
        return {{ cookiecutter.__aggregate_class }}.create(title=row.title, description=row.description)
    except InvalidValueError as error:
        raise InvalidValueError(error.field, f"row {number}: {error}") from error


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(frozen=True, slots=True)
class Update{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Update{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.check_version(command.expected_versions)
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
        entity.check_version(command.expected_versions)
        entity.move_to(command.status)
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Delete{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Delete{{ cookiecutter.__aggregate_class }}) -> None:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.check_version(command.expected_versions)
        entity.delete()
        self.uow.{{ cookiecutter.aggregate_plural }}.delete(entity)
