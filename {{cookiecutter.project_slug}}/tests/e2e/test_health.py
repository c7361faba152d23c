from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.settings import Environment, Settings


async def test_live_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "outbox": {"backlog": 0, "oldest_age_seconds": None},
    }


async def test_an_unknown_route_is_a_404_problem(client: AsyncClient) -> None:
    response = await client.get("/no-such-route")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_ready_answers_503_when_the_database_is_unreachable() -> None:
    unreachable = Database(
        create_async_engine("postgresql+asyncpg://nobody@/none?host=/nonexistent")
    )
    settings = Settings(environment=Environment.TEST, database={"url": "postgresql://unused"})
    app = create_app(settings, unreachable)

    async with AsyncClient(transport=ASGITransport(app), base_url="http://test") as client:
        response = await client.get("/health/ready")

    await unreachable.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
