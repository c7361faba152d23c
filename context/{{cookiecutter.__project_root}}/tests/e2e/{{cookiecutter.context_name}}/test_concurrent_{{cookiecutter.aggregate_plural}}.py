"""Against an application whose commits are real: concurrent clients, and a commit that fails."""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

CLIENTS = 12
ROUNDS = 3


async def test_concurrent_updates_lose_nothing(committing_client: AsyncClient) -> None:
    created = await committing_client.post("/{{ cookiecutter.__url_path }}", json={"title": "shared"})
    url = f"/{{ cookiecutter.__url_path }}/{created.json()['id']}"

    async def edit(client_number: int) -> list[int]:
        statuses = []
        for round_number in range(ROUNDS):
            etag = (await committing_client.get(url)).headers["etag"]
            title = f"client {client_number} round {round_number}"
            response = await committing_client.patch(
                url, json={"title": title}, headers={"If-Match": etag}
            )
            statuses.append(response.status_code)
        return statuses

    outcomes = [
        status
        for statuses in await asyncio.gather(*map(edit, range(CLIENTS)))
        for status in statuses
    ]
    final = (await committing_client.get(url)).json()

    successes = outcomes.count(200)
    assert set(outcomes) <= {200, 409, 412}
    assert successes >= 1
    assert final["version"] == 1 + successes
    assert outcomes.count(409) + outcomes.count(412) == CLIENTS * ROUNDS - successes


@pytest.fixture
def failing_commit(sync_engine: Engine) -> Iterator[str]:
    """A deferred constraint trigger: it fires at COMMIT, after every statement succeeded."""
    statements = [
        """CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'refused at commit'; END $$""",
        """CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON {{ cookiecutter.aggregate_plural }}
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
           WHEN (NEW.title = 'fails at commit') EXECUTE FUNCTION refuse_at_commit()""",
    ]
    with sync_engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    yield "fails at commit"
    with sync_engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse_at_commit ON {{ cookiecutter.aggregate_plural }}"))
        connection.execute(text("DROP FUNCTION refuse_at_commit()"))


async def test_a_failed_commit_is_an_error_response_not_a_2xx(
    committing_client: AsyncClient, failing_commit: str
) -> None:
    response = await committing_client.post("/{{ cookiecutter.__url_path }}", json={"title": failing_commit})
    listed: dict[str, Any] = (await committing_client.get("/{{ cookiecutter.__url_path }}")).json()

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "refused" not in response.text  # no database message reaches the client
    assert listed["total"] == 0
