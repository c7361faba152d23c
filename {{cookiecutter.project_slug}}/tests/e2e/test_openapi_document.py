"""The OpenAPI document describes every problem the service sends, in the one shape it has.

The contract tests hold the service to the document; these say what the document promises.
"""

from typing import Any

from httpx import AsyncClient

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


async def operations(client: AsyncClient) -> list[tuple[str, dict[str, Any]]]:
    document = (await client.get("/openapi.json")).json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


async def test_every_error_is_a_problem_and_the_framework_schema_is_gone(
    client: AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()

    assert {"Problem", "FieldProblem"} <= set(document["components"]["schemas"])
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for name, operation in await operations(client):
        for status, response in operation["responses"].items():
            if int(status) >= 400 and "content" in response:
                assert response["content"] == PROBLEM, f"{name} {status}"


async def test_each_operation_names_the_problems_of_its_kind(client: AsyncClient) -> None:
    for name, operation in await operations(client):
        statuses = set(operation["responses"])
        # A declared body over the limit is refused before any route is chosen.
        assert {"413", "500"} <= statuses, name
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in statuses, name
        if "requestBody" in operation:
            assert {"400", "415"} <= statuses, name
        for response in operation["responses"].values():
            assert response["headers"]["X-Request-ID"]["required"], name


async def test_no_parameter_is_documented_as_null(client: AsyncClient) -> None:
    for name, operation in await operations(client):
        for parameter in operation.get("parameters", []):
            assert {"type": "null"} not in parameter["schema"].get("anyOf", []), name
