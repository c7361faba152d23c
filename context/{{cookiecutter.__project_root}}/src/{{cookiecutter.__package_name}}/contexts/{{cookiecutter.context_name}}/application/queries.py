"""Query handlers: each is built on the read side's queries and called with its query."""

from dataclasses import dataclass
from uuid import UUID

from ....shared_kernel.domain.pagination import Page
from .commands import List{{ cookiecutter.__aggregates_class }}
from .dtos import {{ cookiecutter.__aggregate_class }}DTO
from .read_side import {{ cookiecutter.__aggregate_class }}Queries


@dataclass(frozen=True, slots=True)
class Get{{ cookiecutter.__aggregate_class }}Handler:
    """One {{ cookiecutter.__aggregate_label }}; run it on the primary, so its version (the ETag) is current."""

    queries: {{ cookiecutter.__aggregate_class }}Queries

    def __call__(self, entity_id: UUID) -> {{ cookiecutter.__aggregate_class }}DTO:
        return self.queries.get(entity_id)


@dataclass(frozen=True, slots=True)
class List{{ cookiecutter.__aggregates_class }}Handler:
    queries: {{ cookiecutter.__aggregate_class }}Queries

    def __call__(self, query: List{{ cookiecutter.__aggregates_class }}) -> Page[{{ cookiecutter.__aggregate_class }}DTO]:
        if query.after is not None:
            return self.queries.page_after(query.after, query.page.limit, query.spec, query.sort)
        return self.queries.page(query.page, query.spec, query.sort)
