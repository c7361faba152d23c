from datetime import datetime
from typing import Any
{% if cookiecutter.child_name %}from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ....shared_kernel.infrastructure.orm import AggregateModel, Base
from ..domain.entities import (
    MAX_QUANTITY,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    {{ cookiecutter.__aggregate_class }}Field,
    {{ cookiecutter.__aggregate_class }}Status,
)
{% else %}
from sqlalchemy import CheckConstraint, ColumnElement, DateTime, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ....shared_kernel.infrastructure.orm import AggregateModel
from ..domain.entities import TITLE_MAX_LENGTH, {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status
{% endif %}
_STATUSES = ", ".join(f"'{status.value}'" for status in {{ cookiecutter.__aggregate_class }}Status)


{% if cookiecutter.child_name %}class {{ cookiecutter.__child_class }}Model(Base):
    """Owned by its {{ cookiecutter.__aggregate_label }}: the foreign key's ON DELETE CASCADE removes it with the {{ cookiecutter.__aggregate_label }}."""

    __tablename__ = "{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}"
    __table_args__ = (
        Index(None, "{{ cookiecutter.aggregate_name }}_id"),
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    {{ cookiecutter.aggregate_name }}_id: Mapped[UUID] = mapped_column(
        ForeignKey("{{ cookiecutter.aggregate_plural }}.id", ondelete="CASCADE"),
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    quantity: Mapped[int]


{% endif %}class {{ cookiecutter.__aggregate_class }}Model(AggregateModel):
    __tablename__ = "{{ cookiecutter.aggregate_plural }}"
    __table_args__ = (
        Index(None, "status", "created_at"),
        # Keyset pages of the default order (newest first) read this index, at any depth.
        Index("ix_{{ cookiecutter.aggregate_plural }}_created_at_id", "created_at", "id"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
    )

    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[{{ cookiecutter.__aggregate_class }}Status] = mapped_column(
        Enum(
            {{ cookiecutter.__aggregate_class }}Status,
            native_enum=False,
            length=20,
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
{% if cookiecutter.child_name %}    # Owned (delete-orphan): the repository loads, saves and deletes the {{ cookiecutter.child_plural.replace('_', ' ') }} with the
    # {{ cookiecutter.__aggregate_label }}; the database's cascade deletes them, so the ORM need not load them first.
    {{ cookiecutter.child_plural }}: Mapped[list[{{ cookiecutter.__child_class }}Model]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by={{ cookiecutter.__child_class }}Model.id,
    )
{% endif %}

# The only columns clients may filter and sort by; no client string reaches SQL.
FIELD_COLUMNS: dict[{{ cookiecutter.__aggregate_class }}Field, ColumnElement[Any]] = {
    {{ cookiecutter.__aggregate_class }}Field.TITLE: {{ cookiecutter.__aggregate_class }}Model.__table__.c.title,
    {{ cookiecutter.__aggregate_class }}Field.STATUS: {{ cookiecutter.__aggregate_class }}Model.__table__.c.status,
    {{ cookiecutter.__aggregate_class }}Field.CREATED_AT: {{ cookiecutter.__aggregate_class }}Model.__table__.c.created_at,
    {{ cookiecutter.__aggregate_class }}Field.UPDATED_AT: {{ cookiecutter.__aggregate_class }}Model.__table__.c.updated_at,
}
