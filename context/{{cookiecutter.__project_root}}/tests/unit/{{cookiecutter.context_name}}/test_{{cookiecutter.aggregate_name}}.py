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
