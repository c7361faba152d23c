from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response

from ....shared_kernel.api.idempotency import Idempotency
from ....shared_kernel.api.openapi import links_by_id, problem_responses
from ....shared_kernel.api.query_parameters import (
    IF_MATCH_PATTERN,
    MAX_FILTERS,
    MAX_IN_VALUES,
    etag,
    expected_versions,
    parse_filters,
    parse_sort,
)
from ....shared_kernel.application.idempotency import IdempotentUseCaseRunner
from ....shared_kernel.application.use_case_runner import UseCaseRunner
from ....shared_kernel.domain.errors import InvalidValueError
from ....shared_kernel.domain.pagination import MAX_LIMIT, MAX_OFFSET, PageRequest
from ..application.commands import (
{% if cookiecutter.child_name %}    Add{{ cookiecutter.__child_class }},
    Change{{ cookiecutter.__child_class }},
{% endif %}    Create{{ cookiecutter.__aggregate_class }},
    Delete{{ cookiecutter.__aggregate_class }},
    List{{ cookiecutter.__aggregates_class }},
    Move{{ cookiecutter.__aggregate_class }},
{% if cookiecutter.child_name %}    New{{ cookiecutter.__child_class }},
    Remove{{ cookiecutter.__child_class }},
{% endif %}    Update{{ cookiecutter.__aggregate_class }},
)
from ..application.dtos import {{ cookiecutter.__aggregate_class }}DTO
from ..application.queries import Get{{ cookiecutter.__aggregate_class }}Handler, List{{ cookiecutter.__aggregates_class }}Handler
from ..application.read_side import {{ cookiecutter.__aggregate_class }}Queries
from ..application.unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork
from ..application.use_cases import (
{% if cookiecutter.child_name %}    Add{{ cookiecutter.__child_class }}Handler,
    Change{{ cookiecutter.__child_class }}Handler,
{% endif %}    Create{{ cookiecutter.__aggregate_class }}Handler,
    Delete{{ cookiecutter.__aggregate_class }}Handler,
    Move{{ cookiecutter.__aggregate_class }}Handler,
{% if cookiecutter.child_name %}    Remove{{ cookiecutter.__child_class }}Handler,
{% endif %}    Update{{ cookiecutter.__aggregate_class }}Handler,
)
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field, {{ cookiecutter.__aggregate_class }}Status
from .schemas import (
{{ ([cookiecutter.__aggregate_class ~ "Create", cookiecutter.__aggregate_class ~ "Move", cookiecutter.__aggregate_class ~ "Page", cookiecutter.__aggregate_class ~ "Response", cookiecutter.__aggregate_class ~ "Update"] + ([cookiecutter.__child_class ~ "Create", cookiecutter.__child_class ~ "Update"] if cookiecutter.child_name else [])) | import_list }}
)

# What each filterable field's values are parsed as.
FILTERS: dict[{{ cookiecutter.__aggregate_class }}Field, Any] = {
    {{ cookiecutter.__aggregate_class }}Field.TITLE: str,
    {{ cookiecutter.__aggregate_class }}Field.STATUS: {{ cookiecutter.__aggregate_class }}Status,
    {{ cookiecutter.__aggregate_class }}Field.CREATED_AT: datetime,
    {{ cookiecutter.__aggregate_class }}Field.UPDATED_AT: datetime,
}
SORT_DESCRIPTION = f"One of {', '.join({{ cookiecutter.__aggregate_class }}Field)}; a leading - sorts descending."
# Documented for clients; `parse_sort` refuses anything else with a 422 naming the fields.
SORT_PATTERN = f"^-?({'|'.join({{ cookiecutter.__aggregate_class }}Field)})$"
NOT_FOUND = {404: "No {{ cookiecutter.__aggregate_label }} has this id."}
LISTED = problem_responses(503)
READ = problem_responses(404, 503, descriptions=NOT_FOUND)
CHANGED = problem_responses(404, 409, 412, 503, descriptions=NOT_FOUND)
{% if cookiecutter.child_name %}{{ cookiecutter.child_plural | upper }}_NOT_FOUND = {
    404: "No {{ cookiecutter.__aggregate_label }} has this id, or it has no {{ cookiecutter.__child_label }} with that one.",
}
{{ cookiecutter.child_plural | upper }}_CHANGED = problem_responses(
    404,
    409,
    412,
    503,
    descriptions={{ cookiecutter.child_plural | upper }}_NOT_FOUND,
)
{% endif %}ETAG: dict[str, Any] = {
    "ETag": {
        "description": 'The version read, such as "3"; send it back in If-Match.',
        "required": True,
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    },
}
# A created {{ cookiecutter.__aggregate_label }}'s id leads to everything that can be done with it.
CREATED: dict[int | str, dict[str, Any]] = {
    201: {
        "headers": {
            **ETAG,
            "Location": {
                "description": "The path of the new {{ cookiecutter.__aggregate_label }}.",
                "required": True,
                "schema": {"type": "string"},
            },
        },
        "links": links_by_id(
            "get_{{ cookiecutter.aggregate_name }}",
            "update_{{ cookiecutter.aggregate_name }}",
            "move_{{ cookiecutter.aggregate_name }}",
            "delete_{{ cookiecutter.aggregate_name }}",
        ),
    },
    **LISTED,
}
WITH_ETAG: dict[int | str, dict[str, Any]] = {200: {"headers": ETAG}}
IfMatch = Annotated[
    str | None,
    Header(
        description='The ETag last read, such as "3": the change applies only to it. '
        "`*` or a list of ETags; a weak one (W/) never matches.",
        pattern=IF_MATCH_PATTERN,
        examples=['"3"'],
    ),
]


