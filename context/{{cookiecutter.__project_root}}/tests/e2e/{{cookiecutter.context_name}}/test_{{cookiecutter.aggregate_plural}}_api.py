from uuid import uuid4

import pytest
from httpx import AsyncClient

PROBLEM_JSON = "application/problem+json"


async def create(client: AsyncClient, title: str = "Write docs") -> dict[str, object]:
    response = await client.post("/{{ cookiecutter.__url_path }}", json={"title": title})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_create_answers_201_with_location_and_the_row_is_stored(
    client: AsyncClient,
) -> None:
    body = {"title": "Write docs", "description": "d"}

    response = await client.post("/{{ cookiecutter.__url_path }}", json=body)

    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/{{ cookiecutter.__url_path }}/{created['id']}"
    assert (created["status"], created["version"]) == ("open", 1)
    # A new request gets a new session: it sees the row only if the first one committed.
    fetched = await client.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_an_invalid_body_is_a_422_problem_naming_the_field(client: AsyncClient) -> None:
    response = await client.post("/{{ cookiecutter.__url_path }}", json={"title": ""})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == 422
    assert [error["field"] for error in problem["errors"]] == ["title"]


async def test_a_blank_title_refused_by_the_domain_is_a_422_naming_title(
    client: AsyncClient,
) -> None:
    response = await client.post("/{{ cookiecutter.__url_path }}", json={"title": "   "})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert (await client.get("/{{ cookiecutter.__url_path }}")).json()["total"] == 0


async def test_an_unknown_id_is_a_404_problem(client: AsyncClient) -> None:
    response = await client.get(f"/{{ cookiecutter.__url_path }}/{uuid4()}")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["title"] == "Not Found"


async def test_patch_changes_only_the_given_fields(client: AsyncClient) -> None:
    created = await create(client)

    url = f"/{{ cookiecutter.__url_path }}/{created['id']}"
    response = await client.patch(url, json={"description": "new"})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["description"]) == ("Write docs", "new")
    assert response.json()["version"] == 2


async def test_status_moves_along_allowed_transitions_only(client: AsyncClient) -> None:
    created = await create(client)
    path = f"/{{ cookiecutter.__url_path }}/{created['id']}/status"

    skipped = await client.post(path, json={"status": "done"})
    started = await client.post(path, json={"status": "in_progress"})

    assert skipped.status_code == 409
    assert skipped.headers["content-type"] == PROBLEM_JSON
    assert "cannot move from open to done" in skipped.json()["detail"]
    assert started.status_code == 200
    assert started.json()["status"] == "in_progress"


async def test_delete_answers_204_and_the_{{ cookiecutter.aggregate_name }}_is_gone(client: AsyncClient) -> None:
    created = await create(client)

    deleted = await client.delete(f"/{{ cookiecutter.__url_path }}/{created['id']}")

    assert deleted.status_code == 204
    assert (await client.get(f"/{{ cookiecutter.__url_path }}/{created['id']}")).status_code == 404
    assert (await client.delete(f"/{{ cookiecutter.__url_path }}/{created['id']}")).status_code == 404


async def test_list_filters_sorts_and_pages(client: AsyncClient) -> None:
    for title in ["b", "c", "a"]:
        await create(client, title)
    first = await client.get("/{{ cookiecutter.__url_path }}", params={"sort": "title", "limit": 2})
    rest = await client.get(
        "/{{ cookiecutter.__url_path }}",
        params={"sort": "title", "limit": 2, "offset": 2},
    )
    done = await client.get("/{{ cookiecutter.__url_path }}", params={"filter": "status:eq:done"})
    titled = await client.get(
        "/{{ cookiecutter.__url_path }}",
        params={"filter": ["status:in:open,done", "title:contains:B"]},
    )

    assert [item["title"] for item in first.json()["items"]] == ["a", "b"]
    assert [item["title"] for item in rest.json()["items"]] == ["c"]
    assert first.json()["total"] == 3
    assert done.json() == {"items": [], "total": 0, "limit": 50, "offset": 0, "next_cursor": None}
    assert [item["title"] for item in titled.json()["items"]] == ["b"]


