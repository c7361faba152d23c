"""The repository contract: the same tests run on the SQL repository (real PostgreSQL, through
psycopg) and on the in-memory fake the unit tests use, so the fake cannot drift."""

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy.orm import Session

from {{ cookiecutter.__package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    InvalidValueError,
    NotFoundError,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.pagination import (
    PageRequest,
    Sort,
)
from {{ cookiecutter.__package_name }}.shared_kernel.domain.specification import (
    Filter,
    Operator,
    Specification,
)

from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.__aggregate_class }},
    {{ cookiecutter.__aggregate_class }}Field,
    {{ cookiecutter.__aggregate_class }}Status,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.domain.repository import (
    I{{ cookiecutter.__aggregate_class }}Repository,
)
from {{ cookiecutter.__package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.repository import (
    {{ cookiecutter.__aggregate_class }}Repository,
)
from tests.unit.{{ cookiecutter.context_name }}.fakes import InMemory{{ cookiecutter.__aggregate_class }}Repository

BY_TITLE = Sort({{ cookiecutter.__aggregate_class }}Field.TITLE)
NEWEST_FIRST = Sort({{ cookiecutter.__aggregate_class }}Field.CREATED_AT, descending=True)


@pytest.fixture(params=["sql", "in_memory"])
def repository(request: pytest.FixtureRequest) -> Iterator[I{{ cookiecutter.__aggregate_class }}Repository]:
    if request.param == "in_memory":
        yield InMemory{{ cookiecutter.__aggregate_class }}Repository()
        return
    session: Session = request.getfixturevalue("session")
    yield {{ cookiecutter.__aggregate_class }}Repository(session)


def stored(repository: I{{ cookiecutter.__aggregate_class }}Repository, *titles: str) -> list[{{ cookiecutter.__aggregate_class }}]:
    entities = [{{ cookiecutter.__aggregate_class }}(title=title) for title in titles]
    repository.add_many(entities)
    return entities


def titles(entities: list[{{ cookiecutter.__aggregate_class }}]) -> list[str]:
    return [entity.title for entity in entities]


def title_is(title: str) -> Specification[{{ cookiecutter.__aggregate_class }}Field]:
    return Specification.where(Filter({{ cookiecutter.__aggregate_class }}Field.TITLE, Operator.EQ, title))


def test_an_added_{{ cookiecutter.aggregate_name }}_reads_back_equal_with_version_1(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    entity = {{ cookiecutter.__aggregate_class }}(title="Write docs", description="all of them")

    repository.add(entity)
    loaded = repository.get(entity.id)

    assert (loaded.title, loaded.description, loaded.status) == (
        "Write docs",
        "all of them",
        {{ cookiecutter.__aggregate_class }}Status.OPEN,
    )
    assert loaded.version == entity.version == 1
    assert loaded.created_at == entity.created_at


def test_reads_of_an_unknown_key(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    with pytest.raises(NotFoundError):
        repository.get(uuid4())
    assert repository.get_or_none(uuid4()) is None
    assert not repository.exists(uuid4())


def test_get_many_keeps_the_order_asked_for_and_skips_unknown_keys(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    first, second, third = stored(repository, "a", "b", "c")

    found = repository.get_many([third.id, uuid4(), first.id, second.id])

    assert titles(found) == ["c", "a", "b"]


def test_count_find_and_find_one_apply_the_specification(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    stored(repository, "alpha", "beta", "alphabet", "beta")
    containing_alpha = Specification.where(
        Filter({{ cookiecutter.__aggregate_class }}Field.TITLE, Operator.CONTAINS, "ALPHA"),
    )

    assert repository.count() == 4
    assert repository.count(containing_alpha) == 2
    assert titles(repository.find(containing_alpha, BY_TITLE)) == ["alpha", "alphabet"]
    assert titles(repository.find(sort=BY_TITLE, limit=3)) == ["alpha", "alphabet", "beta"]
    found = repository.find_one(title_is("alpha"))
    assert found is not None
    assert found.title == "alpha"
    assert repository.find_one(title_is("gamma")) is None
    with pytest.raises(LookupError):
        repository.find_one(title_is("beta"))


def test_filters_compare_in_and_contains_without_pattern_characters(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    stored(repository, "a", "b", "c", "100%", "1000")
    field = {{ cookiecutter.__aggregate_class }}Field.TITLE

    def matching(operator: Operator, value: object) -> list[str]:
        return titles(
            repository.find(Specification.where(Filter(field, operator, value)), BY_TITLE)
        )

    assert matching(Operator.IN, ("a", "c")) == ["a", "c"]
    assert matching(Operator.GT, "b") == ["c"]
    assert matching(Operator.NE, "b") == ["100%", "1000", "a", "c"]
    assert matching(Operator.CONTAINS, "0%") == ["100%"]


def test_offset_pages_with_and_without_the_total(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    stored(repository, "b", "d", "a", "c", "e")

    first = repository.page(PageRequest(limit=2), sort=BY_TITLE)
    last = repository.page(PageRequest(limit=2, offset=4, with_total=False), sort=BY_TITLE)

    assert (titles(list(first.items)), first.total, first.offset) == (["a", "b"], 5, 0)
    assert first.next_cursor is not None
    assert (titles(list(last.items)), last.total, last.next_cursor) == (["e"], None, None)


BY_STATUS = Sort({{ cookiecutter.__aggregate_class }}Field.STATUS, descending=True)


@pytest.mark.parametrize("sort", [BY_TITLE, NEWEST_FIRST, BY_STATUS, None], ids=str)
def test_keyset_pages_walk_every_row_once_in_order(
    repository: I{{ cookiecutter.__aggregate_class }}Repository, sort: Sort[{{ cookiecutter.__aggregate_class }}Field] | None
) -> None:
    entities = stored(repository, *[f"t{number % 3}" for number in range(7)])  # ties on title
    for number, entity in enumerate(entities):
        entity.created_at += timedelta(seconds=number // 2)  # ties on created_at too
    for entity in entities:
        repository.update(entity)
    expected = repository.find(sort=sort)

    walked: list[{{ cookiecutter.__aggregate_class }}] = []
    cursor, pages = None, 0
    while True:
        page = repository.page_after(cursor, 3, sort=sort)
        walked += page.items
        pages += 1
        if (cursor := page.next_cursor) is None:
            break

    assert [entity.id for entity in walked] == [entity.id for entity in expected]
    assert pages == 3


def test_a_row_inserted_behind_the_cursor_does_not_shift_the_next_page(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    stored(repository, "b", "d", "f", "h")
    first = repository.page_after(None, 2, sort=BY_TITLE)

    stored(repository, "a", "c")
    second = repository.page_after(first.next_cursor, 2, sort=BY_TITLE)

    assert titles(list(first.items)) == ["b", "d"]
    assert titles(list(second.items)) == ["f", "h"]


def test_a_cursor_of_another_sort_or_other_filters_or_a_forged_one_is_refused(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    stored(repository, "a", "b", "c")
    cursor = repository.page_after(None, 1, sort=BY_TITLE).next_cursor
    still_open = Filter(
        {{ cookiecutter.__aggregate_class }}Field.STATUS,
        Operator.EQ,
        {{ cookiecutter.__aggregate_class }}Status.OPEN,
    )

    with pytest.raises(InvalidValueError, match="belongs to sort") as other_sort:
        repository.page_after(cursor, 1, sort=NEWEST_FIRST)
    with pytest.raises(InvalidValueError, match="other filters") as other_filters:
        repository.page_after(cursor, 1, Specification.where(still_open), sort=BY_TITLE)
    with pytest.raises(InvalidValueError) as forged:
        repository.page_after("not-a-cursor", 1, sort=BY_TITLE)

    fields = {other_sort.value.field, other_filters.value.field, forged.value.field}
    assert fields == {"after"}


def test_stream_yields_every_match_across_batches(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    entities = stored(repository, *[f"t{number}" for number in range(7)])

    streamed = list(repository.stream(batch_size=3))

    assert sorted(entity.id for entity in streamed) == sorted(entity.id for entity in entities)


def test_lock_returns_the_current_{{ cookiecutter.aggregate_name }}(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    (entity,) = stored(repository, "t")

    assert repository.lock(entity.id).title == "t"
    assert repository.lock(uuid4(), skip_locked=True) is None
    with pytest.raises(NotFoundError):
        repository.lock(uuid4())


def test_update_writes_the_change_and_bumps_the_version(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    (entity,) = stored(repository, "old")

    entity.rename("new")
    repository.update(entity)

    assert repository.get(entity.id).title == "new"
    assert entity.version == repository.get(entity.id).version == 2


def test_a_stale_copy_can_neither_update_nor_delete(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    (entity,) = stored(repository, "t")
    stale = repository.get(entity.id)
    entity.rename("first writer")
    repository.update(entity)

    stale.rename("second writer")
    with pytest.raises(ConcurrencyConflictError):
        repository.update(stale)
    with pytest.raises(ConcurrencyConflictError):
        repository.delete(stale)

    assert repository.get(entity.id).title == "first writer"


def test_delete_and_delete_many_remove_rows(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    first, second, third = stored(repository, "a", "b", "c")

    repository.delete(first)
    deleted = repository.delete_many([second.id, third.id, uuid4()])

    assert deleted == 2
    assert repository.count() == 0


def test_add_many_stores_every_row_at_version_1(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    entities = stored(repository, *[f"t{number}" for number in range(25)])

    assert repository.count() == 25
    assert {entity.version for entity in entities} == {1}


def test_upsert_inserts_new_rows_and_overwrites_stored_ones(
    repository: I{{ cookiecutter.__aggregate_class }}Repository,
) -> None:
    (existing,) = stored(repository, "old")
    changed = {{ cookiecutter.__aggregate_class }}(id=existing.id, title="overwritten")
    new = {{ cookiecutter.__aggregate_class }}(title="new")

    repository.upsert_many([changed, new])
    repository.upsert(new)

    assert (changed.version, new.version) == (2, 2)
    assert repository.get(existing.id).title == "overwritten"
    assert repository.count() == 2
