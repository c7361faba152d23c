"""Every error leaves the API as RFC 9457 `application/problem+json`.

An error about values names them in `errors`, one `{"field", "message"}` per field: the field
of an `InvalidValueError` (a `MissingReferenceError` too), each column of a
`UniqueViolationError`, and the rule of a `CheckViolationError` (as its `field`, so a client
reads every such error one way).
"""

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..application.request_context import current_request_id
from ..domain.errors import (
    CheckViolationError,
    ConflictError,
    DomainError,
    InvalidValueError,
    NotFoundError,
    UniqueViolationError,
    VersionMismatchError,
)
from .request_id import HEADER as REQUEST_ID_HEADER

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=Exception)

PROBLEM_JSON = "application/problem+json"
UNPROCESSABLE = HTTPStatus(422)  # named UNPROCESSABLE_CONTENT from Python 3.13 on

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
    if isinstance(error, InvalidValueError):
        return problem(request, status, str(error), errors=[_field_error(error.field, str(error))])
    if isinstance(error, UniqueViolationError):
        errors = [_field_error(field, str(error)) for field in error.fields]
        return problem(request, status, str(error), errors=errors)
    if isinstance(error, CheckViolationError):
        return problem(request, status, str(error), errors=[_field_error(error.rule, str(error))])
    return problem(request, status, str(error))


def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [
        _field_error(".".join(str(part) for part in item["loc"]), item["msg"])
        for item in error.errors()
    ]
    fields = ", ".join(entry["field"] for entry in errors)
    return problem(request, UNPROCESSABLE, f"invalid request: {fields}", errors=errors)


def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    status = HTTPStatus(error.status_code)
    detail = error.detail if isinstance(error.detail, str) else status.description
    return problem(request, status, detail)


def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    # The client gets no internals (SQL, stack, connection strings); the log keeps them.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    status = HTTPStatus.INTERNAL_SERVER_ERROR
    response = problem(request, status, "the server failed to handle this request")
    # This handler answers from outside every middleware, the request-id one included.
    if request_id := current_request_id.get():
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def install_problem_details(app: FastAPI) -> None:
    _handle(app, DomainError, _domain_error)
    _handle(app, RequestValidationError, _validation_error)
    _handle(app, HTTPException, _http_error)
    _handle(app, Exception, _unexpected_error)


def _handle(app: FastAPI, kind: type[E], respond: Callable[[Request, E], JSONResponse]) -> None:
    async def handler(request: Request, error: Exception) -> JSONResponse:
        if not isinstance(error, kind):
            raise error
        return respond(request, error)

    app.add_exception_handler(kind, handler)
