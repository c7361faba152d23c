from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..application.unit_of_work import UnitOfWork
from .repository_factory import RepositoryFactory
from .sql_errors import translate_sql_errors


class SqlAlchemyUnitOfWork(UnitOfWork):
    """Commits and rolls back one synchronous `Session`.

    Under the async app that session is the `sync_session` of the request's `AsyncSession`,
    driven from inside `AsyncSession.run_sync`.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repositories = RepositoryFactory(session)

    def begin(self, *, read_only: bool) -> None:
        if read_only:
            self.session.execute(text("SET TRANSACTION READ ONLY"))

    def commit(self) -> None:
        with translate_sql_errors():
            self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        savepoint = self.session.begin_nested()
        try:
            yield
        except BaseException:
            savepoint.rollback()
            raise
        with translate_sql_errors():
            savepoint.commit()

    @contextmanager
    def independent_connection(self) -> Iterator[None]:
        # A session on the same engine takes another connection from the pool. Under the
        # async app this still runs inside the use case's greenlet, so it needs no bridge.
        outer = self.session
        inner = Session(bind=outer.get_bind(), expire_on_commit=False)
        self._use(inner)
        try:
            yield
        finally:
            self._use(outer)
            inner.close()

    def _use(self, session: Session) -> None:
        self.session = session
        self.repositories.rebind(session)
