"""While the database is down, every route answers 503 at once, with a time to retry."""

import time
from uuid import UUID

import pytest
from httpx import AsyncClient


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/{{ cookiecutter.__url_path }}", None),
        ("GET", f"/{{ cookiecutter.__url_path }}/{UUID(int=1)}", None),
        ("POST", "/{{ cookiecutter.__url_path }}", {"title": "Write docs"}),
    ],
)
async def test_a_database_that_is_down_is_a_503_problem_with_retry_after(
    unreachable_client: AsyncClient, method: str, path: str, body: object
) -> None:
    started = time.monotonic()
    response = await unreachable_client.request(method, path, json=body)

    # Well before the connect timeout (5 s here): a refused connection is not waited for.
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["status"] == 503
    assert "secret" not in response.text
