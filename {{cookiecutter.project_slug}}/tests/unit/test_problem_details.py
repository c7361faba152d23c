"""Each domain error leaves the API as the problem response a client can act on."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.shared_kernel.api.problem_details import (
    install_problem_details,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    CheckViolationError,
    DomainError,
    LockedError,
    MissingReferenceError,
    SerializationFailureError,
    UniqueViolationError,
    VersionMismatchError,
)

ERRORS: dict[str, tuple[DomainError, int, list[str]]] = {
    "version": (VersionMismatchError("Task", 1, expected=2, current=3), 412, []),
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
    "check": (
        CheckViolationError("name_long_enough", "breaks name_long_enough"),
        409,
        ["name_long_enough"],
    ),
    "serialization": (SerializationFailureError(), 409, []),
    "locked": (LockedError("Task", 1), 409, []),
}


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_problem_details(app)

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
