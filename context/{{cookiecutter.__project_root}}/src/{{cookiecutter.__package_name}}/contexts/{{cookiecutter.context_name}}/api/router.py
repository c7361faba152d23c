from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response

from ....shared_kernel.api.query_parameters import (
    etag,
    expected_version,
    parse_filters,
    parse_sort,
)
from ....shared_kernel.application.use_case_runner import UseCaseRunner
from ....shared_kernel.domain.errors import InvalidValueError
from ....shared_kernel.domain.pagination import PageRequest
from ..application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
    Update{{ cookiecutter.__aggregate_class }},
)
from ..application.dtos import {{ cookiecutter.__aggregate_class }}DTO
from ..application.queries import Get{{ cookiecutter.__aggregate_class }}Handler, List{{ cookiecutter.__aggregates_class }}Handler
from ..application.read_side import {{ cookiecutter.__aggregate_class }}Queries
from ..application.unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork
from ..application.use_cases import (
    Create{{ cookiecutter.__aggregate_class }}Handler,
    Delete{{ cookiecutter.__aggregate_class }}Handler,
    Move{{ cookiecutter.__aggregate_class }}Handler,
    Update{{ cookiecutter.__aggregate_class }}Handler,
)
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status
from .schemas import (
    {{ cookiecutter.__aggregate_class }}Create,
    {{ cookiecutter.__aggregate_class }}Move,
    {{ cookiecutter.__aggregate_class }}Page,
    {{ cookiecutter.__aggregate_class }}Response,
    {{ cookiecutter.__aggregate_class }}Update,
)

# What each filterable field's values are parsed as.
FILTERS: dict[{{ cookiecutter.__aggregate_class }}Field, Any] = {
    {{ cookiecutter.__aggregate_class }}Field.TITLE: str,
    {{ cookiecutter.__aggregate_class }}Field.STATUS: {{ cookiecutter.__aggregate_class }}Status,
    {{ cookiecutter.__aggregate_class }}Field.CREATED_AT: datetime,
    {{ cookiecutter.__aggregate_class }}Field.UPDATED_AT: datetime,
}
SORT_DESCRIPTION = f"One of {', '.join({{ cookiecutter.__aggregate_class }}Field)}; a leading - sorts descending."
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No {{ cookiecutter.__aggregate_label }} has this id."},
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The change conflicts with the current state or a concurrent change."},
    412: {"description": "If-Match names a version that is no longer current."},
}
IfMatch = Annotated[
    str | None,
    Header(description='The ETag last read, such as "3": the change applies only to it.'),
]


def {{ cookiecutter.aggregate_plural }}_router(
    run: UseCaseRunner[{{ cookiecutter.__context_class }}UnitOfWork],
    read: UseCaseRunner[{{ cookiecutter.__aggregate_class }}Queries],
    read_current: UseCaseRunner[{{ cookiecutter.__aggregate_class }}Queries],
) -> APIRouter:
    """`run` runs use cases; `read` lists (on a replica when there is one); `read_current`
    reads what must be current, such as the version a client will send back in If-Match."""
    router = APIRouter(prefix="/{{ cookiecutter.__url_path }}", tags=["{{ cookiecutter.__url_path }}"])

    def respond(dto: {{ cookiecutter.__aggregate_class }}DTO, response: Response) -> {{ cookiecutter.__aggregate_class }}Response:
        response.headers["ETag"] = etag(dto.version)
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(dto)

    @router.post("", status_code=HTTPStatus.CREATED)
    async def create(
        body: {{ cookiecutter.__aggregate_class }}Create,
        response: Response,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Create{{ cookiecutter.__aggregate_class }}(title=body.title, description=body.description)
        created = await run(Create{{ cookiecutter.__aggregate_class }}Handler, command)
        response.headers["Location"] = f"{router.prefix}/{created.id}"
        return respond(created, response)

    @router.get("")
    async def list_{{ cookiecutter.aggregate_plural }}(
        filters: Annotated[
            list[str] | None,
            Query(alias="filter", description="field:operator:value, such as status:eq:open."),
        ] = None,
        sort: Annotated[str, Query(description=SORT_DESCRIPTION)] = "-created_at",
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        after: Annotated[str | None, Query(description="A next_cursor from a page.")] = None,
    ) -> {{ cookiecutter.__aggregate_class }}Page:
        if after is not None and offset:
            raise InvalidValueError("query.after", "give either after or offset, not both")
        query = List{{ cookiecutter.__aggregates_class }}(
            spec=parse_filters(filters or [], FILTERS),
            sort=parse_sort(sort, {{ cookiecutter.__aggregate_class }}Field),
            page=PageRequest(limit, offset),
            after=after,
        )
        page = await read(List{{ cookiecutter.__aggregates_class }}Handler, query)
        return {{ cookiecutter.__aggregate_class }}Page.model_validate(page)

    @router.get("/{id}", responses=NOT_FOUND)
    async def get(id: UUID, response: Response) -> {{ cookiecutter.__aggregate_class }}Response:
        return respond(await read_current(Get{{ cookiecutter.__aggregate_class }}Handler, id), response)

    @router.patch("/{id}", responses=PROBLEMS)
    async def update(
        id: UUID, body: {{ cookiecutter.__aggregate_class }}Update, response: Response, if_match: IfMatch = None
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Update{{ cookiecutter.__aggregate_class }}(
            id,
            body.title,
            body.description,
            expected_version(if_match),
        )
        return respond(await run(Update{{ cookiecutter.__aggregate_class }}Handler, command), response)

    @router.post("/{id}/status", responses=PROBLEMS)
    async def move(
        id: UUID, body: {{ cookiecutter.__aggregate_class }}Move, response: Response, if_match: IfMatch = None
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        """Move along open -> in_progress -> done; in_progress may go back to open."""
        command = Move{{ cookiecutter.__aggregate_class }}(id, body.status, expected_version(if_match))
        return respond(await run(Move{{ cookiecutter.__aggregate_class }}Handler, command), response)

    @router.delete("/{id}", status_code=HTTPStatus.NO_CONTENT, responses=PROBLEMS)
    async def delete(id: UUID, if_match: IfMatch = None) -> None:
        command = Delete{{ cookiecutter.__aggregate_class }}(id, expected_version(if_match))
        await run(Delete{{ cookiecutter.__aggregate_class }}Handler, command)

    return router
