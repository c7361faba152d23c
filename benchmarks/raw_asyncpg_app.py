"""The baseline of `http_throughput.py`: the service's two hot endpoints on raw asyncpg.

    cd <baked project> && .venv/bin/python <template>/benchmarks/raw_asyncpg_app.py

Run it with the baked project's interpreter, from the project's folder. It reads the service's
own settings (`TASK_SERVICE_*`, `DATABASE_URL`) to reach the same database and table, the
embedded PostgreSQL when no URL is set, to size its pool like the service's and to listen on
the same host and port (`TASK_SERVICE_HTTP__PORT`) with as many worker processes
(`TASK_SERVICE_HTTP__WORKERS`, uvicorn's own supervisor). It answers `GET /tasks/{id}` and
`POST /tasks` with the service's JSON, ETag and Location and one SQL statement each: no ORM, no
unit of work, no middleware, no response model. With `RAW_POST_WRITES_OUTBOX=1` its POST writes
what the service's writes: the task and its event in the outbox, in one transaction (BEGIN, two
INSERTs, COMMIT), so the cost of the transactional outbox itself can be told from the rest.
With `RAW_THROUGH_SQLALCHEMY=1` it runs the same SQL text through SQLAlchemy's asyncio layer, as
the service must: GET on an AUTOCOMMIT `AsyncConnection`, POST in an `AsyncSession.run_sync`
that commits. What separates the service from that is its own code, not the driver's bridge.
"""

import json
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

# Installed in the baked project's environment only, not in the template's.
import asyncpg  # type: ignore[import-not-found,unused-ignore]
import uuid_utils.compat  # type: ignore[import-not-found,unused-ignore]
import uvicorn  # type: ignore[import-not-found,unused-ignore]
from fastapi import FastAPI, Request  # type: ignore[import-not-found,unused-ignore]
from fastapi.responses import JSONResponse  # type: ignore[import-not-found,unused-ignore]
from sqlalchemy import text  # type: ignore[import-not-found,unused-ignore]
from sqlalchemy.ext.asyncio import (  # type: ignore[import-not-found,unused-ignore]
    AsyncSession,
    create_async_engine,
)
from sqlalchemy.orm import Session  # type: ignore[import-not-found,unused-ignore]
from task_service.settings import Settings  # type: ignore[import-not-found,unused-ignore]
from task_service.shared_kernel.infrastructure.database import (  # type: ignore[import-not-found,unused-ignore]
    database_url,
)

COLUMNS = "id, title, description, status, version, created_at, updated_at"
SELECT_TASK = f"SELECT {COLUMNS} FROM tasks WHERE id = $1"
INSERT_TASK = f"INSERT INTO tasks ({COLUMNS}) VALUES ($1, $2, $3, 'open', 1, $4, $4)"
INSERT_EVENT = (
    "INSERT INTO outbox (id, context, event_type, aggregate_id, aggregate_version, body, headers)"
    " VALUES ($1, 'tasks', 'task_created', $2, 1, CAST($3 AS jsonb), '{}'::jsonb)"
)
WRITES_OUTBOX = os.environ.get("RAW_POST_WRITES_OUTBOX") == "1"
THROUGH_SQLALCHEMY = os.environ.get("RAW_THROUGH_SQLALCHEMY") == "1"


def named(statement: str, *names: str) -> Any:
    """The statement as SQLAlchemy text: `$1`, `$2`... become `:name`s."""
    for number, name in enumerate(names, start=1):
        statement = statement.replace(f"${number}", f":{name}")
    return text(statement)


TEXT_SELECT_TASK = named(SELECT_TASK, "id")
TEXT_INSERT_TASK = named(INSERT_TASK, "id", "title", "description", "now")
TEXT_INSERT_EVENT = named(INSERT_EVENT, "id", "task_id", "body")


@dataclass
class NewTask:
    title: str
    description: str = ""


