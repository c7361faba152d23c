from typing import Any
from uuid import UUID

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Deterministic constraint names, so Alembic can drop and alter what it created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """Optimistic locking for any mapped table: an integer `version` the ORM checks and bumps."""

    version: Mapped[int]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The ORM adds `AND version = :old` to every UPDATE and DELETE and bumps it.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class AggregateModel(Versioned, Base):
    """Table of an aggregate root: client-generated UUID key and an optimistic-lock version."""

    __abstract__ = True

    id: Mapped[UUID] = mapped_column(primary_key=True)
