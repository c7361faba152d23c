{% if cookiecutter.child_name %}from collections.abc import Iterable
{% endif %}from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Self
{% if cookiecutter.child_name %}from uuid import UUID
{% endif %}
{% if cookiecutter.child_name %}from ....shared_kernel.domain.entity import Entity, new_id, utc_now
from ....shared_kernel.domain.errors import NotFoundError
{% else %}from ....shared_kernel.domain.entity import Entity, utc_now
{% endif %}from ....shared_kernel.domain.storable import storable_text
from .errors import (
{{ ([cookiecutter.__aggregate_class ~ "DescriptionError", cookiecutter.__aggregate_class ~ "StatusTransitionError", cookiecutter.__aggregate_class ~ "TitleError"] + ([cookiecutter.__child_class ~ "LimitError", cookiecutter.__child_class ~ "NameError", cookiecutter.__child_class ~ "QuantityError"] if cookiecutter.child_name else [])) | import_list }}
)
from .events import (
{{ ([cookiecutter.__aggregate_class ~ "Created", cookiecutter.__aggregate_class ~ "Deleted", cookiecutter.__aggregate_class ~ "Described", cookiecutter.__aggregate_class ~ "Moved", cookiecutter.__aggregate_class ~ "Renamed"] + ([cookiecutter.__child_class ~ "Added", cookiecutter.__child_class ~ "Changed", cookiecutter.__child_class ~ "Removed"] if cookiecutter.child_name else [])) | import_list }}
)

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000
{% if cookiecutter.child_name %}# At most this many {{ cookiecutter.child_plural.replace('_', ' ') }} in one {{ cookiecutter.__aggregate_label }}: every change to one is a new version of the whole.
MAX_{{ cookiecutter.child_plural | upper }} = 100
NAME_MAX_LENGTH = 200
MAX_QUANTITY = 1_000_000
{% endif %}

class {{ cookiecutter.__aggregate_class }}Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class {{ cookiecutter.__aggregate_class }}Field(StrEnum):
    """The fields clients may filter and sort {{ cookiecutter.aggregate_plural }} by."""

    TITLE = "title"
    STATUS = "status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


# (from, to) pairs; anything else is refused.
_ALLOWED_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    [
        ("open", "in_progress"),
        ("in_progress", "open"),
        ("in_progress", "done"),
    ],
)


{% if cookiecutter.child_name %}@dataclass(kw_only=True)
class {{ cookiecutter.__child_class }}:
    """Part of a {{ cookiecutter.__aggregate_label }}: added, changed and removed only through it, so the {{ cookiecutter.__aggregate_label }}'s version
    covers it and its rules can read every {{ cookiecutter.__child_label }}."""

    id: UUID = field(default_factory=new_id)
    name: str
    quantity: int = 1

    def __post_init__(self) -> None:
        self.name = _checked_name(self.name)
        self.quantity = _checked_quantity(self.quantity)


{% endif %}@dataclass(kw_only=True, eq=False)
class {{ cookiecutter.__aggregate_class }}(Entity):
    title: str
    description: str = ""
    status: {{ cookiecutter.__aggregate_class }}Status = {{ cookiecutter.__aggregate_class }}Status.OPEN
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
{% if cookiecutter.child_name %}    {{ cookiecutter.child_plural }}: list[{{ cookiecutter.__child_class }}] = field(default_factory=list)
{% endif %}
    def __post_init__(self) -> None:
        self.title = _checked_title(self.title)
        self.description = _checked_description(self.description)

    @classmethod
{% if cookiecutter.child_name %}    def create(
        cls,
        *,
        title: str,
        description: str = "",
        {{ cookiecutter.child_plural }}: Iterable[{{ cookiecutter.__child_class }}] = (),
    ) -> Self:
{% else %}    def create(cls, *, title: str, description: str = "") -> Self:
{% endif %}        """A new {{ cookiecutter.aggregate_name }}, which records that it was created (the constructor does not:
        it also rebuilds stored ones)."""
        created = cls(title=title, description=description)
        created.record(
            {{ cookiecutter.__aggregate_class }}Created(
                aggregate_id=created.id,
                aggregate_version=created.next_version,
                title=created.title,
                description=created.description,
                status=created.status.value,
            ),
        )
{% if cookiecutter.child_name %}        for {{ cookiecutter.child_name }} in {{ cookiecutter.child_plural }}:
            created.add_{{ cookiecutter.child_name }}({{ cookiecutter.child_name }})
{% endif %}        return created

    def rename(self, title: str) -> None:
        self.title = _checked_title(title)
        self._touch()
        self.record(
            {{ cookiecutter.__aggregate_class }}Renamed(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
                title=self.title,
            ),
        )

    def describe(self, description: str) -> None:
        self.description = _checked_description(description)
        self._touch()
        self.record(
            {{ cookiecutter.__aggregate_class }}Described(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
                description=self.description,
            ),
        )

    def move_to(self, status: {{ cookiecutter.__aggregate_class }}Status) -> None:
        if (self.status, status) not in _ALLOWED_TRANSITIONS:
            raise {{ cookiecutter.__aggregate_class }}StatusTransitionError(self.status, status)
        moved = {{ cookiecutter.__aggregate_class }}Moved(
            aggregate_id=self.id,
            aggregate_version=self.next_version,
            from_status=self.status.value,
            to_status=status.value,
        )
        self.status = status
        self._touch()
        self.record(moved)

    def delete(self) -> None:
        """Record that it goes; the repository's `delete` removes it."""
        self.record(
            {{ cookiecutter.__aggregate_class }}Deleted(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
            ),
        )