def {{ cookiecutter.aggregate_plural }}_router(
    run: IdempotentUseCaseRunner[{{ cookiecutter.__context_class }}UnitOfWork],
    read: UseCaseRunner[{{ cookiecutter.__aggregate_class }}Queries],
    read_current: UseCaseRunner[{{ cookiecutter.__aggregate_class }}Queries],
) -> APIRouter:
    """`run` runs use cases (`run.once`: at most once per Idempotency-Key); `read` lists (on
    a replica when there is one); `read_current` reads what must be current, such as the
    version a client will send back in If-Match."""
    router = APIRouter(prefix="/{{ cookiecutter.__url_path }}", tags=["{{ cookiecutter.__url_path }}"])

    def respond(dto: {{ cookiecutter.__aggregate_class }}DTO, response: Response) -> {{ cookiecutter.__aggregate_class }}Response:
        response.headers["ETag"] = etag(dto.version)
        return {{ cookiecutter.__aggregate_class }}Response.model_validate(dto)

    @router.post(
        "",
        status_code=HTTPStatus.CREATED,
        responses=CREATED,
        operation_id="create_{{ cookiecutter.aggregate_name }}",
    )
    async def create(
        body: {{ cookiecutter.__aggregate_class }}Create,
        response: Response,
        idempotency: Idempotency,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
{% if cookiecutter.child_name %}        command = Create{{ cookiecutter.__aggregate_class }}(
            title=body.title,
            description=body.description,
            {{ cookiecutter.child_plural }}=tuple(map(_new_{{ cookiecutter.child_name }}, body.{{ cookiecutter.child_plural }})),
        )
{% else %}        command = Create{{ cookiecutter.__aggregate_class }}(title=body.title, description=body.description)
{% endif %}        created = await run.once(
            idempotency,
            {{ cookiecutter.__aggregate_class }}DTO,
            Create{{ cookiecutter.__aggregate_class }}Handler,
            command,
        )
        response.headers["Location"] = f"{router.prefix}/{created.id}"
        return respond(created, response)

    @router.get("", responses=LISTED, operation_id="list_{{ cookiecutter.aggregate_plural }}")
    async def list_{{ cookiecutter.aggregate_plural }}(
        filters: Annotated[
            list[str] | None,
            Query(
                alias="filter",
                description="field:operator:value, such as status:eq:open; `in` takes up to "
                f"{MAX_IN_VALUES} comma-separated values.",
                max_length=MAX_FILTERS,
            ),
        ] = None,
        sort: Annotated[
            str, Query(description=SORT_DESCRIPTION, json_schema_extra={"pattern": SORT_PATTERN})
        ] = "-created_at",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[
            int,
            Query(ge=0, le=MAX_OFFSET, description="Rows to skip; go deeper with next_cursor."),
        ] = 0,
        after: Annotated[str | None, Query(description="A next_cursor from a page.")] = None,
    ) -> {{ cookiecutter.__aggregate_class }}Page:
        if after is not None and offset:
            raise InvalidValueError("after", "give either after or offset, not both")
        query = List{{ cookiecutter.__aggregates_class }}(
            spec=parse_filters(filters or [], FILTERS),
            sort=parse_sort(sort, {{ cookiecutter.__aggregate_class }}Field),
            page=PageRequest(limit, offset),
            after=after,
        )
        page = await read(List{{ cookiecutter.__aggregates_class }}Handler, query)
        return {{ cookiecutter.__aggregate_class }}Page.model_validate(page)

    @router.get(
        "/{id}",
        responses={**READ, **WITH_ETAG},
        operation_id="get_{{ cookiecutter.aggregate_name }}",
    )
    async def get(id: UUID, response: Response) -> {{ cookiecutter.__aggregate_class }}Response:
        return respond(await read_current(Get{{ cookiecutter.__aggregate_class }}Handler, id), response)

    @router.patch(
        "/{id}",
        responses={**CHANGED, **WITH_ETAG},
        operation_id="update_{{ cookiecutter.aggregate_name }}",
    )
    async def update(
        id: UUID, body: {{ cookiecutter.__aggregate_class }}Update, response: Response, if_match: IfMatch = None
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Update{{ cookiecutter.__aggregate_class }}(
            id,
            body.title,
            body.description,
            expected_versions(if_match),
        )
        return respond(await run(Update{{ cookiecutter.__aggregate_class }}Handler, command), response)

    @router.post(
        "/{id}/status",
        responses={**CHANGED, **WITH_ETAG},
        operation_id="move_{{ cookiecutter.aggregate_name }}",
    )
    async def move(
        id: UUID,
        body: {{ cookiecutter.__aggregate_class }}Move,
        response: Response,
        idempotency: Idempotency,
        if_match: IfMatch = None,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        """Move along open -> in_progress -> done; in_progress may go back to open."""
        command = Move{{ cookiecutter.__aggregate_class }}(id, body.status, expected_versions(if_match))
        moved = await run.once(
            idempotency,
            {{ cookiecutter.__aggregate_class }}DTO,
            Move{{ cookiecutter.__aggregate_class }}Handler,
            command,
        )
        return respond(moved, response)

    @router.delete(
        "/{id}",
        status_code=HTTPStatus.NO_CONTENT,
        # No body, so no content type either.
        response_class=Response,
        responses=CHANGED,
        operation_id="delete_{{ cookiecutter.aggregate_name }}",
    )
    async def delete(id: UUID, if_match: IfMatch = None) -> None:
        command = Delete{{ cookiecutter.__aggregate_class }}(id, expected_versions(if_match))
        await run(Delete{{ cookiecutter.__aggregate_class }}Handler, command)
{% if cookiecutter.child_name %}
    @router.post(
        "/{id}/{{ cookiecutter.__child_url_path }}",
        responses={**CHANGED, **WITH_ETAG},
        operation_id="add_{{ cookiecutter.child_name }}",
    )
    async def add_{{ cookiecutter.child_name }}(
        id: UUID,
        body: {{ cookiecutter.__child_class }}Create,
        response: Response,
        idempotency: Idempotency,
        if_match: IfMatch = None,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        """Add a {{ cookiecutter.__child_label }}; the answer is the whole {{ cookiecutter.__aggregate_label }} at its new version, the new {{ cookiecutter.__child_label }}
        last."""
        new = _new_{{ cookiecutter.child_name }}(body)
        command = Add{{ cookiecutter.__child_class }}(id, new, expected_versions(if_match))
        changed = await run.once(
            idempotency,
            {{ cookiecutter.__aggregate_class }}DTO,
            Add{{ cookiecutter.__child_class }}Handler,
            command,
        )
        return respond(changed, response)

    @router.patch(
        "/{id}/{{ cookiecutter.__child_url_path }}/{{ '{' ~ cookiecutter.child_name ~ '_id}' }}",
        responses={**{{ cookiecutter.child_plural | upper }}_CHANGED, **WITH_ETAG},
        operation_id="change_{{ cookiecutter.child_name }}",
    )
    async def change_{{ cookiecutter.child_name }}(
        id: UUID,
        {{ cookiecutter.child_name }}_id: UUID,
        body: {{ cookiecutter.__child_class }}Update,
        response: Response,
        if_match: IfMatch = None,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        command = Change{{ cookiecutter.__child_class }}(
            id,
            {{ cookiecutter.child_name }}_id,
            body.name,
            body.quantity,
            expected_versions(if_match),
        )
        return respond(await run(Change{{ cookiecutter.__child_class }}Handler, command), response)

    @router.delete(
        "/{id}/{{ cookiecutter.__child_url_path }}/{{ '{' ~ cookiecutter.child_name ~ '_id}' }}",
        responses={**{{ cookiecutter.child_plural | upper }}_CHANGED, **WITH_ETAG},
        operation_id="remove_{{ cookiecutter.child_name }}",
    )
    async def remove_{{ cookiecutter.child_name }}(
        id: UUID,
        {{ cookiecutter.child_name }}_id: UUID,
        response: Response,
        if_match: IfMatch = None,
    ) -> {{ cookiecutter.__aggregate_class }}Response:
        """The answer is the whole {{ cookiecutter.__aggregate_label }} at its new version."""
        command = Remove{{ cookiecutter.__child_class }}(id, {{ cookiecutter.child_name }}_id, expected_versions(if_match))
        return respond(await run(Remove{{ cookiecutter.__child_class }}Handler, command), response)
{% endif %}
    return router
{% if cookiecutter.child_name %}

def _new_{{ cookiecutter.child_name }}(body: {{ cookiecutter.__child_class }}Create) -> New{{ cookiecutter.__child_class }}:
    return New{{ cookiecutter.__child_class }}(body.name, body.quantity)
{% endif %}