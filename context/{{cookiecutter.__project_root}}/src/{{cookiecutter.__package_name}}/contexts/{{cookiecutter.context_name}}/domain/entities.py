from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Self

from ....shared_kernel.domain.entity import Entity, utc_now
from ....shared_kernel.domain.storable import storable_text
from .errors import (
    {{ cookiecutter.__aggregate_class }}DescriptionError,
    {{ cookiecutter.__aggregate_class }}StatusTransitionError,
    {{ cookiecutter.__aggregate_class }}TitleError,
)
from .events import (
    {{ cookiecutter.__aggregate_class }}Created,
    {{ cookiecutter.__aggregate_class }}Deleted,
    {{ cookiecutter.__aggregate_class }}Described,
    {{ cookiecutter.__aggregate_class }}Moved,
    {{ cookiecutter.__aggregate_class }}Renamed,
)

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000


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


@dataclass(kw_only=True, eq=False)
class {{ cookiecutter.__aggregate_class }}(Entity):
    title: str
    description: str = ""
    status: {{ cookiecutter.__aggregate_class }}Status = {{ cookiecutter.__aggregate_class }}Status.OPEN
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)

    def __post_init__(self) -> None:
        self.title = _checked_title(self.title)
        self.description = _checked_description(self.description)

    @classmethod
    def create(cls, *, title: str, description: str = "") -> Self:
        """A new {{ cookiecutter.aggregate_name }}, which records that it was created (the constructor does not:
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
        return created

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

    def _touch(self) -> None:
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
