"""The SQL repository on real PostgreSQL, through a synchronous (psycopg) session."""

from uuid import uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    NotFoundError,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.pagination import (
    PageRequest,
    Sort,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.repository import (
    {{ cookiecutter.__aggregate_class }}SortField,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.models import (
    {{ cookiecutter.__aggregate_class }}Model,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.repository import (
    {{ cookiecutter.__aggregate_class }}Repository,
)


@pytest.fixture
def repository(session: Session) -> {{ cookiecutter.__aggregate_class }}Repository:
    return {{ cookiecutter.__aggregate_class }}Repository(session)


def test_an_added_{{ cookiecutter.aggregate_name }}_reads_back_equal_with_version_1(
    repository: {{ cookiecutter.__aggregate_class }}Repository, session: Session
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="Write docs", description="all of them")

    repository.add(entity)
    session.expunge_all()
    loaded = repository.get(entity.id)

    assert (loaded.title, loaded.description, loaded.status) == (
        "Write docs",
        "all of them",
        {{ cookiecutter.__aggregate_class }}Status.OPEN,
    )
    assert loaded.version == entity.version == 1
    assert loaded.created_at == entity.created_at


def test_get_of_an_unknown_id_raises_not_found(repository: {{ cookiecutter.__aggregate_class }}Repository) -> None:
    with pytest.raises(NotFoundError):
        repository.get(uuid4())
    assert repository.get_or_none(uuid4()) is None


def test_update_writes_the_change_and_bumps_the_version(
    repository: {{ cookiecutter.__aggregate_class }}Repository, session: Session
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="old")
    repository.add(entity)

    entity.rename("new")
    repository.update(entity)
    session.expunge_all()

    assert repository.get(entity.id).title == "new"
    assert entity.version == 2


def test_updating_a_stale_copy_raises_a_concurrency_conflict(
    repository: {{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")
    repository.add(entity)
    stale = repository.get(entity.id)
    entity.rename("first writer")
    repository.update(entity)

    stale.rename("second writer")
    with pytest.raises(ConcurrencyConflictError):
        repository.update(stale)

    assert repository.get(entity.id).title == "first writer"


def test_delete_removes_the_row(
    repository: {{ cookiecutter.__aggregate_class }}Repository,
    session: Session,
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")
    repository.add(entity)

    repository.delete(entity)

    assert not repository.exists(entity.id)
    assert session.scalar(select(func.count()).select_from({{ cookiecutter.__aggregate_class }}Model)) == 0


def test_add_many_inserts_every_row(repository: {{ cookiecutter.__aggregate_class }}Repository) -> None:
    entities = [{{ cookiecutter.__aggregate_class }}(title=f"t{number}") for number in range(25)]

    repository.add_many(entities)

    assert repository.count() == 25
    assert {entity.version for entity in entities} == {1}


def test_search_filters_sorts_and_pages(repository: {{ cookiecutter.__aggregate_class }}Repository) -> None:
    entities = [{{ cookiecutter.__aggregate_class }}(title=title) for title in ["b", "d", "a", "c"]]
    entities[1].move_to({{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS)
    repository.add_many(entities)
    by_title = Sort({{ cookiecutter.__aggregate_class }}SortField.TITLE)
    by_title_descending = Sort({{ cookiecutter.__aggregate_class }}SortField.TITLE, descending=True)

    first_page = repository.search({{ cookiecutter.__aggregate_class }}Status.OPEN, by_title, PageRequest(limit=2))
    second_page = repository.search(
        {{ cookiecutter.__aggregate_class }}Status.OPEN,
        by_title,
        PageRequest(2, offset=2),
    )
    descending = repository.search(None, by_title_descending, PageRequest())

    assert [entity.title for entity in first_page.items] == ["a", "b"]
    assert [entity.title for entity in second_page.items] == ["c"]
    assert first_page.total == second_page.total == 3
    assert [entity.title for entity in descending.items] == ["d", "c", "b", "a"]
