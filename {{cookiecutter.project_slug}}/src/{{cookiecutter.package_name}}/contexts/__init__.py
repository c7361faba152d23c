"""Bounded contexts are found, not listed: a subpackage with a `bootstrap` module is one."""

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any


def discover() -> list[str]:
    """Names of the bounded contexts of this service, sorted."""
    package = importlib.import_module(__package__)
    return sorted(
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        if module.ispkg and importlib.util.find_spec(f"{__package__}.{module.name}.bootstrap")
    )


def bootstraps() -> Iterator[ModuleType]:
    for name in discover():
        yield importlib.import_module(f"{__package__}.{name}.bootstrap")


def subscriptions() -> list[Any]:
    """Every context's subscriptions to other contexts' events (its bootstrap's
    `subscriptions()`)."""
    return [
        subscription
        for bootstrap in bootstraps()
        for subscription in getattr(bootstrap, "subscriptions", list)()
    ]


def import_models() -> None:
    """Register every table on the shared metadata (Alembic needs them all): the shared
    kernel's and every context's."""
    importlib.import_module("..shared_kernel.infrastructure.idempotency", __package__)
    importlib.import_module("..shared_kernel.infrastructure.messaging.outbox", __package__)
    importlib.import_module("..shared_kernel.infrastructure.messaging.inbox", __package__)
    for name in discover():
        importlib.import_module(f"{__package__}.{name}.infrastructure.models")
