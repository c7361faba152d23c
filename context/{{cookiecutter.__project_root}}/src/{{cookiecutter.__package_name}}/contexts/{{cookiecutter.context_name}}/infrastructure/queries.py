from ....shared_kernel.infrastructure.queries import BaseQueries
from ..application.dtos import {{ cookiecutter.__aggregate_class }}DTO
from .models import FIELD_COLUMNS, {{ cookiecutter.__aggregate_class }}Model


class Sql{{ cookiecutter.__aggregate_class }}Queries(BaseQueries[{{ cookiecutter.__aggregate_class }}Model, {{ cookiecutter.__aggregate_class }}DTO]):
    columns = FIELD_COLUMNS
