from http import HTTPStatus
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from ....shared_kernel.application.use_case_runner import UseCaseRunner
from ....shared_kernel.domain.pagination import PageRequest, Sort
from ..application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from ..application.unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork
from ..application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
    Delete{{ cookiecutter.__aggregate_class }}Handler,
    Get{{ cookiecutter.__aggregate_class }}Handler,
    List{{ cookiecutter.__aggregates_class }}Handler,
    Move{{ cookiecutter.__aggregate_class }}Handler,
    Update{{ cookiecutter.__aggregate_class }}Handler,
)
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Status
from ..domain.repository import {{ cookiecutter.__aggregate_class }}SortField
from .schemas import (
    {{ cookiecutter.__aggregate_class }}Create,
    {{ cookiecutter.__aggregate_class }}Move,
    {{ cookiecutter.__aggregate_class }}Page,
    {{ cookiecutter.__aggregate_class }}Response,
    {{ cookiecutter.__aggregate_class }}Update,
)

SORT_PATTERN = f"^-?({'|'.join({{ cookiecutter.__aggregate_class }}SortField)})$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No {{ cookiecutter.__aggregate_label }} has this id."},
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The change conflicts with the current state."},
}


def {{ cookiecutter.aggregate_plural }}_router(run: UseCaseRunner[{{ cookiecutter.__context_class }}UnitOfWork]) -> APIRouter:
    router = APIRouter(prefix="/{{ cookiecutter.__url_path }}", tags=["{{ cookiecutter.__url_path }}"])

    @router.post("", status_code=HTTPStatus.CREATED)
    async def create(
        body: {{ cookiecutter.__aggregate_class }}Create,
        response: Response,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Create{{ cookiecutter.__aggregate_class }}(title=body.title, description=body.description)
        created = await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        response.headers["Location"] = f"{router.prefix}/{created.id}"
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(created)

    @router.get("")
    async def list_{{ cookiecutter.aggregate_plural }}(
        status: {{ cookiecutter.__aggregate_class }}Status | None = None,
        sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "-created_at",
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> {{ cookiecutter.__aggregate_class }}Page:
        field = {{ cookiecutter.__aggregate_class }}SortField(sort.lstrip("-"))
        order = Sort(field, descending=sort.startswith("-"))
        query = List{{ cookiecutter.__aggregates_class }}(status, order, PageRequest(limit, offset))
        page = await run(List{{ cookiecutter.__aggregates_class }}Handler, query)
        items = [{{ cookiecutter.__aggregate_class }}Response.model_validate(item) for item in page.items]
        return {{ cookiecutter.__aggregate_class }}Page(items=items, total=page.total, limit=limit, offset=offset)

    @router.get("/{id}", responses=NOT_FOUND)
    async def get(id: UUID) -> {{ cookiecutter.__aggregate_class }}Response:
        found = await run(Get{{ cookiecutter.__aggregate_class }}Handler, id)
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(found)

    @router.patch("/{id}", responses=PROBLEMS)
    async def update(id: UUID, body: {{ cookiecutter.__aggregate_class }}Update) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Update{{ cookiecutter.__aggregate_class }}(id, title=body.title, description=body.description)
        updated = await run(Update{{ cookiecutter.__aggregate_class }}Handler, command)
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(updated)

    @router.post("/{id}/status", responses=PROBLEMS)
    async def move(id: UUID, body: {{ cookiecutter.__aggregate_class }}Move) -> {{ cookiecutter.__aggregate_class }}Response:
        """Move along open -> in_progress -> done; in_progress may go back to open."""
        command = Move{{ cookiecutter.__aggregate_class }}(id, body.status)
        moved = await run(Move{{ cookiecutter.__aggregate_class }}Handler, command)
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(moved)

    @router.delete("/{id}", status_code=HTTPStatus.NO_CONTENT, responses=NOT_FOUND)
    async def delete(id: UUID) -> None:
        await run(Delete{{ cookiecutter.__aggregate_class }}Handler, id)

    return router
