"""The generic repository against hand-written SQLAlchemy doing the same work, in one run.

    make benchmark            # or: .venv/bin/python -m benchmarks.repository [--rounds N]

Runs on the server named by TEST_DATABASE_URL (or DATABASE_URL), else on the embedded
PostgreSQL, in a throwaway database it creates, migrates and drops: it never touches the
database the URL names. Both sides use the same synchronous (psycopg) session and build the
same entities; the two alternate, and each figure is the median of the rounds.

- get by id: 2,000 lookups of distinct random ids in a fresh session, so the identity map
  never answers and each is one SELECT (`repository.get` against `session.get` + mapping).
- add_many: 10,000 new entities in one flush, rolled back (`repository.add_many` against
  `session.add_all` of models built by hand + `flush`, both copying the version back).
- a 50-row page, newest first (`repository.page` against `select ... order_by ... limit`).
- in a 100,000-row table: a keyset page (`page_after`) and an offset page (`page`), 1,000 and
  90,000 rows deep.

Goals: the repository costs at most 1.3 times the hand-written code for get and add_many,
and a keyset page costs the same at any depth.
"""

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from uuid import UUID

from sqlalchemy import URL, Engine, create_engine, make_url, select
from sqlalchemy.orm import Session
from tests.conftest import migrated_database

