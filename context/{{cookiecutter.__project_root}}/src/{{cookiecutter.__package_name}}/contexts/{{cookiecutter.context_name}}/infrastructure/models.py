from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ColumnElement, DateTime, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ....shared_kernel.infrastructure.orm import AggregateModel
from ..domain.entities import TITLE_MAX_LENGTH, {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status

_STATUSES = ", ".join(f"'{status.value}'" for status in {{ cookiecutter.__aggregate_class }}Status)


class {{ cookiecutter.__aggregate_class }}Model(AggregateModel):
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


# The only columns clients may filter and sort by; no client string reaches SQL.
FIELD_COLUMNS: dict[{{ cookiecutter.__aggregate_class }}Field, ColumnElement[Any]] = {
    {{ cookiecutter.__aggregate_class }}Field.TITLE: {{ cookiecutter.__aggregate_class }}Model.__table__.c.title,
    {{ cookiecutter.__aggregate_class }}Field.STATUS: {{ cookiecutter.__aggregate_class }}Model.__table__.c.status,
    {{ cookiecutter.__aggregate_class }}Field.CREATED_AT: {{ cookiecutter.__aggregate_class }}Model.__table__.c.created_at,
    {{ cookiecutter.__aggregate_class }}Field.UPDATED_AT: {{ cookiecutter.__aggregate_class }}Model.__table__.c.updated_at,
}
