from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from ....shared_kernel.domain.pagination import Page, PageRequest, Sort
from ....shared_kernel.infrastructure.repository import BaseRepository
from ..domain.entities import {{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Status
from ..domain.repository import {{ cookiecutter.__aggregate_class }}SortField
from .models import {{ cookiecutter.__aggregate_class }}Model

# The only columns a client may sort by; no client string reaches SQL.
SORTABLE_COLUMNS: dict[{{ cookiecutter.__aggregate_class }}SortField, InstrumentedAttribute[Any]] = {
    {{ cookiecutter.__aggregate_class }}SortField.TITLE: {{ cookiecutter.__aggregate_class }}Model.title,
    {{ cookiecutter.__aggregate_class }}SortField.STATUS: {{ cookiecutter.__aggregate_class }}Model.status,
    {{ cookiecutter.__aggregate_class }}SortField.CREATED_AT: {{ cookiecutter.__aggregate_class }}Model.created_at,
    {{ cookiecutter.__aggregate_class }}SortField.UPDATED_AT: {{ cookiecutter.__aggregate_class }}Model.updated_at,
}


class {{ cookiecutter.__aggregate_class }}Repository(BaseRepository[{{ cookiecutter.__aggregate_class }}Model, {{ cookiecutter.__aggregate_class }}]):
    def search(
        self,
        status: {{ cookiecutter.__aggregate_class }}Status | None,
        sort: Sort[{{ cookiecutter.__aggregate_class }}SortField],
        page: PageRequest,
    ) -> Page[{{ cookiecutter.__aggregate_class }}]:
        column = SORTABLE_COLUMNS[sort.field]
        criteria = [] if status is None else [{{ cookiecutter.__aggregate_class }}Model.status == status]
        order = column.desc() if sort.descending else column.asc()
        return self.page(page, *criteria, order_by=[order])

    def _to_entity(self, model: {{ cookiecutter.__aggregate_class }}Model) -> {{ cookiecutter.__aggregate_class }}:
        return {{ cookiecutter.__aggregate_class }}(
            id=model.id,
            version=model.version,
            title=model.title,
            description=model.description,
            status=model.status,
            created_at=model.created_at,
            updated_at=model.updated_at,
        )

    def _to_model(self, entity: {{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}Model:
        return {{ cookiecutter.__aggregate_class }}Model(
            id=entity.id,
            title=entity.title,
            description=entity.description,
            status=entity.status,
            created_at=entity.created_at,
            updated_at=entity.updated_at,
        )
