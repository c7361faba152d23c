"""The OpenAPI document is the wire contract: every problem a route can answer is in it.

A router names what its routes can do (`problem_responses(404, 409, 503)`); `document_problems`
adds what holds for every route of its kind: 422 where parameters or a body are validated
(instead of the framework's own validation schema, which the service never sends), 400 and
415 where a body is read, 413 and 500 everywhere, and the `X-Request-ID` header on every
response.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

from .middleware.request_id import HEADER as REQUEST_ID_HEADER
from .problem_details import PROBLEM_JSON, RETRY_AFTER_SECONDS


class FieldProblem(BaseModel):
    field: str = Field(description="As the client sends it, such as `title` or `If-Match`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str = Field(description="The status's phrase, such as Not Found.")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What went wrong, for a person to read.")
    instance: str = Field(description="The path of the request.")
    errors: list[FieldProblem] = Field(
        default_factory=list, description="For invalid values: one entry per field."
    )


DESCRIPTIONS: dict[int, str] = {
    400: "The body is not JSON (malformed, or not UTF-8); `errors` names `body`.",
    404: "Nothing has this id.",
    409: "The change conflicts with the current state or a concurrent change.",
    412: "If-Match names a version that is no longer current.",
    413: "The body is larger than the service accepts.",
    415: "The body is not application/json.",
    422: "A value is invalid; `errors` names each field.",
    500: "The service failed; the X-Request-ID header finds its log lines.",
    503: "The database is unavailable; retry after Retry-After seconds.",
}
_HEADERS: dict[int, dict[str, Any]] = {
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "required": True,
            "schema": {"type": "integer", "example": RETRY_AFTER_SECONDS},
        },
    },
}
_REQUEST_ID = {
    "description": "The request's id, as given (when sensible) or made up; log lines carry it.",
    "required": True,
    "schema": {"type": "string"},
}
# Answered by the request-body checks to every route that reads a body.
_BODY_READ = (400, 415)
# Answered before any route is chosen: a declared body over the limit, on any operation.
_ANY_ROUTE = (413, 500)
_FRAMEWORK_VALIDATION = "#/components/schemas/HTTPValidationError"


def problem_responses(
    *statuses: int, descriptions: Mapping[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that can answer these problems."""
    described = {**DESCRIPTIONS, **(descriptions or {})}
    return {status: _problem_response(status, described[status]) for status in statuses}


def _problem_response(status: int, description: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if headers := _HEADERS.get(status):
        response["headers"] = dict(headers)
    return response


def document_problems(app: FastAPI) -> None:
    """Completes the app's OpenAPI document with the problems every route can answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _complete(generate())
        return generate()

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension point


def _complete(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _complete_operation(operation)
    for framework_schema in ("HTTPValidationError", "ValidationError"):
        schemas.pop(framework_schema, None)


def _complete_operation(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        parameter["schema"] = _never_null(parameter["schema"])
    responses: dict[str, Any] = operation["responses"]
    validation = responses.get("422", {}).get("content", {}).get("application/json", {})
    if validation.get("schema", {}).get("$ref") == _FRAMEWORK_VALIDATION:
        responses["422"] = _problem_response(422, DESCRIPTIONS[422])
    statuses = [*(_BODY_READ if "requestBody" in operation else ()), *_ANY_ROUTE]
    for status in statuses:
        responses.setdefault(str(status), _problem_response(status, DESCRIPTIONS[status]))
    for response in responses.values():
        response.setdefault("headers", {})[REQUEST_ID_HEADER] = _REQUEST_ID


def _never_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without the framework's `null` for an optional one: a parameter
    is absent or a string on the wire, never null (a client would send the text "null")."""
    branches = [branch for branch in schema.get("anyOf", []) if branch != {"type": "null"}]
    if not branches or len(branches) == len(schema["anyOf"]):
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**rest, **branches[0]} if len(branches) == 1 else {**rest, "anyOf": branches}


def links_by_id(*operation_ids: str) -> dict[str, Any]:
    """OpenAPI links from a response whose body has an `id` to the operations (named by their
    operation id) that take it as their `id` parameter: clients and contract tests follow
    them from a created resource to what can be done with it."""
    return {
        operation_id: {"operationId": operation_id, "parameters": {"id": "$response.body#/id"}}
        for operation_id in operation_ids
    }
