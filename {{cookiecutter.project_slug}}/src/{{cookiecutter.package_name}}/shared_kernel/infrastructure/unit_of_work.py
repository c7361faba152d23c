from sqlalchemy.orm import Session

from ..application.unit_of_work import UnitOfWork
from .repository_factory import RepositoryFactory


class SqlAlchemyUnitOfWork(UnitOfWork):
    """Commits and rolls back one synchronous `Session`.

    Under the async app that session is the `sync_session` of the request's `AsyncSession`,
    driven from inside `AsyncSession.run_sync`.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repositories = RepositoryFactory(session)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
