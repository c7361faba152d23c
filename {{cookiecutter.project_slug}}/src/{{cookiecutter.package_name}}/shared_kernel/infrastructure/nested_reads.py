"""DTOs with nested children, read straight from the tables in one SELECT per table.

A DTO field named like an owned relationship of the model (see `owned_children`) and typed as
a tuple of child DTOs holds those children, in the relationship's order (else by key); each
nested level costs one more SELECT however many parents the first one returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, get_args, get_type_hints

from sqlalchemy import ColumnElement, Connection, Label, select
from sqlalchemy.orm import Mapper, RelationshipProperty

from .owned_children import belonging_to, owned

Row = Mapping[Any, Any]


@dataclass(frozen=True, slots=True)
class Nested:
    field: str
    relationship: RelationshipProperty[Any]
    shape: DTOShape
    # The parent's columns its children refer to, and the children's that refer to it.
    parent_link: tuple[Label[Any], ...]
    child_link: tuple[Label[Any], ...]

    @classmethod
    def of(cls, field: str, relationship: RelationshipProperty[Any], shape: DTOShape) -> Nested:
        pairs = list(enumerate(relationship.local_remote_pairs))
        parent_link = tuple(local.label(f"_{field}_{index}") for index, (local, _) in pairs)
        child_link = tuple(remote.label(f"_parent_{index}") for index, (_, remote) in pairs)
        return cls(field, relationship, shape, parent_link, child_link)

    def read(
        self, connection: Connection, parents: Sequence[Row]
    ) -> dict[tuple[Any, ...], list[Any]]:
        """The child DTOs of `parents`, by the values of the parent's link columns."""
        links = {_values(parent, self.parent_link) for parent in parents}
        if not links:
            return {}
        order = self.relationship.order_by or list(self.relationship.mapper.primary_key)
        query = (
            select(*self.shape.selection, *self.child_link)
            .where(belonging_to(self.relationship, sorted(links)))
            .order_by(*order)
        )
        rows = connection.execute(query).mappings().all()
        grouped: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for row, child in zip(rows, self.shape.read(connection, rows), strict=True):
            grouped[_values(row, self.child_link)].append(child)
        return grouped


@dataclass(frozen=True, slots=True)
class DTOShape:
    """Which columns fill a DTO's fields and which of its fields are nested children."""

    dto: type[Any]
    columns: list[Label[Any]]
    nested: list[Nested]
    # What a query selects: the columns, then the links each nested level needs.
    selection: list[Label[Any]]

    @classmethod
    def of(cls, mapper: Mapper[Any], dto: type[Any]) -> DTOShape:
        relationships = {relationship.key: relationship for relationship in owned(mapper)}
        hints = get_type_hints(dto)
        columns: list[Label[Any]] = []
        nested: list[Nested] = []
        for field in fields(dto):
            if field.name in relationships:
                relationship = relationships[field.name]
                child_dto, *_ = get_args(hints[field.name])
                shape = cls.of(relationship.mapper, child_dto)
                nested.append(Nested.of(field.name, relationship, shape))
            else:
                column: ColumnElement[Any] = mapper.columns[field.name]
                columns.append(column.label(field.name))
        links = [label for level in nested for label in level.parent_link]
        return cls(dto, columns, nested, [*columns, *links])

    def read(self, connection: Connection, rows: Sequence[Row]) -> list[Any]:
        """The DTOs of `rows` (selected with `selection`), children read and attached."""
        values = [{label.name: row[label.name] for label in self.columns} for row in rows]
        for nested in self.nested:
            children = nested.read(connection, rows)
            for row, item in zip(rows, values, strict=True):
                item[nested.field] = tuple(children.get(_values(row, nested.parent_link), ()))
        return [self.dto(**item) for item in values]


def _values(row: Row, labels: Sequence[Label[Any]]) -> tuple[Any, ...]:
    return tuple(row[label.name] for label in labels)
