"""Each domain error leaves the API as the problem response a client can act on."""

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.shared_kernel.api.problem_details import (
    field_name,
    install_problem_details,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    CheckViolationError,
    ConcurrencyConflictError,
    DomainError,
    LockedError,
    MissingReferenceError,
    SerializationFailureError,
    StillReferencedError,
    UniqueViolationError,
    VersionMismatchError,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    NAMING_CONVENTION,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.sql_errors import (
    translate_sql_errors,
)

ERRORS: dict[str, tuple[DomainError, int, list[str]]] = {
    "version": (VersionMismatchError("Task", 1, expected={2}, current=3), 412, []),
    "unique": (
        UniqueViolationError(("team", "name"), "team, name must be unique"),
        409,
        ["team", "name"],
    ),
    "reference": (
        MissingReferenceError("team_id", "team_id must refer to a row"),
        422,
        ["team_id"],
    ),
    "still referenced": (
        StillReferencedError("team_id", "the row is still referenced by team_id of other rows"),
        409,
        ["team_id"],
    ),
    "check": (
        CheckViolationError("name_long_enough", "breaks name_long_enough"),
        409,
        ["name_long_enough"],
    ),
    "serialization": (SerializationFailureError(), 409, []),
    "locked": (LockedError("Task", 1), 409, []),
    "concurrency": (ConcurrencyConflictError("Task", 1), 409, []),
}


METADATA = MetaData(naming_convention=NAMING_CONVENTION)
Table("test_tasks", METADATA, Column("title", String, unique=True))


class DuplicateTitleError(Exception):
    """What psycopg raises: the SQLSTATE and the constraint's name beside a detailed message."""

    sqlstate = "23505"
    diag = SimpleNamespace(constraint_name="uq_test_tasks_title")


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_problem_details(app)

    @app.get("/sql")
    async def fail_in_sql() -> None:
        with translate_sql_errors(METADATA):
            raise IntegrityError(
                "INSERT INTO test_tasks (title) VALUES (%(title)s)",
                {"title": "Secret plans"},
                DuplicateTitleError("Key (title)=(Secret plans) already exists."),
            )

    @app.get("/{name}")
    async def fail(name: str) -> None:
        raise ERRORS[name][0]

    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        yield client


@pytest.mark.parametrize("name", ERRORS)
async def test_each_error_has_its_status_and_names_its_fields(
    client: AsyncClient, name: str
) -> None:
    error, status, fields = ERRORS[name]

    response = await client.get(f"/{name}")

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == str(error)
    assert [item["field"] for item in response.json().get("errors", [])] == fields
    for sql in ("INSERT", "UPDATE", "DELETE", "SELECT", "SQLSTATE", "Key ("):
        assert sql not in response.text


async def test_an_sql_error_answers_with_its_field_and_nothing_of_the_sql(
    client: AsyncClient,
) -> None:
    response = await client.get("/sql")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert [item["field"] for item in response.json()["errors"]] == ["title"]
    for leak in ("Secret plans", "INSERT", "test_tasks", "Key ("):
        assert leak not in response.text


@pytest.mark.parametrize(
    ("location", "field"),
    [
        (("body", "title"), "title"),
        (("body", "lines", 2, "quantity"), "lines[2].quantity"),
        (("body", 0), "[0]"),
        (("body",), "body"),
        (("query", "limit"), "limit"),
        (("query", "filter", 1), "filter[1]"),
        (("path", "id"), "id"),
        (("header", "if-match"), "If-Match"),
        (("header", "idempotency-key"), "Idempotency-Key"),
    ],
)
def test_a_field_is_named_as_the_client_sends_it(
    location: tuple[str | int, ...], field: str
) -> None:
    assert field_name(location) == field
