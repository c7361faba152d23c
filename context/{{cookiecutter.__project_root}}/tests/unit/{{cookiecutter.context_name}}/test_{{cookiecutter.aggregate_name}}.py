import pytest

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    InvalidValueError,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    DESCRIPTION_MAX_LENGTH,
    {{ cookiecutter.__aggregate_class }},
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.errors import (
    {{ cookiecutter.__aggregate_class }}StatusTransitionError,
    {{ cookiecutter.__aggregate_class }}TitleError,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.events import (
    {{ cookiecutter.__aggregate_class }}Created,
    {{ cookiecutter.__aggregate_class }}Deleted,
    {{ cookiecutter.__aggregate_class }}Described,
    {{ cookiecutter.__aggregate_class }}Moved,
    {{ cookiecutter.__aggregate_class }}Renamed,
)


def test_a_new_{{ cookiecutter.aggregate_name }}_is_open_with_a_time_ordered_id() -> None:
    first, second = {{ cookiecutter.__aggregate_class }}(title="first"), {{ cookiecutter.__aggregate_class }}(title="second")

    assert first.status is {{ cookiecutter.__aggregate_class }}Status.OPEN
    assert first.id.version == 7
    assert first.id < second.id


def test_the_title_is_trimmed() -> None:
    assert {{ cookiecutter.__aggregate_class }}(title="  Write docs  ").title == "Write docs"


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_blank_or_overlong_title_is_refused(title: str) -> None:
    with pytest.raises({{ cookiecutter.__aggregate_class }}TitleError) as refused:
        {{ cookiecutter.__aggregate_class }}(title=title)

    assert refused.value.field == "title"


@pytest.mark.parametrize(
    ("title", "description", "field"),
    [
        ("a\x00b", "", "title"),
        ("\ud800", "", "title"),
        ("t", "a\x00b", "description"),
        ("t", "x" * (DESCRIPTION_MAX_LENGTH + 1), "description"),
    ],
)
def test_text_the_database_cannot_store_or_an_overlong_description_is_refused(
    title: str, description: str, field: str
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")
    change = entity.rename if field == "title" else entity.describe
    with pytest.raises(InvalidValueError) as created:
        {{ cookiecutter.__aggregate_class }}(title=title, description=description)
    with pytest.raises(InvalidValueError) as changed:
        change(title if field == "title" else description)

    assert created.value.field == changed.value.field == field
    assert (entity.title, entity.description) == ("t", "")


def test_a_description_of_the_maximum_length_is_kept() -> None:
    description = "x" * DESCRIPTION_MAX_LENGTH

    assert {{ cookiecutter.__aggregate_class }}(title="t", description=description).description == description


def test_it_moves_from_open_to_in_progress_to_done() -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")
    created_at = entity.updated_at

    entity.move_to({{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS)
    entity.move_to({{ cookiecutter.__aggregate_class }}Status.DONE)

    assert entity.status is {{ cookiecutter.__aggregate_class }}Status.DONE
    assert entity.updated_at >= created_at


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "done"),
        (["in_progress", "done"], "open"),
        (["in_progress", "done"], "in_progress"),
    ],
)
def test_an_illegal_transition_is_refused(path: list[str], illegal: str) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")
    for status in path:
        entity.move_to({{ cookiecutter.__aggregate_class }}Status(status))

    with pytest.raises({{ cookiecutter.__aggregate_class }}StatusTransitionError):
        entity.move_to({{ cookiecutter.__aggregate_class }}Status(illegal))

    assert entity.status == (path[-1] if path else "open")


def test_renaming_validates_the_new_title() -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")

    with pytest.raises({{ cookiecutter.__aggregate_class }}TitleError):
        entity.rename(" ")

    assert entity.title == "t"


def test_create_records_that_the_{{ cookiecutter.aggregate_name }}_was_created_at_version_one() -> None:
    entity = {{ cookiecutter.__aggregate_class }}.create(title="  Write docs ", description="d")

    (created,) = entity.pull_events()
    assert isinstance(created, {{ cookiecutter.__aggregate_class }}Created)
    assert (created.aggregate_id, created.aggregate_version) == (entity.id, 1)
    assert (created.title, created.description, created.status) == ("Write docs", "d", "open")
    assert created.id.version == 7
    assert entity.pull_events() == []


def test_the_constructor_records_nothing_as_it_also_rebuilds_stored_ones() -> None:
    assert {{ cookiecutter.__aggregate_class }}(title="t", version=3).pull_events() == []


def test_each_change_records_an_event_for_the_version_it_makes() -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t", version=4)

    entity.rename("new")
    entity.describe("more")
    entity.move_to({{ cookiecutter.__aggregate_class }}Status.IN_PROGRESS)
    entity.delete()

    renamed, described, moved, deleted = entity.pull_events()
    assert isinstance(renamed, {{ cookiecutter.__aggregate_class }}Renamed)
    assert renamed.title == "new"
    assert isinstance(described, {{ cookiecutter.__aggregate_class }}Described)
    assert described.description == "more"
    assert isinstance(moved, {{ cookiecutter.__aggregate_class }}Moved)
    assert (moved.from_status, moved.to_status) == ("open", "in_progress")
    assert isinstance(deleted, {{ cookiecutter.__aggregate_class }}Deleted)
    events = (renamed, described, moved, deleted)
    assert {event.aggregate_version for event in events} == {5}
    assert {event.aggregate_id for event in events} == {entity.id}


def test_a_refused_change_records_nothing() -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="t")

    with pytest.raises({{ cookiecutter.__aggregate_class }}StatusTransitionError):
        entity.move_to({{ cookiecutter.__aggregate_class }}Status.DONE)
    with pytest.raises({{ cookiecutter.__aggregate_class }}TitleError):
        entity.rename(" ")

    assert entity.pull_events() == []