from {{ cookiecutter.package_name }}.shared_kernel.domain.cursor import encode_cursor
from {{ cookiecutter.package_name }}.shared_kernel.domain.entity import (
    Versioned,
    utc_now,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    PageRequest,
    Sort,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import with_driver
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.embedded_postgres import (
    default_data_dir,
    start_embedded_postgres,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    Versioned as VersionedModel,
)

from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.aggregate_name.replace('_', ' ').title().replace(' ', '') }} as Entity,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.domain.entities import (
    {{ cookiecutter.aggregate_name.replace('_', ' ').title().replace(' ', '') }}Field as Field,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.models import (
    {{ cookiecutter.aggregate_name.replace('_', ' ').title().replace(' ', '') }}Model as Model,
)
from {{ cookiecutter.package_name }}.contexts.{{ cookiecutter.context_name }}.infrastructure.repository import (
    {{ cookiecutter.aggregate_name.replace('_', ' ').title().replace(' ', '') }}Repository as Repository,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NEWEST_FIRST = Sort(Field.CREATED_AT, descending=True)
TABLE_ROWS = 100_000
LOOKUPS = 2_000
PAGES = 20  # pages per sample: one page takes about a millisecond, too short to time alone
DEPTHS = (1_000, 90_000)
GOAL_RATIO = 1.3
FLAT_RATIO = 1.5  # keyset: deep page time / shallow page time

Comparison = tuple[str, float, float]  # operation, repository ms, hand-written ms


def to_entity(model: Model) -> Entity:
    """What a hand-written data layer does to return a domain object."""
    return Entity(
        id=model.id,
        version=model.version,
        title=model.title,
        description=model.description,
        status=model.status,
        created_at=model.created_at,
        updated_at=model.updated_at,
    )


def get_by_hand(session: Session, key: UUID) -> Entity:
    model = session.get(Model, key)
    if model is None:
        raise LookupError(key)
    return to_entity(model)


def looking_up(
    engine: Engine, ids: Sequence[UUID], getter: Callable[[Session], Callable[[UUID], object]]
) -> Callable[[], None]:
    """A side that gets LOOKUPS distinct random ids, the same on every side, in one fresh
    session: the identity map never answers, so each is a round trip."""
    keys = random.Random(0).sample(list(ids), LOOKUPS)  # noqa: S311 (a reproducible sample)

    def side() -> None:
        with Session(engine) as session:
            get = getter(session)
            for key in keys:
                get(key)

    return side


def add_all_and_flush(
    session: Session, entities: Sequence[Versioned], models: Sequence[VersionedModel]
) -> None:
    """How hand-written code stores new objects and copies their versions back."""
    session.add_all(models)
    session.flush()
    for entity, model in zip(entities, models, strict=True):
        entity.version = model.version


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def medians(sides: Sequence[Callable[[], object]], rounds: int) -> list[float]:
    """Each side's median in ms; the sides take turns in every round, so a slower spell of a
    shared machine falls on all of them."""
    samples: list[list[float]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, times in zip(sides, samples, strict=True):
            times.append(timed(side))
    return [median_ms(times) for times in samples]


def rounds_argument(description: str) -> int:
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds: int = parser.parse_args().rounds
    return rounds


def database_server() -> URL:
    """The server named by TEST_DATABASE_URL (or DATABASE_URL), else the embedded PostgreSQL."""
    configured = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return make_url(configured or start_embedded_postgres(default_data_dir(PROJECT_ROOT)))


def analyze(engine: Engine, tables: Sequence[str]) -> None:
    """Fresh planner statistics, so the first rounds do not run on plans for empty tables."""
    with engine.begin() as connection:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")


def print_comparisons(compared: Sequence[Comparison]) -> None:
    width = max(22, *(len(name) + 2 for name, _, _ in compared))
    print(f"{'operation':<{width}}{'repository':>12}{'by hand':>10}{'ratio':>8}   (median ms)")
    for name, ours, theirs in compared:
        print(f"{name:<{width}}{ours:>12.2f}{theirs:>10.2f}{ours / theirs:>8.2f}")


def print_verdicts(compared: Sequence[Comparison]) -> None:
    for name, ours, theirs in compared:
        verdict = "met" if ours / theirs <= GOAL_RATIO else "MISSED"
        print(f"  {name}: {ours / theirs:.2f} {verdict}")


def compare(engine: Engine, rounds: int, ids: list[UUID]) -> list[Comparison]:
    def add_many_repository() -> None:
        with Session(engine) as session:
            Repository(session).add_many([Entity(title=f"new {n}") for n in range(10_000)])
            session.rollback()

    def add_many_by_hand() -> None:
        with Session(engine) as session:
            entities = [Entity(title=f"new {n}") for n in range(10_000)]
            models = [
                Model(
                    id=e.id,
                    title=e.title,
                    description=e.description,
                    status=e.status,
                    created_at=e.created_at,
                    updated_at=e.updated_at,
                )
                for e in entities
            ]
            add_all_and_flush(session, entities, models)
            session.rollback()

    def page_repository() -> None:
        for _ in range(PAGES):
            with Session(engine) as session:
                request = PageRequest(limit=50, with_total=False)
                Repository(session).page(request, sort=NEWEST_FIRST)

    def page_by_hand() -> None:
        for _ in range(PAGES):
            with Session(engine) as session:
                newest = select(Model).order_by(Model.created_at.desc(), Model.id.desc())
                [to_entity(model) for model in session.scalars(newest.limit(50))]

    pairs = {
        "get by id (2,000)": (
            looking_up(engine, ids, lambda session: Repository(session).get),
            looking_up(engine, ids, lambda session: partial(get_by_hand, session)),
        ),
        "add_many (10,000)": (add_many_repository, add_many_by_hand),
        "50-row page": (page_repository, page_by_hand),
    }
    results = []
    for name, sides in pairs.items():
        ours, theirs = medians(sides, rounds)
        per = PAGES if name == "50-row page" else 1
        results.append((name, ours / per, theirs / per))
    return results


def by_depth(engine: Engine, rounds: int) -> list[tuple[int, float, float]]:
    results = []
    for depth in DEPTHS:
        with Session(engine) as session:
            row = session.execute(
                select(Model.created_at, Model.id)
                .order_by(Model.created_at.desc(), Model.id.desc())
                .offset(depth - 1)
                .limit(1)
            ).one()
        cursor = encode_cursor(NEWEST_FIRST, [row.created_at, row.id])

        def keyset(cursor: str = cursor) -> None:
            for _ in range(PAGES):
                with Session(engine) as session:
                    Repository(session).page_after(cursor, 50, sort=NEWEST_FIRST)

        def offset(depth: int = depth) -> None:
            request = PageRequest(limit=50, offset=depth, with_total=False)
            for _ in range(PAGES):
                with Session(engine) as session:
                    Repository(session).page(request, sort=NEWEST_FIRST)

        keyset_ms, offset_ms = medians((keyset, offset), rounds)
        results.append((depth, keyset_ms / PAGES, offset_ms / PAGES))
    return results


def fill(engine: Engine) -> list[UUID]:
    start = utc_now() - timedelta(days=1)
    entities = [
        Entity(title=f"task {n}", created_at=start + timedelta(milliseconds=n))
        for n in range(TABLE_ROWS)
    ]
    with Session(engine) as session, session.begin():
        for first in range(0, TABLE_ROWS, 10_000):
            Repository(session).add_many(entities[first : first + 10_000])
    analyze(engine, [Model.__tablename__])
    return [entity.id for entity in entities]


def main() -> None:
    rounds = rounds_argument(__doc__)
    with migrated_database(database_server()) as url:
        engine = create_engine(with_driver(url, "psycopg"))
        ids = fill(engine)
        compared = compare(engine, rounds, ids)
        print_comparisons(compared)
        print(f"\n{'depth':<22}{'keyset':>12}{'offset':>10}{'ratio':>8}   (median ms, 50 rows)")
        depths = by_depth(engine, rounds)
        for depth, keyset, offset in depths:
            print(f"{depth:<22,}{keyset:>12.2f}{offset:>10.2f}{offset / keyset:>8.1f}")
        engine.dispose()
    print(f"\ngoals: repository/hand-written <= {GOAL_RATIO} for get and add_many;")
    print(f"       keyset page deep/shallow <= {FLAT_RATIO} (flat with depth)")
    print_verdicts(compared[:2])
    (shallow, shallow_keyset, _), (deep, deep_keyset, _) = depths
    growth = deep_keyset / shallow_keyset
    verdict = "met" if growth <= FLAT_RATIO else "MISSED"
    print(f"  keyset at {deep:,} / at {shallow:,} rows deep: {growth:.2f} {verdict}")


if __name__ == "__main__":
    main()
