from enum import StrEnum

from ....shared_kernel.domain.errors import ConflictError, InvalidValueError


class {{ cookiecutter.__aggregate_class }}TitleError(InvalidValueError):
    def __init__(self, message: str) -> None:
        super().__init__("title", message)


class {{ cookiecutter.__aggregate_class }}DescriptionError(InvalidValueError):
    def __init__(self, message: str) -> None:
        super().__init__("description", message)


class {{ cookiecutter.__aggregate_class }}StatusTransitionError(ConflictError):
    def __init__(self, current: StrEnum, requested: StrEnum) -> None:
        super().__init__(f"a {{ cookiecutter.__aggregate_label }} cannot move from {current} to {requested}")
        self.current = current
        self.requested = requested
{% if cookiecutter.child_name %}

class {{ cookiecutter.__child_class }}NameError(InvalidValueError):
    def __init__(self, message: str) -> None:
        super().__init__("name", message)


class {{ cookiecutter.__child_class }}QuantityError(InvalidValueError):
    def __init__(self, message: str) -> None:
        super().__init__("quantity", message)


class {{ cookiecutter.__child_class }}LimitError(ConflictError):
    def __init__(self, limit: int) -> None:
        message = f"at most {limit} {{ cookiecutter.child_plural.replace('_', ' ') }} fit in one {{ cookiecutter.__aggregate_label }}; remove one first"
        super().__init__(message)
        self.limit = limit
{% endif %}