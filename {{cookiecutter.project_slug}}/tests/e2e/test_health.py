from httpx import AsyncClient


async def test_live_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_an_unknown_route_is_a_404_problem(client: AsyncClient) -> None:
    response = await client.get("/no-such-route")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
