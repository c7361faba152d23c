"""Errors with business meaning. The API turns each kind into one HTTP status."""


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
