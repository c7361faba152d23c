"""The generic repository on aggregates that own children, against hand-written SQLAlchemy
doing the same work, in one run.

    make benchmark            # or: .venv/bin/python -m benchmarks.owned_children [--rounds N]

Runs where `benchmarks.repository` runs (TEST_DATABASE_URL or DATABASE_URL, else the
embedded PostgreSQL), in a throwaway database it creates and drops, on the aggregate of the
repository's own tests: an order owns its lines, a line its notes (tables created from that
test's metadata). Every order has 10 lines and no notes. Both sides use the same synchronous
(psycopg) session and build the same entities; they alternate, and each figure is the median
of the rounds.

- get by id: 2,000 lookups of distinct random ids among 10,000 stored orders, in a fresh
  session, so the identity map never answers and each is one SELECT per table (`repository.get`
  against `session.get` with the same `selectinload` options + mapping).
- add_many: 10,000 orders (100,000 lines) in one transaction, rolled back; the entities are
  built once, before timing. `repository.add_many` against `session.add_all` of models built
  by hand + `flush`, and against the bulk form it uses itself, written by hand:
  `session.execute(insert(OrderModel), rows)`, then `insert(LineModel)`.

Goal: the repository costs at most 1.3 times the hand-written code.
"""

from functools import partial
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, create_engine, insert
from sqlalchemy.orm import Session, selectinload
from tests.conftest import throwaway_database
from tests.integration.test_owned_children_repository import (
    Line,
    LineModel,
    Note,
    NoteModel,
    Order,
    OrderModel,
    OrderRepository,
    OwnBase,
)

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    with_driver,
)

from benchmarks.repository import (
    GOAL_RATIO,
    LOOKUPS,
    Comparison,
    add_all_and_flush,
    analyze,
    database_server,
    looking_up,
    medians,
    print_comparisons,
    print_verdicts,
    rounds_argument,
)

STORED = 10_000
ADDED = 10_000
LINES = 10
LOADING = [selectinload(OrderModel.lines).selectinload(LineModel.notes)]


def new_orders(count: int) -> list[Order]:
    return [
        Order(
            customer=f"customer {n}",
            lines=[Line(number, f"product {number}") for number in range(1, LINES + 1)],
        )
        for n in range(count)
    ]


def to_line(model: LineModel) -> Line:
    notes = [Note(text=note.text, id=note.id) for note in model.notes]
    return Line(number=model.number, product=model.product, quantity=model.quantity, notes=notes)


def to_order(model: OrderModel) -> Order:
    """What a hand-written data layer does to return the aggregate."""
    lines = [to_line(line) for line in model.lines]
    return Order(id=model.id, version=model.version, customer=model.customer, lines=lines)


def get_order_by_hand(session: Session, key: UUID) -> Order:
    model = session.get(OrderModel, key, options=LOADING)
    if model is None:
        raise LookupError(key)
    return to_order(model)


def line_values(line: Line) -> dict[str, Any]:
    return {"number": line.number, "product": line.product, "quantity": line.quantity}


def compare(engine: Engine, rounds: int, ids: list[UUID]) -> list[Comparison]:
    get_repository = looking_up(engine, ids, lambda session: OrderRepository(session).get)
    get_by_hand = looking_up(engine, ids, lambda session: partial(get_order_by_hand, session))
    orders = new_orders(ADDED)

    def add_many_repository() -> None:
        with Session(engine) as session:
            OrderRepository(session).add_many(orders)
            session.rollback()

    def add_many_by_hand() -> None:
        with Session(engine) as session:
            models = [
                OrderModel(
                    id=order.id,
                    customer=order.customer,
                    lines=[
                        LineModel(
                            **line_values(line),
                            notes=[NoteModel(id=note.id, text=note.text) for note in line.notes],
                        )
                        for line in order.lines
                    ],
                )
                for order in orders
            ]
            add_all_and_flush(session, orders, models)
            session.rollback()

    def add_many_in_bulk_by_hand() -> None:
        with Session(engine) as session:
            roots = [{"id": order.id, "version": 1, "customer": order.customer} for order in orders]
            session.execute(insert(OrderModel), roots)
            lines = [
                {"order_id": order.id, **line_values(line)}
                for order in orders
                for line in order.lines
            ]
            session.execute(insert(LineModel), lines)
            notes = [
                {"id": note.id, "order_id": order.id, "line_number": line.number, "text": note.text}
                for order in orders
                for line in order.lines
                for note in line.notes
            ]
            if notes:
                session.execute(insert(NoteModel), notes)
            for order in orders:
                order.version = 1
            session.rollback()

    get_ours, get_theirs = medians((get_repository, get_by_hand), rounds)
    add_ours, add_orm, add_core = medians(
        (add_many_repository, add_many_by_hand, add_many_in_bulk_by_hand), rounds
    )
    return [
        (f"get by id ({LOOKUPS:,})", get_ours, get_theirs),
        (f"add_many ({ADDED:,}), add_all", add_ours, add_orm),
        (f"add_many ({ADDED:,}), Core insert", add_ours, add_core),
    ]


def fill(engine: Engine) -> list[UUID]:
    orders = new_orders(STORED)
    with Session(engine) as session, session.begin():
        OrderRepository(session).add_many(orders)
    analyze(engine, [table.name for table in OwnBase.metadata.sorted_tables])
    return [order.id for order in orders]


def main() -> None:
    rounds = rounds_argument(__doc__)
    with throwaway_database(database_server()) as url:
        engine = create_engine(with_driver(url, "psycopg"))
        OwnBase.metadata.create_all(engine)
        ids = fill(engine)
        compared = compare(engine, rounds, ids)
        engine.dispose()
    print(f"orders of {LINES} lines; by hand: session.get, add_all + flush, Core insert")
    print_comparisons(compared)
    print(f"\ngoal: repository/hand-written <= {GOAL_RATIO}")
    print_verdicts(compared)


if __name__ == "__main__":
    main()
