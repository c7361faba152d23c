"""Errors with business meaning. The API turns each kind into one HTTP status."""

from collections.abc import Collection


class DomainError(Exception):
    """Base of every error a client can act on."""


class NotFoundError(DomainError):
    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__(f"{entity} {entity_id} was not found")
        self.entity = entity
        self.entity_id = entity_id


class InvalidValueError(DomainError):
    """A value breaks a rule of the domain; `field` names it for the client."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(DomainError):
    """The request cannot be applied to the current state."""


class ConcurrencyConflictError(ConflictError):
    """The entity was changed by someone else since it was read."""

    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__(f"{entity} {entity_id} was changed by another request; read it again")
        self.entity = entity
        self.entity_id = entity_id


class VersionMismatchError(ConflictError):
    """The caller expected other versions (an HTTP `If-Match` that does not hold)."""

    def __init__(
        self, entity: str, entity_id: object, expected: Collection[int], current: int
    ) -> None:
        named = " or ".join(str(version) for version in sorted(expected)) or "the one asked for"
        super().__init__(
            f"{entity} {entity_id} is at version {current}, not {named}; read it again"
        )
        self.entity = entity
        self.entity_id = entity_id
        self.expected = frozenset(expected)
        self.current = current


class LockedError(ConflictError):
    """The row is locked by another transaction and the caller chose not to wait."""

    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__(f"{entity} {entity_id} is being changed by another request; try again")
        self.entity = entity
        self.entity_id = entity_id


class UniqueViolationError(ConflictError):
    """Another row already has these values; `fields` names them."""

    def __init__(self, fields: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.fields = fields


class CheckViolationError(ConflictError):
    """The change breaks a rule that the database checks; `rule` names it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class MissingReferenceError(InvalidValueError):
    """A reference names a row that does not exist."""


class StillReferencedError(ConflictError):
    """The row cannot go, or change its key, while other rows refer to it; `reference` names
    the columns that refer to it."""

    def __init__(self, reference: str, message: str) -> None:
        super().__init__(message)
        self.reference = reference


class SerializationFailureError(ConflictError):
    """The database could not serialize this transaction with a concurrent one (or broke a
    deadlock by aborting it); the whole transaction may be retried."""

    def __init__(self) -> None:
        super().__init__("the change collided with a concurrent one and was not applied; try again")
