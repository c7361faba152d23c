"""Generic read side: `BaseQueries[Model, DTO]` selects a DTO's columns straight into DTOs,
nested children's too (see `nested_reads`).

Core statements on a connection: no session, no entity, no identity map. Each query runs on a
short-lived read-only connection of its own (see `AsyncQueryRunner`), so what it returns is
what the database holds now. The statement of `get` is built once per class: executing the same
statement object again reuses its cache key and its compiled form.
"""

from collections.abc import Hashable
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from sqlalchemy import BindParameter, Connection, Select, and_, bindparam, inspect, select

from ..domain.errors import NotFoundError
from .nested_reads import DTOShape
from .paged_reads import PagedReads

Model = TypeVar("Model")
DTO = TypeVar("DTO")


class BaseQueries(PagedReads[DTO, Connection], Generic[Model, DTO]):
    dto: ClassVar[type[Any]]
    entity_name: ClassVar[str]
    _shape: ClassVar[DTOShape]
    _get: ClassVar[Select[Any]]
    _key_parameters: ClassVar[list[BindParameter[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is BaseQueries:
                model, cls.dto = get_args(base)
                cls.entity_name = cls.dto.__name__.removesuffix("DTO")
                cls._read_from(model)
                cls._shape = DTOShape.of(inspect(model), cls.dto)
                cls._key_parameters = [
                    bindparam(f"key_{index}", type_=column.type)
                    for index, column in enumerate(cls._key_columns)
                ]
                pairs = zip(cls._key_columns, cls._key_parameters, strict=True)
                cls._get = select(*cls._shape.selection).where(
                    and_(*(column == parameter for column, parameter in pairs))
                )

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        if self._shape.nested and not connection.in_transaction():
            # One snapshot for the roots and their children: on the read engines, which
            # autocommit, each statement would see what committed between them.
            connection.execution_options(isolation_level="REPEATABLE READ")

    def get(self, key: Hashable) -> DTO:
        """Raises `NotFoundError` when there is none."""
        values = key if isinstance(key, tuple) and len(self._key_parameters) > 1 else (key,)
        parameters = zip(self._key_parameters, values, strict=True)
        found = self._rows(self._get, {parameter.key: value for parameter, value in parameters})
        if not found:
            raise NotFoundError(self.entity_name, key)
        return found[0]

    def _selection(self) -> Select[Any]:
        return select(*self._shape.selection)

    def _items(self, query: Select[Any]) -> list[DTO]:
        return self._rows(query, {})

    def _rows(self, query: Select[Any], parameters: dict[str, Any]) -> list[DTO]:
        rows = self._reader.execute(query, parameters).mappings().all()
        return self._shape.read(self._reader, rows)