def iso_datetime(moment: datetime) -> str:
    """The way pydantic writes a UTC datetime (what the service answers)."""
    return moment.isoformat().replace("+00:00", "Z")


def task_json(task: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": str(task["id"]),
        "title": task["title"],
        "description": task["description"],
        "status": task["status"],
        "version": task["version"],
        "created_at": iso_datetime(task["created_at"]),
        "updated_at": iso_datetime(task["updated_at"]),
    }


def task_response(task: Mapping[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(
        task_json(task), status_code=status_code, headers={"ETag": f'"{task["version"]}"'}
    )


async def get_task(task_id: UUID, request: Request) -> JSONResponse:
    if THROUGH_SQLALCHEMY:
        async with request.app.state.read_engine.connect() as connection:
            result = await connection.execute(TEXT_SELECT_TASK, {"id": task_id})
            task = result.mappings().first()
    else:
        task = await request.app.state.pool.fetchrow(SELECT_TASK, task_id)
    if task is None:
        return JSONResponse({"title": "Not Found", "status": 404}, status_code=404)
    return task_response(task)


async def create_task(body: NewTask, request: Request) -> JSONResponse:
    task_id, now = uuid_utils.compat.uuid7(), datetime.now(UTC)
    event = json.dumps({"title": body.title, "description": body.description})
    if THROUGH_SQLALCHEMY:
        values = {"id": task_id, "title": body.title, "description": body.description, "now": now}
        async with AsyncSession(request.app.state.write_engine) as session:
            await session.run_sync(write_task, values, event)
    elif WRITES_OUTBOX:
        async with request.app.state.pool.acquire() as connection, connection.transaction():
            await connection.execute(INSERT_TASK, task_id, body.title, body.description, now)
            await connection.execute(INSERT_EVENT, uuid_utils.compat.uuid7(), task_id, event)
    else:
        await request.app.state.pool.execute(
            INSERT_TASK, task_id, body.title, body.description, now
        )
    task = {
        "id": task_id,
        "title": body.title,
        "description": body.description,
        "status": "open",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    response = task_response(task, status_code=201)
    response.headers["Location"] = f"/tasks/{task_id}"
    return response


def write_task(session: Session, values: dict[str, Any], event: str) -> None:
    """One transaction in one greenlet switch, as the service's unit of work runs."""
    session.execute(TEXT_INSERT_TASK, values)
    if WRITES_OUTBOX:
        event_values = {"id": uuid_utils.compat.uuid7(), "task_id": values["id"], "body": event}
        session.execute(TEXT_INSERT_EVENT, event_values)
    session.commit()


def create_app(dsn: str, pool_size: int) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if THROUGH_SQLALCHEMY:
            url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
            sizes = {"pool_size": pool_size, "max_overflow": 0}
            app.state.write_engine = create_async_engine(url, **sizes)
            app.state.read_engine = create_async_engine(url, isolation_level="AUTOCOMMIT", **sizes)
            yield
            await app.state.write_engine.dispose()
            await app.state.read_engine.dispose()
            return
        async with asyncpg.create_pool(dsn, min_size=pool_size, max_size=pool_size) as pool:
            app.state.pool = pool
            yield

    app = FastAPI(lifespan=lifespan)
    app.add_api_route("/tasks/{task_id}", get_task, methods=["GET"])
    app.add_api_route("/tasks", create_task, methods=["POST"])
    return app


def app_from_settings() -> FastAPI:
    """The app for the service's settings: its database, pool size (per worker)."""
    settings = Settings()
    url = database_url(settings).set(drivername="postgresql").render_as_string(hide_password=False)
    return create_app(url, settings.database.pool_size)


def main() -> None:
    settings = Settings()  # the service's: host, port and workers
    uvicorn.run(
        f"{Path(__file__).stem}:app_from_settings",
        factory=True,
        app_dir=str(Path(__file__).parent),
        workers=settings.http.workers or 1,
        host=settings.http.host,
        port=settings.http.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