{% if cookiecutter.child_name %}    def {{ cookiecutter.child_name }}(self, {{ cookiecutter.child_name }}_id: UUID) -> {{ cookiecutter.__child_class }}:
        """Raises `NotFoundError` when the {{ cookiecutter.__aggregate_label }} has no {{ cookiecutter.__child_label }} with this id."""
        for {{ cookiecutter.child_name }} in self.{{ cookiecutter.child_plural }}:
            if {{ cookiecutter.child_name }}.id == {{ cookiecutter.child_name }}_id:
                return {{ cookiecutter.child_name }}
        raise NotFoundError("{{ cookiecutter.__child_class }}", {{ cookiecutter.child_name }}_id)

    def add_{{ cookiecutter.child_name }}(self, {{ cookiecutter.child_name }}: {{ cookiecutter.__child_class }}) -> None:
        if len(self.{{ cookiecutter.child_plural }}) >= MAX_{{ cookiecutter.child_plural | upper }}:
            raise {{ cookiecutter.__child_class }}LimitError(MAX_{{ cookiecutter.child_plural | upper }})
        self.{{ cookiecutter.child_plural }}.append({{ cookiecutter.child_name }})
        self._touch()
        self.record(
            {{ cookiecutter.__child_class }}Added(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
                {{ cookiecutter.child_name }}_id={{ cookiecutter.child_name }}.id,
                name={{ cookiecutter.child_name }}.name,
                quantity={{ cookiecutter.child_name }}.quantity,
            ),
        )

    def change_{{ cookiecutter.child_name }}(
        self,
        {{ cookiecutter.child_name }}_id: UUID,
        *,
        name: str | None = None,
        quantity: int | None = None,
    ) -> None:
        """Fields left as None keep their value."""
        {{ cookiecutter.child_name }} = self.{{ cookiecutter.child_name }}({{ cookiecutter.child_name }}_id)
        if name is not None:
            {{ cookiecutter.child_name }}.name = _checked_name(name)
        if quantity is not None:
            {{ cookiecutter.child_name }}.quantity = _checked_quantity(quantity)
        self._touch()
        self.record(
            {{ cookiecutter.__child_class }}Changed(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
                {{ cookiecutter.child_name }}_id={{ cookiecutter.child_name }}.id,
                name={{ cookiecutter.child_name }}.name,
                quantity={{ cookiecutter.child_name }}.quantity,
            ),
        )

    def remove_{{ cookiecutter.child_name }}(self, {{ cookiecutter.child_name }}_id: UUID) -> None:
        self.{{ cookiecutter.child_plural }}.remove(self.{{ cookiecutter.child_name }}({{ cookiecutter.child_name }}_id))
        self._touch()
        self.record(
            {{ cookiecutter.__child_class }}Removed(
                aggregate_id=self.id,
                aggregate_version=self.next_version,
                {{ cookiecutter.child_name }}_id={{ cookiecutter.child_name }}_id,
            ),
        )

{% endif %}    def _touch(self) -> None:
        self.updated_at = utc_now()


def _checked_title(title: str) -> str:
    title = storable_text("title", title).strip()
    if not title:
        raise {{ cookiecutter.__aggregate_class }}TitleError("the title must not be blank")
    if len(title) > TITLE_MAX_LENGTH:
        message = f"the title must be at most {TITLE_MAX_LENGTH} characters"
        raise {{ cookiecutter.__aggregate_class }}TitleError(message)
    return title


def _checked_description(description: str) -> str:
    if len(description) > DESCRIPTION_MAX_LENGTH:
        message = f"the description must be at most {DESCRIPTION_MAX_LENGTH} characters"
        raise {{ cookiecutter.__aggregate_class }}DescriptionError(message)
    return storable_text("description", description)
{% if cookiecutter.child_name %}

def _checked_name(name: str) -> str:
    name = storable_text("name", name).strip()
    if not name:
        raise {{ cookiecutter.__child_class }}NameError("the name must not be blank")
    if len(name) > NAME_MAX_LENGTH:
        raise {{ cookiecutter.__child_class }}NameError(f"the name must be at most {NAME_MAX_LENGTH} characters")
    return name


def _checked_quantity(quantity: int) -> int:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise {{ cookiecutter.__child_class }}QuantityError(f"the quantity must be from 1 to {MAX_QUANTITY}")
    return quantity
{% endif %}