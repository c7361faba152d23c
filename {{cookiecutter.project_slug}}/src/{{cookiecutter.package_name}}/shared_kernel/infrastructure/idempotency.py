"""Idempotency keys in PostgreSQL: one row per key and scope, written in the use case's
transaction (see `application/idempotency.py` for what a key promises).

The row holds the request's fingerprint and, once the use case returned, its result as JSON
(the DTO, serialized with pydantic), from which a retry's response is rebuilt. The key is the
primary key with the scope, so two requests with one key cannot both claim it: the second
one's INSERT waits on the first one's uncommitted row, then finds it committed (and replays
its result) or rolled back (and claims the key itself).

Keys expire after the retention setting: an expired key counts as new, and each claim also
deletes a few expired rows of other keys, so the table stays about as large as the keys of
one retention period without a separate cleanup job.
"""

from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import (
    CTE,
    ColumnElement,
    DateTime,
    Interval,
    String,
    Text,
    delete,
    func,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..application.idempotency import MAX_KEY_LENGTH, IdempotencyKeyReusedError, IdempotentRequest
from .orm import Base

R = TypeVar("R")

# Expired rows of other keys that one claim deletes: few enough to keep a claim cheap, more
# than one so that a backlog (after the retention was shortened, say) shrinks.
PRUNED_PER_CLAIM = 10

_adapters: dict[Any, TypeAdapter[Any]] = {}


class IdempotencyKeyModel(Base):
    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    # A SHA-256 digest in hex.
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # NULL only inside the claiming transaction, until the use case has returned.
    result: Mapped[Any] = mapped_column(JSONB(none_as_null=True), nullable=True)


class SqlIdempotencyRecords:
    """`IdempotencyRecords` on the session of the use case's unit of work."""

    def __init__(self, session: Session, retention: timedelta) -> None:
        self._session = session
        self._retention = retention

    def claim(self, request: IdempotentRequest) -> bool:
        # The database's clock, the same for every instance of the service.
        expired = IdempotencyKeyModel.created_at < func.now() - literal(self._retention, Interval())
        new = insert(IdempotencyKeyModel).values(
            scope=request.scope,
            key=request.key,
            fingerprint=request.fingerprint,
            created_at=func.now(),
        )
        claim = (
            new.on_conflict_do_update(
                index_elements=[IdempotencyKeyModel.scope, IdempotencyKeyModel.key],
                set_={
                    "fingerprint": new.excluded.fingerprint,
                    "created_at": new.excluded.created_at,
                    "result": None,
                },
                where=expired,  # a live key is left as it is: RETURNING then returns no row
            )
            .returning(IdempotencyKeyModel.key)
            .add_cte(self._prune(expired, request))
        )
        return self._session.execute(claim).first() is not None

    def replay(self, request: IdempotentRequest, result_type: type[R]) -> R:
        fingerprint, result = self._session.execute(
            select(IdempotencyKeyModel.fingerprint, IdempotencyKeyModel.result).where(
                *self._is(request)
            )
        ).one()
        if fingerprint != request.fingerprint:
            raise IdempotencyKeyReusedError()
        return _adapter(result_type).validate_python(result)

    def complete(self, request: IdempotentRequest, result: R, result_type: type[R]) -> None:
        stored = _adapter(result_type).dump_python(result, mode="json")
        self._session.execute(
            update(IdempotencyKeyModel)
            .where(*self._is(request))
            .values(result=stored)
            .execution_options(synchronize_session=False)
        )

    @staticmethod
    def _is(request: IdempotentRequest) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        return (IdempotencyKeyModel.scope == request.scope, IdempotencyKeyModel.key == request.key)

    @staticmethod
    def _prune(expired: ColumnElement[bool], request: IdempotentRequest) -> CTE:
        """A few expired rows, deleted in the claim's statement. Rows that another claim
        is deleting are skipped rather than waited for; the claimed key itself is left to
        the claim (one statement must not change a row twice)."""
        primary_key = tuple_(IdempotencyKeyModel.scope, IdempotencyKeyModel.key)
        oldest = (
            select(IdempotencyKeyModel.scope, IdempotencyKeyModel.key)
            .where(expired, primary_key != tuple_(literal(request.scope), literal(request.key)))
            .limit(PRUNED_PER_CLAIM)
            .with_for_update(skip_locked=True)
        )
        return delete(IdempotencyKeyModel).where(primary_key.in_(oldest)).cte("pruned")


def _adapter(result_type: type[R]) -> TypeAdapter[R]:
    """Built once per type: building one costs far more than using it."""
    adapter = _adapters.get(result_type)
    if adapter is None:
        adapter = _adapters[result_type] = TypeAdapter(result_type)
    return adapter
