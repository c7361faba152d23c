from ....shared_kernel.infrastructure.repository import BaseRepository
{% if cookiecutter.child_name %}from ..domain.entities import (
{{ ([cookiecutter.__aggregate_class] + ([cookiecutter.__child_class] if cookiecutter.child_name else [])) | import_list }}
)
from .models import (
{{ (["FIELD_COLUMNS", cookiecutter.__aggregate_class ~ "Model"] + ([cookiecutter.__child_class ~ "Model"] if cookiecutter.child_name else [])) | import_list }}
)
{% else %}from ..domain.entities import {{ cookiecutter.__aggregate_class }}
from .models import FIELD_COLUMNS, {{ cookiecutter.__aggregate_class }}Model
{% endif %}

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
{% if cookiecutter.child_name %}            {{ cookiecutter.child_plural }}=list(map(_{{ cookiecutter.child_name }}, model.{{ cookiecutter.child_plural }})),
{% endif %}        )

    def _to_model(self, entity: {{ cookiecutter.__aggregate_class }}) -> {{ cookiecutter.__aggregate_class }}Model:
        return {{ cookiecutter.__aggregate_class }}Model(
            id=entity.id,
            title=entity.title,
            description=entity.description,
            status=entity.status,
            created_at=entity.created_at,
            updated_at=entity.updated_at,
{% if cookiecutter.child_name %}            {{ cookiecutter.child_plural }}=list(map(_{{ cookiecutter.child_name }}_row, entity.{{ cookiecutter.child_plural }})),
{% endif %}        )
{% if cookiecutter.child_name %}

def _{{ cookiecutter.child_name }}(model: {{ cookiecutter.__child_class }}Model) -> {{ cookiecutter.__child_class }}:
    return {{ cookiecutter.__child_class }}(id=model.id, name=model.name, quantity=model.quantity)


def _{{ cookiecutter.child_name }}_row(entity: {{ cookiecutter.__child_class }}) -> {{ cookiecutter.__child_class }}Model:
    return {{ cookiecutter.__child_class }}Model(id=entity.id, name=entity.name, quantity=entity.quantity)
{% endif %}