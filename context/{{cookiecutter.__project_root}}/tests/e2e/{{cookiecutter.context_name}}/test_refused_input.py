"""Input the database cannot take, or the service did not issue, is a 4xx naming it: never a 500."""

import base64
import json
from typing import Any

import pytest
from httpx import AsyncClient

URL = "/{{ cookiecutter.__url_path }}"
JSON = {"Content-Type": "application/json"}


async def create(client: AsyncClient, title: str = "Write docs") -> str:
    response = await client.post(URL, json={"title": title})
    assert response.status_code == 201, response.text
    return f"{URL}/{response.json()['id']}"


def fields_of(problem: dict[str, list[dict[str, str]]]) -> list[str]:
    return [error["field"] for error in problem["errors"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"title": "a\\u0000b"}', "title"),
        ('{"title": "\\ud800"}', "title"),
        ('{"title": "t", "description": "a\\u0000b"}', "description"),
        ('{"title": "t", "description": "\\udfff"}', "description"),
    ],
)
async def test_text_postgresql_cannot_store_is_a_422_naming_the_field(
    client: AsyncClient, body: str, field: str
) -> None:
    url = await create(client)

    created = await client.post(URL, content=body, headers=JSON)
    changed = await client.patch(url, content=body, headers=JSON)

    assert (created.status_code, changed.status_code) == (422, 422)
    assert fields_of(created.json()) == fields_of(changed.json()) == [field]
    assert (await client.get(URL)).json()["total"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter": "title:eq:a\x00b"}, "filter"),
        ({"filter": "title:contains:\x00"}, "filter"),
        ({"filter": "created_at:gt:9999-12-31T23:59:59-23:59"}, "filter"),
        ({"filter": "created_at:lt:0001-01-01T00:00:00+23:59"}, "filter"),
        ({"offset": "9223372036854775808"}, "offset"),
        ({"offset": "1000001"}, "offset"),
        ({"limit": "9" * 30}, "limit"),
        # Each value is a query parameter; PostgreSQL takes at most 32,767.
        ({"filter": "title:in:" + ",".join(["t"] * 101)}, "filter"),
        ({"filter": ["title:eq:t"] * 21}, "filter"),
    ],
)
async def test_a_query_value_out_of_range_is_a_422_naming_the_parameter(
    client: AsyncClient, params: dict[str, str | list[str]], field: str
) -> None:
    response = await client.get(URL, params=params)

    assert response.status_code == 422, response.text
    assert fields_of(response.json()) == [field]


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ('"1"', 200),
        ('"7", "1"', 200),  # a list holds when any of its tags does
        ("*", 200),
        ('W/"1"', 412),  # a weak tag never matches
        ('"' + "9" * 5000 + '"', 412),
        ('"7", "8"', 412),
    ],
)
async def test_if_match_holds_when_a_strong_tag_names_the_current_version(
    client: AsyncClient, if_match: str, status: int
) -> None:
    url = await create(client)

    response = await client.patch(url, json={"title": "changed"}, headers={"If-Match": if_match})

    assert response.status_code == status, response.text
    changed = (await client.get(url)).json()["title"] == "changed"
    assert changed is (status == 200)


async def next_cursor(client: AsyncClient, params: dict[str, str]) -> list[Any]:
    """The payload of a cursor the service issued for `params`, to forge others from."""
    await create(client, "a")
    await create(client, "b")
    cursor = (await client.get(URL, params={**params, "limit": "1"})).json()["next_cursor"]
    payload: list[Any] = json.loads(base64.urlsafe_b64decode(cursor + "=="))
    return payload


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("values", "sort"),
    [
        ('["abc", "def"]', "-created_at"),  # text that is no datetime or id
        ('[1, "{id}"]', "-created_at"),
        ('["{at}", 1]', "-created_at"),
        ('["{at}", 123456789012345678901234567890]', "-created_at"),
        ('[NaN, "{id}"]', "-created_at"),
        ('[true, "{id}"]', "-created_at"),
        ('["{at}", "{id}", "{id}"]', "-created_at"),
        ('["{at}"]', "-created_at"),
        ('[["", "x"], "{id}"]', "-created_at"),  # a tag and a value, the tag empty
        ('["a\\u0000", "{id}"]', "title"),
        ('[1e999, "{id}"]', "title"),
        ('["blue", "{id}"]', "status"),
        ('{"at": "{at}"}', "-created_at"),
    ],
)
async def test_a_forged_cursor_is_a_422_naming_after(
    client: AsyncClient, values: str, sort: str
) -> None:
    sort_key, digest, (at, key) = await next_cursor(client, {"sort": sort})
    text = values.replace("{at}", str(at)).replace("{id}", str(key))
    forged = encoded(f'["{sort_key}", "{digest}", {text}]')

    response = await client.get(URL, params={"sort": sort, "after": forged})

    assert response.status_code == 422, response.text
    assert fields_of(response.json()) == ["after"]


@pytest.mark.parametrize(
    "forged",
    [
        # ["-created_at",[["s","abc"],["s","def"]]]
        "WyItY3JlYXRlZF9hdCIsW1sicyIsImFiYyJdLFsicyIsImRlZiJdXV0",
        encoded('"a cursor"'),
        encoded("[" * 5000),
    ],
)
async def test_a_cursor_of_another_form_is_a_422_naming_after(
    client: AsyncClient, forged: str
) -> None:
    response = await client.get(URL, params={"after": forged})

    assert response.status_code == 422, response.text
    assert fields_of(response.json()) == ["after"]


async def test_a_cursor_issued_for_other_filters_is_a_422_naming_after(
    client: AsyncClient,
) -> None:
    await next_cursor(client, {})
    first = await client.get(URL, params={"limit": "1", "filter": "status:eq:open"})
    cursor = first.json()["next_cursor"]

    same = await client.get(URL, params={"after": cursor, "filter": "status:eq:open"})
    other = await client.get(URL, params={"after": cursor, "filter": "title:eq:a"})

    assert same.status_code == 200
    assert [item["title"] for item in same.json()["items"]] == ["a"]
    assert other.status_code == 422
    assert fields_of(other.json()) == ["after"]
    assert "other filters" in other.json()["errors"][0]["message"]
