{% if cookiecutter.child_name %}"""Create the {{ cookiecutter.aggregate_plural }} table and the {{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }} table of their {{ cookiecutter.child_plural.replace('_', ' ') }}.
{% else %}"""Create the {{ cookiecutter.aggregate_plural }} table.
{% endif %}
Revision ID: {{ cookiecutter.__revision }}
Revises:{% if cookiecutter.__down_revision %} {{ cookiecutter.__down_revision }}{% endif %}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "{{ cookiecutter.__revision }}"
down_revision: str | None = {% if cookiecutter.__down_revision %}"{{ cookiecutter.__down_revision }}"{% else %}None{% endif %}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "{{ cookiecutter.aggregate_plural }}",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "in_progress", "done", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done')",
            name=op.f("ck_{{ cookiecutter.aggregate_plural }}_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.aggregate_plural }}")),
    )
    op.create_index(
        op.f("ix_{{ cookiecutter.aggregate_plural }}_status"),
        "{{ cookiecutter.aggregate_plural }}",
        ["status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_{{ cookiecutter.aggregate_plural }}_created_at_id",
        "{{ cookiecutter.aggregate_plural }}",
        ["created_at", "id"],
        unique=False,
    )
{% if cookiecutter.child_name %}    op.create_table(
        "{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("{{ cookiecutter.aggregate_name }}_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "quantity BETWEEN 1 AND 1000000",
            name=op.f("ck_{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["{{ cookiecutter.aggregate_name }}_id"],
            ["{{ cookiecutter.aggregate_plural }}.id"],
            name=op.f("fk_{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}_{{ cookiecutter.aggregate_name }}_id_{{ cookiecutter.aggregate_plural }}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}")),
    )
    op.create_index(
        op.f("ix_{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}_{{ cookiecutter.aggregate_name }}_id"),
        "{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}",
        ["{{ cookiecutter.aggregate_name }}_id"],
        unique=False,
    )
{% endif %}

def downgrade() -> None:
{% if cookiecutter.child_name %}    op.drop_table("{{ cookiecutter.aggregate_name }}_{{ cookiecutter.child_plural }}")
{% endif %}    op.drop_index("ix_{{ cookiecutter.aggregate_plural }}_created_at_id", table_name="{{ cookiecutter.aggregate_plural }}")
    op.drop_index(
        op.f("ix_{{ cookiecutter.aggregate_plural }}_status"),
        table_name="{{ cookiecutter.aggregate_plural }}",
    )
    op.drop_table("{{ cookiecutter.aggregate_plural }}")
