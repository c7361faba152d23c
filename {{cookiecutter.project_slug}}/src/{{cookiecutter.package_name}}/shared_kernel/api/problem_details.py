"""Every error leaves the API as RFC 9457 `application/problem+json`.

An error about values names them in `errors`, one `{"field", "message"}` per field: the field
of an `InvalidValueError` (a `MissingReferenceError` too), each column of a
`UniqueViolationError`, the rule of a `CheckViolationError` and the referring columns of a
`StillReferencedError` (as its `field`, so a client reads every such error one way). Fields
are named as the client sends them (`field_name`).
A body that is not JSON is a 400 naming `body`, one whose media type is not JSON a 415.
"""

import logging
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..application.errors import ServiceUnavailableError
from ..domain.errors import (
    CheckViolationError,
    ConflictError,
    DomainError,
    InvalidValueError,
    NotFoundError,
    StillReferencedError,
    UniqueViolationError,
    VersionMismatchError,
)

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=Exception)

PROBLEM_JSON = "application/problem+json"
UNPROCESSABLE = HTTPStatus(422)  # named UNPROCESSABLE_CONTENT from Python 3.13 on

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_STATUS_BY_ERROR: list[tuple[type[DomainError], HTTPStatus]] = [
    (NotFoundError, HTTPStatus.NOT_FOUND),
    (InvalidValueError, UNPROCESSABLE),
    (VersionMismatchError, HTTPStatus.PRECONDITION_FAILED),
    (ConflictError, HTTPStatus.CONFLICT),
]


def problem(request: Request, status: HTTPStatus, detail: str, **extensions: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": status.phrase,
        "status": status.value,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return JSONResponse(body, status_code=status.value, media_type=PROBLEM_JSON)


def _domain_error(request: Request, error: DomainError) -> JSONResponse:
    status = next(
        (status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)),
        HTTPStatus.BAD_REQUEST,
    )
    if fields := _named_fields(error):
        errors = [_field_error(field, str(error)) for field in fields]
        return problem(request, status, str(error), errors=errors)
    return problem(request, status, str(error))


def _named_fields(error: DomainError) -> tuple[str, ...]:
    """What the error names for the client's `errors`; none for the rest."""
    if isinstance(error, InvalidValueError):
        return (error.field,)
    if isinstance(error, UniqueViolationError):
        return error.fields
    if isinstance(error, CheckViolationError):
        return (error.rule,)
    if isinstance(error, StillReferencedError):
        return (error.reference,)
    return ()


def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    if isinstance(error.body, bytes):
        # The framework leaves a body it did not parse as JSON as bytes: its media type is
        # not JSON.
        sent = request.headers.get("content-type")
        detail = "the body must be application/json" + (f", not {sent}" if sent else "")
        return problem(request, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, detail)
    if any(item["type"] == "json_invalid" for item in error.errors()):
        return _unreadable_body(request, "the body is not valid JSON")
    errors = [_field_error(field_name(item["loc"]), item["msg"]) for item in error.errors()]
    fields = ", ".join(entry["field"] for entry in errors)
    return problem(request, UNPROCESSABLE, f"invalid request: {fields}", errors=errors)


def field_name(location: Sequence[str | int]) -> str:
    """A field as the client sends it: `title`, `lines[2].quantity`, `limit`, `If-Match`;
    the body as a whole is `body`."""
    where, *path = location
    if where == "header" and path:
        return "-".join(part.capitalize() for part in str(path[0]).split("-"))
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or str(where)


def _unreadable_body(request: Request, detail: str) -> JSONResponse:
    status = HTTPStatus.BAD_REQUEST
    return problem(request, status, detail, errors=[_field_error("body", detail)])


def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    if error.status_code == HTTPStatus.BAD_REQUEST and error.__cause__ is not None:
        # What the framework raises for a body it cannot decode (not UTF-8, or nested too
        # deeply for the parser): the same answer as for malformed JSON.
        return _unreadable_body(request, "the body is not valid JSON")
    status = HTTPStatus(error.status_code)
    detail = error.detail if isinstance(error.detail, str) else status.description
    response = problem(request, status, detail)
    # Such as Connection: close on a 413.
    response.headers.update(error.headers or {})
    if status is HTTPStatus.METHOD_NOT_ALLOWED:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """The methods this path takes. The router names only those of the first route that
    matches the path, while each method of a path is a route of its own."""

    def takes(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)

    return [method for method in _METHODS if takes(method)]


# Seconds a client waits before it retries while the database is unavailable.
RETRY_AFTER_SECONDS = 5


def _service_unavailable(request: Request, error: ServiceUnavailableError) -> JSONResponse:
    # The cause is logged by its class alone: a driver's message can quote the values sent.
    cause = type(error.__cause__ or error).__name__
    logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, cause)
    response = problem(request, HTTPStatus.SERVICE_UNAVAILABLE, str(error))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def install_problem_details(app: FastAPI) -> None:
    _handle(app, DomainError, _domain_error)
    _handle(app, RequestValidationError, _validation_error)
    _handle(app, HTTPException, _http_error)
    _handle(app, ServiceUnavailableError, _service_unavailable)


def _handle(app: FastAPI, kind: type[E], respond: Callable[[Request, E], JSONResponse]) -> None:
    async def handler(request: Request, error: Exception) -> JSONResponse:
        if not isinstance(error, kind):
            raise error
        return respond(request, error)

    app.add_exception_handler(kind, handler)
