from uuid import uuid4

import pytest

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    NotFoundError,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
    Delete{{ cookiecutter.__aggregate_class }}Handler,
    Get{{ cookiecutter.__aggregate_class }}Handler,
    List{{ cookiecutter.__aggregates_class }}Handler,
    Move{{ cookiecutter.__aggregate_class }}Handler,
    Update{{ cookiecutter.__aggregate_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.errors import (
    {{ cookiecutter.__aggregate_class }}StatusTransitionError,
    {{ cookiecutter.__aggregate_class }}TitleError,
)

from .fakes import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def test_create_stores_the_{{ cookiecutter.aggregate_name }}_and_commits(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="Write docs"))

    assert uow.commits == 1
    assert uow.repository.get(created.id).title == "Write docs"
    assert created.version == 1


def test_create_with_a_blank_title_commits_nothing(uow: FakeUnitOfWork) -> None:
    with pytest.raises({{ cookiecutter.__aggregate_class }}TitleError):
        Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title=" "))

    assert (uow.commits, uow.rollbacks) == (0, 1)
    assert uow.repository.rows == {}


def test_get_an_unknown_{{ cookiecutter.aggregate_name }}_raises_not_found(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        Get{{ cookiecutter.__aggregate_class }}Handler(uow)(uuid4())


def test_update_changes_only_the_given_fields(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(
        Create{{ cookiecutter.__aggregate_class }}(title="old", description="kept"),
    )

    updated = Update{{ cookiecutter.__aggregate_class }}Handler(uow)(
        Update{{ cookiecutter.__aggregate_class }}(created.id, title="new"),
    )

    assert (updated.title, updated.description) == ("new", "kept")
    assert updated.version == created.version + 1
    assert Get{{ cookiecutter.__aggregate_class }}Handler(uow)(created.id) == updated


def test_an_illegal_move_is_rolled_back(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="t"))

    with pytest.raises({{ cookiecutter.__aggregate_class }}StatusTransitionError):
        Move{{ cookiecutter.__aggregate_class }}Handler(uow)(
            Move{{ cookiecutter.__aggregate_class }}(created.id, {{ cookiecutter.__aggregate_class }}Status.DONE),
        )

    assert uow.rollbacks == 1
    assert uow.repository.get(created.id).status is {{ cookiecutter.__aggregate_class }}Status.OPEN


def test_delete_removes_the_{{ cookiecutter.aggregate_name }}(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="t"))

    Delete{{ cookiecutter.__aggregate_class }}Handler(uow)(created.id)

    assert uow.repository.rows == {}


def test_list_filters_by_status_and_pages(uow: FakeUnitOfWork) -> None:
    create, move = Create{{ cookiecutter.__aggregate_class }}Handler(uow), Move{{ cookiecutter.__aggregate_class }}Handler(uow)
    ids = [create(Create{{ cookiecutter.__aggregate_class }}(title=f"t{number}")).id for number in range(3)]
    move(Move{{ cookiecutter.__aggregate_class }}(ids[0], {{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS))

    list_{{ cookiecutter.aggregate_plural }} = List{{ cookiecutter.__aggregates_class }}Handler(uow)

    open_page = list_{{ cookiecutter.aggregate_plural }}(
        List{{ cookiecutter.__aggregates_class }}(status={{ cookiecutter.__aggregate_class }}Status.OPEN),
    )
    in_progress = list_{{ cookiecutter.aggregate_plural }}(
        List{{ cookiecutter.__aggregates_class }}({{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS),
    )

    assert open_page.total == 2
    assert [dto.id for dto in in_progress.items] == [ids[0]]
