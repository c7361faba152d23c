"""The SQL statements a block of code sends: reads load whole aggregates in a fixed number."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def statements_sent(session: Session) -> Iterator[list[str]]:
    sent: list[str] = []
    connection = session.connection()

    def record(*arguments: Any) -> None:
        sent.append(arguments[2])

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)
