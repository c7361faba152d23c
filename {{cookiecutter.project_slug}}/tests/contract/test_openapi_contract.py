"""The OpenAPI document is the wire contract: requests generated from it, valid and invalid,
get the statuses, media types, headers and bodies it describes, and never a 5xx.

schemathesis runs every check on every operation, then follows the document's links (from a
created resource to reading, changing, moving and deleting it) as a state machine. Examples
are few and the same on every run, so the suite stays fast and a failure reproduces.
"""

import itertools
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import CheckFunction
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.generation.modes import GenerationMode
from schemathesis.hooks import HookContext
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import URL, Engine, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.types import ASGIApp, Receive, Scope, Send

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
    with_driver,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    Base,
)

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.contexts import (
    import_models,
)
from {{ cookiecutter.package_name }}.settings import (
    Environment,
    Settings,
)

IDEMPOTENCY_KEY = "Idempotency-Key"
SERVER_CHECKED_PARAMETERS = {"filter", "after"}
EXAMPLES = 10
# A valid request may still fail its precondition against the current state: an If-Match
# naming an older version is a 412, as a conflicting change is a 409.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES, "deterministic": True},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    },
)
HYPOTHESIS = hypothesis.settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None
)
SETTINGS = Settings(environment=Environment.TEST, database={"url": "postgresql://unused"})


def application(engine: AsyncEngine) -> ASGIApp:
    return create_app(SETTINGS, Database(engine))


class Served:
    """What schemathesis calls: the application `served` builds once a database exists. The
    document is read earlier, when the tests are collected (schemathesis' loader from a
    fixture, `from_fixture`, does not work on pytest 9.2)."""

    app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the `served` fixture has not started the application"
        await self.app(scope, receive, send)


SERVED = Served()
# Never connected to: the document needs no database.
DOCUMENT = create_app(SETTINGS, Database(create_async_engine("postgresql+asyncpg://unused@/x")))
schema = schemathesis.openapi.from_dict(DOCUMENT.openapi(), config=CONFIG)
schema.app = SERVED
# A client sends a new Idempotency-Key for each change it intends; the generator, by design,
# repeats values (an empty one, then the same few). A valid request gets a key of its own.
KEYS = itertools.count()


@schema.hook
def map_case(_: HookContext, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
    positive = case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE
    if positive and case.headers and IDEMPOTENCY_KEY in case.headers:
        case.headers[IDEMPOTENCY_KEY] = f"contract-{next(KEYS)}"
    return case


@pytest.fixture(scope="module", autouse=True)
def served(database_url: URL, sync_engine: Engine) -> Iterator[None]:
    """The application on a database where commits are real (links need rows that outlive
    their request); every table is emptied afterwards."""
    # schemathesis runs the application in an event loop of its own: no connection is pooled,
    # so none outlives the loop it was opened in.
    engine = create_async_engine(with_driver(database_url, "asyncpg"), poolclass=pool.NullPool)
    SERVED.app = application(engine)
    yield
    SERVED.app = None
    import_models()
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with sync_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables}"))


def beyond_the_schema(case: schemathesis.Case[Any]) -> list[CheckFunction]:
    """The checks that do not apply to this case. A filter's value must be of its field's type,
    and a cursor one the service issued: rules no schema can state, so a value the schema
    allows may still be refused (422, naming it). Every other check applies."""
    if case.query and SERVER_CHECKED_PARAMETERS & case.query.keys():
        return [positive_data_acceptance]
    return []


@schema.parametrize()
@HYPOTHESIS
def test_every_operation_answers_as_documented(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(excluded_checks=beyond_the_schema(case))


class LinkedOperations(schema.as_state_machine()):  # type: ignore[misc]
    def validate_response(
        self,
        response: Response,
        case: schemathesis.Case[Any],
        additional_checks: list[CheckFunction] | None = None,
        **kwargs: Any,
    ) -> None:
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=beyond_the_schema(case),
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


def test_linked_operations_answer_as_documented() -> None:
    LinkedOperations.run(settings=hypothesis.settings(HYPOTHESIS, stateful_step_count=5))
