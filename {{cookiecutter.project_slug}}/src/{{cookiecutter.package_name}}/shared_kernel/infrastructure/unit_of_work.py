from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..application.unit_of_work import UnitOfWork
from .messaging.outbox import append_to_outbox
from .repository_factory import RepositoryFactory
from .sql_errors import translate_sql_errors


class SqlAlchemyUnitOfWork(UnitOfWork):
    """Commits and rolls back one synchronous `Session`.

    Under the async app that session is the `sync_session` of the request's `AsyncSession`,
    driven from inside `AsyncSession.run_sync`.

    The events of the aggregates its repositories wrote go to the outbox in the transaction
    that stores the change: before a commit, before a savepoint is taken or released, and
    before an independent transaction starts; those of a savepoint or a transaction that is
    rolled back are dropped with it.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repositories = RepositoryFactory(session)

    def begin(self, *, read_only: bool) -> None:
        if read_only:
            self.session.execute(text("SET TRANSACTION READ ONLY"))

    def commit(self) -> None:
        with translate_sql_errors():
            self._store_events()
            self.session.commit()

    def rollback(self) -> None:
        self.repositories.pull_events()
        self.session.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self._store_events()
        savepoint = self.session.begin_nested()
        try:
            yield
        except BaseException:
            self.repositories.pull_events()
            savepoint.rollback()
            raise
        with translate_sql_errors():
            self._store_events()
            savepoint.commit()

    @contextmanager
    def independent_connection(self) -> Iterator[None]:
        # A session on the same engine takes another connection from the pool. Under the
        # async app this still runs inside the use case's greenlet, so it needs no bridge.
        self._store_events()
        outer = self.session
        inner = Session(bind=outer.get_bind(), expire_on_commit=False)
        self._use(inner)
        try:
            yield
        finally:
            self._use(outer)
            inner.close()

    def _store_events(self) -> None:
        append_to_outbox(self.session, self.repositories.pull_events())

    def _use(self, session: Session) -> None:
        self.session = session
        self.repositories.rebind(session)
