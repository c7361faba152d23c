"""`python -m <package> {{ cookiecutter.aggregate_plural }} list | import FILE.csv`: the same use cases and queries as
the HTTP API, on a synchronous engine."""

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

from ....shared_kernel.api.query_parameters import parse_filters, parse_sort
from ....shared_kernel.application.use_case_runner import SyncUseCaseRunner
from ....shared_kernel.domain.errors import DomainError
from ....shared_kernel.domain.pagination import PageRequest
from ..application.commands import (
    Create{{ cookiecutter.__aggregate_class }},
    Import{{ cookiecutter.__aggregates_class }},
    List{{ cookiecutter.__aggregates_class }},
)
from ..application.queries import List{{ cookiecutter.__aggregates_class }}Handler
from ..application.read_side import {{ cookiecutter.__aggregate_class }}Queries
from ..application.unit_of_work import {{ cookiecutter.__context_class }}UnitOfWork
from ..application.use_cases import Import{{ cookiecutter.__aggregates_class }}Handler
from ..domain.entities import {{ cookiecutter.__aggregate_class }}Field
from .router import FILTERS

Runners = tuple[
    SyncUseCaseRunner[{{ cookiecutter.__context_class }}UnitOfWork],
    SyncUseCaseRunner[{{ cookiecutter.__aggregate_class }}Queries],
]
COLUMNS = ("title", "description")


def add_{{ cookiecutter.aggregate_plural }}_commands(
    add_parser: Callable[..., argparse.ArgumentParser],
    runners: Callable[[], Runners],
) -> None:
    group = add_parser("{{ cookiecutter.aggregate_plural }}", help="list and import {{ cookiecutter.aggregate_plural }}")
    actions = group.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", help="print {{ cookiecutter.aggregate_plural }}, one per line")
    listing.add_argument("--filter", action="append", default=[], help="such as status:eq:open")
    listing.add_argument("--sort", default="-created_at")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(
        execute=lambda arguments: list_{{ cookiecutter.aggregate_plural }}(arguments, runners()),
    )

    importing = actions.add_parser("import", help=f"add a row per line of a CSV file {COLUMNS}")
    importing.add_argument("file", type=Path)
    importing.set_defaults(
        execute=lambda arguments: import_{{ cookiecutter.aggregate_plural }}(arguments, runners()),
    )


def list_{{ cookiecutter.aggregate_plural }}(arguments: argparse.Namespace, runners: Runners) -> int:
    _, read = runners
    try:
        query = List{{ cookiecutter.__aggregates_class }}(
            spec=parse_filters(arguments.filter, FILTERS, parameter="--filter"),
            sort=parse_sort(arguments.sort, {{ cookiecutter.__aggregate_class }}Field, parameter="--sort"),
            page=PageRequest(limit=arguments.limit, with_total=False),
        )
    except DomainError as error:
        return _fail(str(error))
    for item in read(List{{ cookiecutter.__aggregates_class }}Handler, query).items:
        print(f"{item.id}\t{item.status}\tv{item.version}\t{item.title}")
    return 0


def import_{{ cookiecutter.aggregate_plural }}(arguments: argparse.Namespace, runners: Runners) -> int:
    run, _ = runners
    # The file is read before the transaction opens: no other I/O happens inside one.
    try:
        rows = _read_rows(arguments.file)
        imported = run(Import{{ cookiecutter.__aggregates_class }}Handler, Import{{ cookiecutter.__aggregates_class }}(rows))
    except (OSError, ValueError, DomainError) as error:
        return _fail(f"{arguments.file}: {error}; nothing was imported")
    print(f"imported {imported} {{ cookiecutter.aggregate_plural }}")
    return 0


def _read_rows(path: Path) -> tuple[Create{{ cookiecutter.__aggregate_class }}, ...]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames is None or "title" not in reader.fieldnames:
            raise ValueError(f"the header must name the columns {', '.join(COLUMNS)}")
        return tuple(
            Create{{ cookiecutter.__aggregate_class }}(
                title=row["title"] or "",
                description=row.get("description") or "",
            )
            for row in reader
        )


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
