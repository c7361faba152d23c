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

from sqlalchemy import ColumnElement, Label, select
from sqlalchemy.orm import Mapper, RelationshipProperty, Session

from .owned_children import belonging_to, owned

Row = Mapping[Any, Any]


@dataclass(frozen=True, slots=True)
class Nested:
    field: str
    relationship: RelationshipProperty[Any]
    shape: DTOShape

    def parent_link(self) -> list[Label[Any]]:
        """The parent's columns its children refer to."""
        pairs = self.relationship.local_remote_pairs
        return [local.label(f"_{self.field}_{index}") for index, (local, _) in enumerate(pairs)]

    def child_link(self) -> list[Label[Any]]:
        """The children's columns that refer to their parent."""
        pairs = self.relationship.local_remote_pairs
        return [remote.label(f"_parent_{index}") for index, (_, remote) in enumerate(pairs)]

    def read(self, session: Session, parents: Sequence[Row]) -> dict[tuple[Any, ...], list[Any]]:
        """The child DTOs of `parents`, by the values of the parent's link columns."""
        names = [label.name for label in self.parent_link()]
        links = {tuple(parent[name] for name in names) for parent in parents}
        if not links:
            return {}
        child_mapper = self.relationship.mapper
        order = self.relationship.order_by or list(child_mapper.primary_key)
        query = (
            select(*self.shape.selection(), *self.child_link())
            .where(belonging_to(self.relationship, sorted(links)))
            .order_by(*order)
        )
        rows = session.execute(query).mappings().all()
        children = self.shape.read(session, rows)
        grouped: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        width = len(self.relationship.local_remote_pairs)
        for row, child in zip(rows, children, strict=True):
            grouped[tuple(row[f"_parent_{index}"] for index in range(width))].append(child)
        return grouped


@dataclass(frozen=True, slots=True)
class DTOShape:
    """Which columns fill a DTO's fields and which of its fields are nested children."""

    dto: type[Any]
    columns: list[Label[Any]]
    nested: list[Nested]

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
                nested.append(Nested(field.name, relationship, shape))
            else:
                column: ColumnElement[Any] = mapper.columns[field.name]
                columns.append(column.label(field.name))
        return cls(dto, columns, nested)

    def selection(self) -> list[Label[Any]]:
        return [*self.columns, *(label for nested in self.nested for label in nested.parent_link())]

    def read(self, session: Session, rows: Sequence[Row]) -> list[Any]:
        """The DTOs of `rows` (selected with `selection()`), children read and attached."""
        values = [{label.name: row[label.name] for label in self.columns} for row in rows]
        for nested in self.nested:
            children = nested.read(session, rows)
            names = [label.name for label in nested.parent_link()]
            for row, item in zip(rows, values, strict=True):
                item[nested.field] = tuple(children.get(tuple(row[name] for name in names), ()))
        return [self.dto(**item) for item in values]
