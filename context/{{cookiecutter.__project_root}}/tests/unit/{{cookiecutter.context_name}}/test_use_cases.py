from uuid import uuid4

import pytest

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
    NotFoundError,
    VersionMismatchError,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.specification import (
    Filter,
    Operator,
    Specification,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    Import{{ cookiecutter.__aggregates_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.queries import (
    Get{{ cookiecutter.__aggregate_class }}Handler,
    List{{ cookiecutter.__aggregates_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
    Delete{{ cookiecutter.__aggregate_class }}Handler,
    Import{{ cookiecutter.__aggregates_class }}Handler,
    Move{{ cookiecutter.__aggregate_class }}Handler,
    Update{{ cookiecutter.__aggregate_class }}Handler,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }}Field,
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.errors import (
    {{ cookiecutter.__aggregate_class }}StatusTransitionError,
    {{ cookiecutter.__aggregate_class }}TitleError,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ cookiecutter.__aggregate_class }}Created,
    {{ cookiecutter.__aggregate_class }}Deleted,
    {{ cookiecutter.__aggregate_class }}Moved,
    {{ cookiecutter.__aggregate_class }}Renamed,
)

from .fakes import FakeUnitOfWork, InMemory{{ cookiecutter.__aggregate_class }}Queries


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
        Get{{ cookiecutter.__aggregate_class }}Handler(InMemory{{ cookiecutter.__aggregate_class }}Queries(uow.repository))(uuid4())


def test_update_changes_only_the_given_fields(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(
        Create{{ cookiecutter.__aggregate_class }}(title="old", description="kept"),
    )

    updated = Update{{ cookiecutter.__aggregate_class }}Handler(uow)(
        Update{{ cookiecutter.__aggregate_class }}(created.id, title="new"),
    )

    assert (updated.title, updated.description) == ("new", "kept")
    assert updated.version == created.version + 1
    get = Get{{ cookiecutter.__aggregate_class }}Handler(InMemory{{ cookiecutter.__aggregate_class }}Queries(uow.repository))
    assert get(created.id) == updated


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

    Delete{{ cookiecutter.__aggregate_class }}Handler(uow)(Delete{{ cookiecutter.__aggregate_class }}(created.id))

    assert uow.repository.rows == {}


def test_a_change_based_on_an_old_version_is_refused_and_nothing_changes(
    uow: FakeUnitOfWork,
) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="t"))
    update = Update{{ cookiecutter.__aggregate_class }}Handler(uow)
    seen = frozenset({1})
    update(Update{{ cookiecutter.__aggregate_class }}(created.id, title="first", expected_versions=seen))

    with pytest.raises(VersionMismatchError):
        update(Update{{ cookiecutter.__aggregate_class }}(created.id, title="second", expected_versions=seen))
    delete = Delete{{ cookiecutter.__aggregate_class }}Handler(uow)
    with pytest.raises(VersionMismatchError):
        delete(Delete{{ cookiecutter.__aggregate_class }}(created.id, expected_versions=seen))

    assert uow.repository.get(created.id).title == "first"


def test_import_stores_every_row_or_none(uow: FakeUnitOfWork) -> None:
    good = Create{{ cookiecutter.__aggregate_class }}(title="fine")
    importer = Import{{ cookiecutter.__aggregates_class }}Handler(uow)
    imported = importer(Import{{ cookiecutter.__aggregates_class }}((good, good)))

    with pytest.raises(InvalidValueError, match="row 2: the title"):
        importer(Import{{ cookiecutter.__aggregates_class }}((good, Create{{ cookiecutter.__aggregate_class }}(title=" "))))

    assert imported == 2
    assert len(uow.repository.rows) == 2


def test_import_takes_rows_as_they_come_and_numbers_them_across_batches(
    uow: FakeUnitOfWork,
) -> None:
    importer = Import{{ cookiecutter.__aggregates_class }}Handler(uow)
    streamed = (Create{{ cookiecutter.__aggregate_class }}(title=f"t{number}") for number in range(5))
    imported = importer(Import{{ cookiecutter.__aggregates_class }}(streamed, batch_size=2))

    fine = Create{{ cookiecutter.__aggregate_class }}(title="fine")
    bad_fifth = [fine, fine, fine, fine, Create{{ cookiecutter.__aggregate_class }}(title=" ")]
    with pytest.raises(InvalidValueError, match="row 5: the title"):
        importer(Import{{ cookiecutter.__aggregates_class }}(bad_fifth, batch_size=2))

    assert imported == 5
    assert uow.rollbacks == 1


def test_list_filters_by_status_and_pages(uow: FakeUnitOfWork) -> None:
    create, move = Create{{ cookiecutter.__aggregate_class }}Handler(uow), Move{{ cookiecutter.__aggregate_class }}Handler(uow)
    ids = [create(Create{{ cookiecutter.__aggregate_class }}(title=f"t{number}")).id for number in range(3)]
    move(Move{{ cookiecutter.__aggregate_class }}(ids[0], {{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS))
    queries = InMemory{{ cookiecutter.__aggregate_class }}Queries(uow.repository)
    list_{{ cookiecutter.aggregate_plural }} = List{{ cookiecutter.__aggregates_class }}Handler(queries)

    def status_is(status: {{ cookiecutter.__aggregate_class }}Status) -> Specification[{{ cookiecutter.__aggregate_class }}Field]:
        return Specification.where(Filter({{ cookiecutter.__aggregate_class }}Field.STATUS, Operator.EQ, status))

    open_page = list_{{ cookiecutter.aggregate_plural }}(
        List{{ cookiecutter.__aggregates_class }}(status_is({{ cookiecutter.__aggregate_class }}Status.OPEN)),
    )
    in_progress = list_{{ cookiecutter.aggregate_plural }}(
        List{{ cookiecutter.__aggregates_class }}(status_is({{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS)),
    )

    assert open_page.total == 2
    assert [dto.id for dto in in_progress.items] == [ids[0]]


def test_each_committed_use_case_publishes_its_events_in_order(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="t"))
    renaming = Update{{ cookiecutter.__aggregate_class }}(created.id, title="renamed")
    Update{{ cookiecutter.__aggregate_class }}Handler(uow)(renaming)
    moving = Move{{ cookiecutter.__aggregate_class }}(created.id, {{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS)
    Move{{ cookiecutter.__aggregate_class }}Handler(uow)(moving)
    Delete{{ cookiecutter.__aggregate_class }}Handler(uow)(Delete{{ cookiecutter.__aggregate_class }}(created.id))

    expected = [
        {{ cookiecutter.__aggregate_class }}Created,
        {{ cookiecutter.__aggregate_class }}Renamed,
        {{ cookiecutter.__aggregate_class }}Moved,
        {{ cookiecutter.__aggregate_class }}Deleted,
    ]
    assert [type(event) for event in uow.published] == expected
    assert [event.aggregate_version for event in uow.published] == [1, 2, 3, 4]
    assert {event.aggregate_id for event in uow.published} == {created.id}


def test_a_use_case_that_fails_publishes_nothing(uow: FakeUnitOfWork) -> None:
    created = Create{{ cookiecutter.__aggregate_class }}Handler(uow)(Create{{ cookiecutter.__aggregate_class }}(title="t"))
    published = list(uow.published)
    illegal_move = Move{{ cookiecutter.__aggregate_class }}(created.id, {{ cookiecutter.__aggregate_class }}Status.DONE)
    stale = frozenset({7})
    stale_update = Update{{ cookiecutter.__aggregate_class }}(created.id, title="late", expected_versions=stale)
    bad_rows = (Create{{ cookiecutter.__aggregate_class }}(title="fine"), Create{{ cookiecutter.__aggregate_class }}(title=" "))

    with pytest.raises({{ cookiecutter.__aggregate_class }}StatusTransitionError):
        Move{{ cookiecutter.__aggregate_class }}Handler(uow)(illegal_move)
    with pytest.raises(VersionMismatchError):
        Update{{ cookiecutter.__aggregate_class }}Handler(uow)(stale_update)
    with pytest.raises(InvalidValueError):
        Import{{ cookiecutter.__aggregates_class }}Handler(uow)(Import{{ cookiecutter.__aggregates_class }}(bad_rows))

    assert uow.published == published
