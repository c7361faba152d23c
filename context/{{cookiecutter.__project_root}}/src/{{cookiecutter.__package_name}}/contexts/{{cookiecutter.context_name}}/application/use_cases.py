"""One class per use case. Each is built on a unit of work and called with its command."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from ....shared_kernel.application.unit_of_work import transactional
from ....shared_kernel.domain.errors import InvalidValueError
{% if cookiecutter.child_name %}from ..domain.entities import (
{{ ([cookiecutter.__aggregate_class] + ([cookiecutter.__child_class] if cookiecutter.child_name else [])) | import_list }}
)
from .commands import (
    Add{{ cookiecutter.__child_class }},
    Change{{ cookiecutter.__child_class }},
    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    Import{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    New{{ cookiecutter.__child_class }},
    Remove{{ cookiecutter.__child_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
{% else %}from ..domain.entities import {{ cookiecutter.__aggregate_class }}
from .commands import (
    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    Import{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
{% endif %}from .dtos import {{ cookiecutter.__aggregate_class }}DTO
from .unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Create{{ cookiecutter.__aggregate_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Create{{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
{% if cookiecutter.child_name %}        entity = {{ cookiecutter.__aggregate_class }}.create(
            title=command.title,
            description=command.description,
            {{ cookiecutter.child_plural }}=_new_{{ cookiecutter.child_plural }}(command.{{ cookiecutter.child_plural }}),
        )
{% else %}        entity = {{ cookiecutter.__aggregate_class }}.create(title=command.title, description=command.description)
{% endif %}        self.uow.{{ cookiecutter.aggregate_plural }}.add(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)
{% if cookiecutter.child_name %}

def _new_{{ cookiecutter.child_plural }}(
    given: Iterable[New{{ cookiecutter.__child_class }}],
) -> list[{{ cookiecutter.__child_class }}]:
    """An error names the field by its path in the request, such as `{{ cookiecutter.child_plural }}[2].quantity`."""
    {{ cookiecutter.child_plural }} = []
    for index, new in enumerate(given):
        try:
            {{ cookiecutter.child_plural }}.append(_{{ cookiecutter.child_name }}_from(new))
        except InvalidValueError as error:
            field = f"{{ cookiecutter.child_plural }}[{index}].{error.field}"
            raise InvalidValueError(field, str(error)) from error
    return {{ cookiecutter.child_plural }}


def _{{ cookiecutter.child_name }}_from(new: New{{ cookiecutter.__child_class }}) -> {{ cookiecutter.__child_class }}:
    return {{ cookiecutter.__child_class }}(name=new.name, quantity=new.quantity)
{% endif %}

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
{% if cookiecutter.child_name %}

@dataclass(frozen=True, slots=True)
class Add{{ cookiecutter.__child_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Add{{ cookiecutter.__child_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.check_version(command.expected_versions)
        entity.add_{{ cookiecutter.child_name }}(_{{ cookiecutter.child_name }}_from(command.{{ cookiecutter.child_name }}))
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Change{{ cookiecutter.__child_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Change{{ cookiecutter.__child_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.check_version(command.expected_versions)
        entity.change_{{ cookiecutter.child_name }}(
            command.{{ cookiecutter.child_name }}_id,
            name=command.name,
            quantity=command.quantity,
        )
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)


@dataclass(frozen=True, slots=True)
class Remove{{ cookiecutter.__child_class }}Handler:
    uow: {{ cookiecutter.__context_class }}UnitOfWork

    @transactional
    def __call__(self, command: Remove{{ cookiecutter.__child_class }}) -> {{ cookiecutter.__aggregate_class }}DTO:
        entity = self.uow.{{ cookiecutter.aggregate_plural }}.get(command.id)
        entity.check_version(command.expected_versions)
        entity.remove_{{ cookiecutter.child_name }}(command.{{ cookiecutter.child_name }}_id)
        self.uow.{{ cookiecutter.aggregate_plural }}.update(entity)
        return {{ cookiecutter.__aggregate_class }}DTO.from_entity(entity)
{% endif %}