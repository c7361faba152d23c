"""`python -m <package> {{ cookiecutter.aggregate_plural }} list | import FILE.csv`: the same use cases and queries as
the HTTP API, on a synchronous engine."""

import argparse
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ....shared_kernel.api.query_parameters import parse_filters, parse_sort
from ....shared_kernel.application.use_case_runner import SyncUseCaseRunner
from ....shared_kernel.domain.errors import DomainError
from ....shared_kernel.domain.pagination import MAX_LIMIT, PageRequest
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
    listing.add_argument("--limit", type=int, default=50, help=f"1 to {MAX_LIMIT}")
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
    try:
        with arguments.file.open(newline="", encoding="utf-8-sig") as file:
            records = csv.reader(file)
            columns = _columns(next(records, None))
            # The one I/O inside a transaction: the rows are read from the local file as the
            # import stores them, batch by batch, so memory stays flat however long the file
            # is, and a bad row anywhere still imports nothing. The synchronous engine has no
            # event loop to block, and the wait is the disk's, not another service's.
            command = Import{{ cookiecutter.__aggregates_class }}(_rows(records, columns))
            imported = run(Import{{ cookiecutter.__aggregates_class }}Handler, command)
    except (OSError, ValueError, csv.Error, DomainError) as error:
        return _fail(f"{arguments.file}: {error}; nothing was imported")
    print(f"imported {imported} {{ cookiecutter.aggregate_plural }}")
    return 0


def _columns(header: Sequence[str] | None) -> tuple[str, ...]:
    """The header's columns: `title`, and any of the others, each once."""
    names = tuple(header or ())
    unknown = [name for name in names if name not in COLUMNS]
    if "title" not in names or unknown or len(set(names)) < len(names):
        optional = ", ".join(COLUMNS[1:])
        raise ValueError(f"the header must name title and may name {optional}, once each")
    return names


def _rows(
    records: Iterator[list[str]],
    columns: tuple[str, ...],
) -> Iterator[Create{{ cookiecutter.__aggregate_class }}]:
    """One command per record (blank lines skipped), numbered as the import numbers them."""
    number = 0
    while True:
        try:
            record = next(records, None)
        except (csv.Error, UnicodeDecodeError) as error:
            raise ValueError(f"row {number + 1}: {error}") from error
        if record is None:
            return
        if not record:
            continue
        number += 1
        if len(record) != len(columns):
            counts = f"the header names {len(columns)} fields, this row has {len(record)}"
            raise ValueError(f"row {number}: {counts}")
        values = dict(zip(columns, record, strict=True))
        yield Create{{ cookiecutter.__aggregate_class }}(
            title=values["title"],
            description=values.get("description", ""),
        )


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
