"""Requests that a client may retry safely: the same `Idempotency-Key` runs a use case once.

A client that sent a change and got no answer (a timeout, a dropped connection, a 503) cannot
tell whether the change was made. With a key, it sends the same request again: if the first
one committed, the retry gets the first one's result and changes nothing; if it did not, the
retry runs the use case.

That holds only because the key is recorded in the use case's own transaction, with its
result: a committed change always has its key, and a use case that failed or rolled back
leaves no key (so the client may correct the request and send it again with the same key).
A second request with the key while the first is still running waits for the first to end,
then gets its result; it never runs the use case a second time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, Protocol, TypeVar

from ..domain.errors import InvalidValueError
from .unit_of_work import UnitOfWork
from .use_case_runner import UseCaseRunner

# The header's name, which problem details name as the field at fault.
IDEMPOTENCY_KEY = "Idempotency-Key"
MAX_KEY_LENGTH = 255

Port_co = TypeVar("Port_co", covariant=True)
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """A request to run at most once.

    `key` is the client's; a key is unique within its `scope` (the method and path it was
    sent to), so the same key sent to another resource is another request. `fingerprint`
    is a digest of the request's content: a key sent again with other content is refused.
    """

    key: str
    scope: str
    fingerprint: str


class IdempotencyKeyReusedError(InvalidValueError):
    """The key was used before for a request with other content."""

    def __init__(self) -> None:
        super().__init__(
            IDEMPOTENCY_KEY,
            "this key was sent before with another request; send a new key for a new request",
        )


class IdempotencyRecords(Protocol):
    """Keys and the results of the use cases they ran, written in the current transaction."""

    def claim(self, request: IdempotentRequest) -> bool:
        """Record the key; False when a request with it has committed already. Waits while
        another transaction holds the key. A key older than the retention counts as new."""
        ...

    def replay(self, request: IdempotentRequest, result_type: type[R]) -> R:
        """The result stored with the key; `IdempotencyKeyReusedError` when the key was
        recorded for another request."""
        ...

    def complete(self, request: IdempotentRequest, result: R, result_type: type[R]) -> None:
        """Store the result with the key just claimed."""
        ...


def run_once(
    uow: UnitOfWork,
    records: IdempotencyRecords,
    request: IdempotentRequest,
    result_type: type[R],
    use_case: Callable[[], R],
) -> R:
    """`use_case()` in one transaction with the record of its key and result, or the result
    that an earlier request with the key stored. The use case joins the transaction opened
    here, so its commit is the key's commit (and its `retries=` do not apply: a joined call
    is not retried alone)."""
    with uow.transaction():
        if not records.claim(request):
            return records.replay(request, result_type)
        result = use_case()
        records.complete(request, result, result_type)
        return result


class IdempotentUseCaseRunner(UseCaseRunner[Port_co], Protocol[Port_co]):
    """A use case runner that also runs a use case at most once per idempotency key.

    `await run(handler, command)` runs it; `await run.once(request, DTO, handler, command)`
    runs it unless a request with the same key committed already, and then returns that
    request's result, rebuilt as `DTO`. Without a key (`request` None) it just runs.
    """

    async def once(
        self,
        request: IdempotentRequest | None,
        result_type: type[R],
        handler: Callable[[Port_co], Callable[P, R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R: ...
