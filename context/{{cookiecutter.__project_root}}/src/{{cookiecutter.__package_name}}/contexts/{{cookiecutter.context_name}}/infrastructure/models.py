from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ....shared_kernel.infrastructure.orm import AggregateModel
from ..domain.entities import TITLE_MAX_LENGTH, {{ cookiecutter.__aggregate_class }}Status

_STATUSES = ", ".join(f"'{status.value}'" for status in {{ cookiecutter.__aggregate_class }}Status)


class {{ cookiecutter.__aggregate_class }}Model(AggregateModel):
    __tablename__ = "{{ cookiecutter.aggregate_plural }}"
    __table_args__ = (
        Index(None, "status", "created_at"),
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
