from typing import Protocol

from ....shared_kernel.domain.repository import Repository
from .entities import {{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Field


class I{{ cookiecutter.__aggregate_class }}Repository(
    Repository[{{ cookiecutter.__aggregate_class }}, {{ cookiecutter.__aggregate_class }}Field],
    Protocol,
):
    """Every method of `Repository`; queries only {{ cookiecutter.aggregate_plural }} need are added here."""
