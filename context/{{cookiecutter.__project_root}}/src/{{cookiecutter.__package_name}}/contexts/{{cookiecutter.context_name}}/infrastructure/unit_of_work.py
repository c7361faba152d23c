from sqlalchemy.orm import Session

from ....shared_kernel.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from ..application.unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork
from .repository import {{ cookiecutter.__aggregate_class }}Repository


class SqlAlchemy{{ cookiecutter.__context_class }}UnitOfWork(SqlAlchemyUnitOfWork, {{ cookiecutter.__context_class }}UnitOfWork):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.{{ cookiecutter.aggregate_plural }} = self.repositories({{ cookiecutter.__aggregate_class }}Repository)