async def test_next_cursor_walks_the_rest_by_keyset(client: AsyncClient) -> None:
    for title in ["e", "d", "c", "b", "a"]:
        await create(client, title)
    params: dict[str, str | int] = {"sort": "title", "limit": 2}

    url = "/{{ cookiecutter.__url_path }}"
    first = (await client.get(url, params=params)).json()
    second = (await client.get(url, params={**params, "after": first["next_cursor"]})).json()
    third = (await client.get(url, params={**params, "after": second["next_cursor"]})).json()

    pages = [[item["title"] for item in page["items"]] for page in (first, second, third)]
    assert pages == [["a", "b"], ["c", "d"], ["e"]]
    assert (second["total"], second["offset"], third["next_cursor"]) == (None, None, None)


@pytest.mark.parametrize(
    ("params", "field", "named"),
    [
        ({"sort": "password"}, "sort", "sort"),
        ({"filter": "password:eq:x"}, "filter", "password"),
        ({"filter": "title:like:x"}, "filter", "like"),
        ({"filter": "created_at:gt:yesterday"}, "filter", "created_at"),
        ({"filter": "status:contains:o"}, "filter", "status"),
        ({"after": "forged"}, "after", "cursor"),
    ],
)
async def test_an_unknown_field_operator_or_value_is_a_422_naming_it(
    client: AsyncClient, params: dict[str, str], field: str, named: str
) -> None:
    response = await client.get("/{{ cookiecutter.__url_path }}", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    (error,) = response.json()["errors"]
    assert error["field"] == field
    assert named in error["message"]


async def test_get_returns_the_version_as_etag(client: AsyncClient) -> None:
    created = await create(client)

    response = await client.get(f"/{{ cookiecutter.__url_path }}/{created['id']}")

    assert response.headers["etag"] == '"1"'


async def test_if_match_applies_the_change_only_to_the_version_read(client: AsyncClient) -> None:
    url = f"/{{ cookiecutter.__url_path }}/{(await create(client))['id']}"
    etag = (await client.get(url)).headers["etag"]

    applied = await client.patch(url, json={"title": "first"}, headers={"If-Match": etag})
    stale = await client.patch(url, json={"title": "second"}, headers={"If-Match": etag})
    stale_move = await client.post(
        f"{url}/status", json={"status": "in_progress"}, headers={"If-Match": etag}
    )
    stale_delete = await client.delete(url, headers={"If-Match": etag})
    deleted = await client.delete(url, headers={"If-Match": applied.headers["etag"]})

    assert (applied.status_code, applied.headers["etag"]) == (200, '"2"')
    assert [stale.status_code, stale_move.status_code, stale_delete.status_code] == [412] * 3
    assert stale.headers["content-type"] == PROBLEM_JSON
    assert deleted.status_code == 204


async def test_an_if_match_that_is_no_version_is_a_412(client: AsyncClient) -> None:
    url = f"/{{ cookiecutter.__url_path }}/{(await create(client))['id']}"

    response = await client.patch(url, json={"title": "x"}, headers={"If-Match": 'W/"1"'})

    assert response.status_code == 412
    assert (await client.get(url)).json()["title"] == "Write docs"


async def test_a_method_the_path_does_not_take_is_a_405_naming_the_allowed_ones(
    client: AsyncClient,
) -> None:
    response = await client.put(f"/{{ cookiecutter.__url_path }}/{uuid4()}", json={"title": "x"})

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert set(response.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}


async def test_a_204_has_no_content_type(client: AsyncClient) -> None:
    created = await create(client)

    deleted = await client.delete(f"/{{ cookiecutter.__url_path }}/{created['id']}")

    assert deleted.status_code == 204
    assert "content-type" not in deleted.headers
    assert deleted.content == b""


@pytest.mark.parametrize(
    ("method", "path", "sent", "field"),
    [
        ("GET", "/{{ cookiecutter.__url_path }}/not-a-uuid", {}, "id"),
        ("GET", "/{{ cookiecutter.__url_path }}", {"params": {"limit": "0"}}, "limit"),
        ("PATCH", "/{{ cookiecutter.__url_path }}/{id}", {"headers": {"If-Match": "3"}}, "If-Match"),
    ],
)
async def test_an_invalid_parameter_is_named_as_the_client_sends_it(
    client: AsyncClient, method: str, path: str, sent: dict[str, dict[str, str]], field: str
) -> None:
    created = await create(client)
    url = path.format(id=created["id"])

    params, headers = sent.get("params"), sent.get("headers")
    response = await client.request(method, url, params=params, headers=headers, json={})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("title", ["\u00a0\u2003", "a\u0000b"])
async def test_a_title_the_schema_refuses_is_a_422_naming_title(
    client: AsyncClient, title: str
) -> None:
    response = await client.post("/{{ cookiecutter.__url_path }}", json={"title": title})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["title"]
