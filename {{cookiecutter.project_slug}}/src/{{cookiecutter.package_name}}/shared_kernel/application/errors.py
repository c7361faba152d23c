"""Errors of the application layer: what went wrong around the domain, not inside it."""


class ServiceUnavailableError(Exception):
    """The database is down, unreachable, overloaded or did not answer in time.

    Nothing the client sent is wrong and the same request may succeed later; the API answers
    503 with `Retry-After`. The infrastructure raises it in place of the driver's error, which
    stays chained as its cause.
    """

    def __init__(self, message: str = "the database is unavailable; try again shortly") -> None:
        super().__init__(message)
