"""Generic read side: `BaseQueries[Model, DTO]` selects a DTO's columns straight into DTOs,
nested children's too (see `nested_reads`).

No entity, no identity map: each query runs on a short-lived read-only session (see
`AsyncQueryRunner`), so what it returns is what the database holds now.
"""

from collections.abc import Hashable
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import Engine, Select, inspect, select
from sqlalchemy.orm import Session

from ..domain.errors import NotFoundError
from .nested_reads import DTOShape
from .paged_reads import PagedReads

Model = TypeVar("Model")
DTO = TypeVar("DTO")


class BaseQueries(PagedReads[DTO], Generic[Model, DTO]):
    dto: ClassVar[type[Any]]
    entity_name: ClassVar[str]
    _shape: ClassVar[DTOShape]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseQueries:
                model, cls.dto = get_args(base)
                cls.entity_name = cls.dto.__name__.removesuffix("DTO")
                cls._read_from(model)
                cls._shape = DTOShape.of(inspect(model), cls.dto)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        if self._shape.nested and isinstance(session.get_bind(), Engine):
            # One snapshot for the roots and their children: on the read engines, which
            # autocommit, each statement would see what committed between them.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def get(self, key: Hashable) -> DTO:
        """Raises `NotFoundError` when there is none."""
        found = self._items(self._selection().where(self._key_is(key)))
        if not found:
            raise NotFoundError(self.entity_name, key)
        return found[0]

    def _selection(self) -> Select[Any]:
        return select(*self._shape.selection)

    def _items(self, query: Select[Any]) -> list[DTO]:
        return self._shape.read(self._session, self._session.execute(query).mappings().all())
