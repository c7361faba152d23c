from ....shared_kernel.application.unit_of_work import UnitOfWork
from ..domain.repository import I{{ cookiecutter.__aggregate_class }}Repository


class {{ cookiecutter.__context_class }}UnitOfWork(UnitOfWork):
    {{ cookiecutter.aggregate_plural }}: I{{ cookiecutter.__aggregate_class }}Repository
