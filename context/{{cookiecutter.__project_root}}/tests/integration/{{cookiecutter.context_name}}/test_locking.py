"""Row locks between two real transactions (psycopg), on committed rows."""

import pytest

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    LockedError,
)
from {{ cookiecutter.__package_name }}.shared_kernel.infrastructure.database import (
    Database,
    SyncDatabase,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.repository import (
    {{ cookiecutter.__aggregate_class }}Repository,
)


def test_a_locked_row_is_refused_with_nowait_and_skipped_with_skip_locked(
    sync_database: SyncDatabase,
    committed_database: Database,  # empties the tables afterwards
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="contended")
    with sync_database.sessions() as setup, setup.begin():
        {{ cookiecutter.__aggregate_class }}Repository(setup).add(entity)

    with sync_database.sessions() as holder, sync_database.sessions() as other:
        {{ cookiecutter.__aggregate_class }}Repository(holder).lock(entity.id)
        others = {{ cookiecutter.__aggregate_class }}Repository(other)

        with pytest.raises(LockedError, match="being changed by another request"):
            others.lock(entity.id, nowait=True)
        other.rollback()
        skipped = others.lock(entity.id, skip_locked=True)
        holder.rollback()
        taken = others.lock(entity.id, skip_locked=True)

    assert skipped is None
    assert taken is not None
    assert taken.title == "contended"
