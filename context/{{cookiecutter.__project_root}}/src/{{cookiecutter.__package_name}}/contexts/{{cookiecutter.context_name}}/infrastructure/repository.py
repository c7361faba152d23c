from ....shared_kernel.infrastructure.repository import BaseRepository
from ..domain.entities import {{ cookiecutter.__aggregate_class }}
from .models import FIELD_COLUMNS, {{ cookiecutter.__aggregate_class }}Model


class {{ cookiecutter.__aggregate_class }}Repository(BaseRepository[{{ cookiecutter.__aggregate_class }}Model, {{ cookiecutter.__aggregate_class }}]):
    columns = FIELD_COLUMNS

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
