from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from ..domain.events import DomainEvent
from .repository import BaseRepository

R = TypeVar("R", bound=BaseRepository[Any, Any])


class RepositoryFactory:
    """Builds each repository once per unit of work, on first use."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._built: dict[type[BaseRepository[Any, Any]], BaseRepository[Any, Any]] = {}

    def __call__(self, repository_type: type[R]) -> R:
        if repository_type not in self._built:
            self._built[repository_type] = repository_type(self._session)
        return cast(R, self._built[repository_type])

    def pull_events(self) -> list[DomainEvent]:
        """Every repository's events since the last pull."""
        return [event for built in self._built.values() for event in built.pull_events()]

    def rebind(self, session: Session) -> None:
        """Point every repository at `session` (while an independent transaction runs)."""
        self._session = session
        for repository in self._built.values():
            repository.bind(session)
