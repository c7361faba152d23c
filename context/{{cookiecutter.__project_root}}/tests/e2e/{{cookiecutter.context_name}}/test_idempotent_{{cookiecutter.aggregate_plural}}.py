"""POST with `Idempotency-Key`: a retry gets the first response and changes nothing."""

import asyncio
from uuid import uuid4

import pytest
from httpx import AsyncClient, Response

URL = "/{{ cookiecutter.__url_path }}"
JSON = {"Content-Type": "application/json"}


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def assert_same_response(first: Response, second: Response) -> None:
    assert second.status_code == first.status_code
    assert second.json() == first.json()
    for header in ("location", "etag"):
        assert second.headers.get(header) == first.headers.get(header)


async def stored(client: AsyncClient) -> int:
    total: int = (await client.get(URL)).json()["total"]
    return total


async def test_a_retried_create_gets_the_first_response_and_stores_one_row(
    client: AsyncClient,
) -> None:
    headers = keyed(str(uuid4()))

    first = await client.post(URL, json={"title": "Write docs"}, headers=headers)
    # Serialized again by the client, with other blanks: the same request.
    body = b'{ "title" :  "Write docs" }'
    retried = await client.post(URL, content=body, headers={**headers, **JSON})

    assert first.status_code == 201
    assert_same_response(first, retried)
    assert await stored(client) == 1


async def test_a_retried_move_is_applied_once(client: AsyncClient) -> None:
    created = (await client.post(URL, json={"title": "Write docs"})).json()
    path = f"{URL}/{created['id']}/status"
    headers = keyed(str(uuid4()))

    first = await client.post(path, json={"status": "in_progress"}, headers=headers)
    retried = await client.post(path, json={"status": "in_progress"}, headers=headers)

    assert first.status_code == 200
    assert_same_response(first, retried)
    assert (await client.get(f"{URL}/{created['id']}")).json()["version"] == 2


async def test_the_same_key_with_another_body_is_a_422_naming_the_header(
    client: AsyncClient,
) -> None:
    headers = keyed(str(uuid4()))
    await client.post(URL, json={"title": "Write docs"}, headers=headers)

    reused = await client.post(URL, json={"title": "Something else"}, headers=headers)

    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in reused.json()["errors"]] == ["Idempotency-Key"]
    assert await stored(client) == 1


async def test_a_key_belongs_to_its_path_and_requests_without_a_key_all_run(
    client: AsyncClient,
) -> None:
    headers = keyed(str(uuid4()))
    created = await client.post(URL, json={"title": "Write docs"}, headers=headers)

    path = f"{URL}/{created.json()['id']}/status"
    moved = await client.post(path, json={"status": "in_progress"}, headers=headers)
    unkeyed = [await client.post(URL, json={"title": "Write docs"}) for _ in range(2)]

    assert moved.status_code == 200
    assert moved.json()["status"] == "in_progress"
    assert [response.status_code for response in unkeyed] == [201, 201]
    assert await stored(client) == 3


async def test_a_refused_request_leaves_no_key_so_a_corrected_retry_runs(
    client: AsyncClient,
) -> None:
    created = (await client.post(URL, json={"title": "Write docs"})).json()
    path = f"{URL}/{created['id']}/status"
    headers = keyed(str(uuid4()))

    refused = await client.post(path, json={"status": "done"}, headers=headers)
    corrected = await client.post(path, json={"status": "in_progress"}, headers=headers)

    assert refused.status_code == 409
    assert corrected.status_code == 200
    assert corrected.json()["status"] == "in_progress"


@pytest.mark.parametrize("key", ["k" * 256, "", "a\tb"], ids=["long", "empty", "control"])
async def test_a_malformed_key_is_a_422_naming_the_header(client: AsyncClient, key: str) -> None:
    response = await client.post(URL, json={"title": "Write docs"}, headers=keyed(key))

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["Idempotency-Key"]
    assert await stored(client) == 0


async def test_concurrent_requests_with_one_key_store_one_row_and_get_one_answer(
    committing_client: AsyncClient,
) -> None:
    headers = keyed(str(uuid4()))

    responses = await asyncio.gather(
        *(committing_client.post(URL, json={"title": "once"}, headers=headers) for _ in range(4))
    )

    assert responses[0].status_code == 201
    for response in responses[1:]:
        assert_same_response(responses[0], response)
    assert await stored(committing_client) == 1
