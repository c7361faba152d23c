"""The children an aggregate root owns, and how they are loaded, saved and inserted.

A relationship with the `delete-orphan` cascade is owned: its rows live and die with the
root's (one-to-many, at any depth: a child's own owned relationships are the root's too). Any
other relationship is a reference to another aggregate, which the repository never loads or
saves. Children are keyed by values the domain sets (a `new_id()`, or a number within the
root), never by the database, so a bulk INSERT needs no RETURNING to link the next level.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, inspect, tuple_
from sqlalchemy.orm import Mapper, RelationshipProperty, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from ..domain.errors import InvalidValueError

Rows = dict[type[Any], list[dict[str, Any]]]


def owned(mapper: Mapper[Any]) -> list[RelationshipProperty[Any]]:
    return [
        relationship for relationship in mapper.relationships if relationship.cascade.delete_orphan
    ]


def loading(model: type[Any]) -> list[_AbstractLoad]:
    """A `selectinload` of every owned collection, deeper ones chained to their parents': one
    SELECT per child table however many roots a query returns."""

    def chains(mapper: Mapper[Any], parent: _AbstractLoad | None) -> Iterator[_AbstractLoad]:
        for relationship in owned(mapper):
            attribute = getattr(mapper.class_, relationship.key)
            option = selectinload(attribute) if parent is None else parent.selectinload(attribute)
            yield option
            yield from chains(relationship.mapper, option)

    return list(chains(inspect(model), None))


def merge(stored: Any, changed: Any, unchanged: Sequence[str]) -> bool:
    """Make the persistent `stored` hold what the transient `changed` holds: its columns but
    `unchanged`, and in each owned collection the children matched by key, changed in place;
    new ones are added and missing ones removed (the ORM deletes them as orphans). Whether
    anything differed."""
    mapper: Mapper[Any] = inspect(type(stored))
    differed = False
    for attribute in mapper.column_attrs:
        value = getattr(changed, attribute.key)
        if attribute.key not in unchanged and getattr(stored, attribute.key) != value:
            setattr(stored, attribute.key, value)
            differed = True
    for relationship in owned(mapper):
        fixed = _fixed_attributes(relationship)
        before = list(getattr(stored, relationship.key))
        current = {_child_key(child, relationship): child for child in before}
        kept: list[Any] = []
        for child in getattr(changed, relationship.key):
            key = _child_key(child, relationship)
            if any(_child_key(other, relationship) == key for other in kept):
                message = f"two of {relationship.key} have the same key {key}"
                raise InvalidValueError(relationship.key, message)
            existing = current.get(key)
            if existing is None:
                kept.append(child)
            else:
                differed = merge(existing, child, fixed) or differed
                kept.append(existing)
        if kept != before:
            setattr(stored, relationship.key, kept)
            differed = True
    return differed


def child_rows(roots: Sequence[tuple[Any, dict[str, Any]]], mapper: Mapper[Any]) -> Rows:
    """The rows of every owned child of `roots` (transient models, each with its own row), by
    model class, parents' tables first; each row carries its parent's key in its foreign key."""
    rows: Rows = {}

    def collect(parents: Sequence[tuple[Any, dict[str, Any]]], parent_mapper: Mapper[Any]) -> None:
        for relationship in owned(parent_mapper):
            child_mapper = relationship.mapper
            table_rows = rows.setdefault(child_mapper.class_, [])
            children = []
            for parent, parent_row in parents:
                link = _link_values(parent_row, relationship)
                for child in getattr(parent, relationship.key):
                    row = column_values(child, child_mapper) | link
                    table_rows.append(row)
                    children.append((child, row))
            collect(children, child_mapper)

    collect(roots, mapper)
    return rows


def children_of(
    relationship: RelationshipProperty[Any], parent_rows: Sequence[dict[str, Any]]
) -> ColumnElement[bool]:
    """The rows of `relationship`'s table that belong to one of `parent_rows`."""
    links = [tuple(_link_values(row, relationship).values()) for row in parent_rows]
    return belonging_to(relationship, links)


def belonging_to(
    relationship: RelationshipProperty[Any], links: Sequence[tuple[Any, ...]]
) -> ColumnElement[bool]:
    """The rows of `relationship`'s table whose foreign key has one of the values `links`."""
    remote = [remote for _, remote in relationship.local_remote_pairs]
    if len(remote) == 1:
        return remote[0].in_([link[0] for link in links])
    return tuple_(*remote).in_(links)


def column_values(model: Any, mapper: Mapper[Any]) -> dict[str, Any]:
    return {attribute.key: getattr(model, attribute.key) for attribute in mapper.column_attrs}


def _link_values(
    parent_row: dict[str, Any], relationship: RelationshipProperty[Any]
) -> dict[str, Any]:
    parent_mapper, child_mapper = relationship.parent, relationship.mapper
    return {
        child_mapper.get_property_by_column(remote).key: parent_row[
            parent_mapper.get_property_by_column(local).key
        ]
        for local, remote in relationship.local_remote_pairs
    }


def _fixed_attributes(relationship: RelationshipProperty[Any]) -> list[str]:
    """A child's key and its link to the parent: what matching it by key leaves as it is."""
    child_mapper = relationship.mapper
    columns = [
        *child_mapper.primary_key,
        *(remote for _, remote in relationship.local_remote_pairs),
    ]
    return [child_mapper.get_property_by_column(column).key for column in columns]


def _child_key(child: Any, relationship: RelationshipProperty[Any]) -> tuple[Any, ...]:
    # Its primary key without the parent's part, which a transient child may not carry yet.
    linked = {remote for _, remote in relationship.local_remote_pairs}
    child_mapper = relationship.mapper
    return tuple(
        getattr(child, child_mapper.get_property_by_column(column).key)
        for column in child_mapper.primary_key
        if column not in linked
    )
