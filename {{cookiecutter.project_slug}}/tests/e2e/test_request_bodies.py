"""A request body is JSON within a size limit; anything else is a problem naming what is wrong."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from pydantic import BaseModel

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import create_app

from .conftest import client_for, client_of, settings_under_test

LIMIT = 1024
CHUNK = b" " * 256
PROBLEM_JSON = "application/problem+json"
JSON = {"Content-Type": "application/json"}


class Note(BaseModel):
    text: str


class Chunks:
    """A streamed body (chunked transfer) that counts how much of it was read."""

    def __init__(self, count: int, first: bytes = b"") -> None:
        self.count = count
        self.first = first
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.first:
            yield self.first
        for _ in range(self.count):
            self.read += 1
            yield CHUNK


@pytest.fixture
async def client(database: Database) -> AsyncIterator[AsyncClient]:
    """The application with a body limit of LIMIT bytes and one more route, which reads JSON."""
    async with echo_client(database, LIMIT) as client:
        yield client


@asynccontextmanager
async def echo_client(database: Database, max_body_bytes: int) -> AsyncIterator[AsyncClient]:
    settings = settings_under_test(http={"max_body_bytes": max_body_bytes})
    app: FastAPI = create_app(settings, database)

    async def echo(note: Note) -> Note:
        return note

    app.add_api_route("/_echo-body", echo, methods=["POST"])
    async with client_for(app) as client:
        yield client


def note_of_size(size: int) -> bytes:
    frame = b'{"text": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


async def test_a_body_at_the_limit_is_read(client: AsyncClient) -> None:
    body = note_of_size(LIMIT)

    response = await client.post("/_echo-body", content=body, headers=JSON)

    assert response.status_code == 200
    assert len(response.json()["text"]) == LIMIT - len(b'{"text": ""}')


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    client: AsyncClient,
) -> None:
    body = Chunks(count=10_000)
    headers = {**JSON, "Content-Length": str(10_000 * len(CHUNK))}

    response = await client.post("/_echo-body", content=body, headers=headers)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["connection"] == "close"
    assert response.json()["detail"] == f"the request body is larger than {LIMIT} bytes"
    assert body.read == 0


async def test_a_streamed_body_is_refused_once_it_passes_the_limit(client: AsyncClient) -> None:
    body = Chunks(count=10_000, first=b'{"text": "')

    response = await client.post("/_echo-body", content=body, headers=JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    # Reading stopped at the chunk that passed the limit: the rest was never held.
    assert body.read == LIMIT // len(CHUNK)


async def test_the_default_limit_is_one_mebibyte_on_every_route(database: Database) -> None:
    headers = {"Content-Length": str(1024 * 1024 + 1)}

    async with client_of(database) as default_client:
        refused = await default_client.post("/health/live", content=Chunks(0), headers=headers)

    assert refused.status_code == 413


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
async def test_a_body_that_is_not_json_is_a_415(client: AsyncClient, content_type: str) -> None:
    response = await client.post(
        "/_echo-body", content=b'{"text": "x"}', headers={"Content-Type": content_type}
    )

    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM_JSON
    assert content_type in response.json()["detail"]


@pytest.mark.parametrize("body", [b'{"text": ', b'{"text": "\xe9"}', b"\x80"])
async def test_malformed_json_and_text_that_is_not_utf8_are_one_400(
    client: AsyncClient, body: bytes
) -> None:
    response = await client.post("/_echo-body", content=body, headers=JSON)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert (problem["title"], problem["detail"]) == ("Bad Request", "the body is not valid JSON")
    assert [error["field"] for error in problem["errors"]] == ["body"]


async def test_a_body_nested_deeper_than_the_parser_goes_is_the_same_400(
    database: Database,
) -> None:
    async with echo_client(database, 1024 * 1024) as client:
        response = await client.post("/_echo-body", content=b"[" * 100_000, headers=JSON)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["body"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "text"), ({"text": 3}, "text"), ([], "body")],
)
async def test_an_invalid_value_names_the_field_as_the_client_sends_it(
    client: AsyncClient, body: object, field: str
) -> None:
    response = await client.post("/_echo-body", json=body)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]
