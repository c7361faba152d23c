"""`BaseRepository` on an aggregate that owns children, two levels deep, with models of the
test's own: an order owns lines (keyed by their number within the order), a line owns notes.

The contract tests run on the SQL repository and on the in-memory fake; the tables are
created inside the test's transaction and rolled back with it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

import pytest
from sqlalchemy import (
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    MetaData,
    String,
    event,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from {{ cookiecutter.package_name }}.shared_kernel.domain.entity import (
    Entity,
    new_id,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.errors import (
    ConcurrencyConflictError,
    InvalidValueError,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.pagination import (
    PageRequest,
    Sort,
)
from {{ cookiecutter.package_name }}.shared_kernel.domain.repository import (
    Repository,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.orm import (
    NAMING_CONVENTION,
    Versioned,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.queries import (
    BaseQueries,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.repository import (
    BaseRepository,
)

from tests.fakes import InMemoryRepository
from tests.statements import statements_sent


class OwnBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class NoteModel(OwnBase):
    __tablename__ = "test_line_notes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["order_id", "line_number"],
            ["test_order_lines.order_id", "test_order_lines.number"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    order_id: Mapped[UUID]
    line_number: Mapped[int]
    text: Mapped[str] = mapped_column(String(100))


class LineModel(OwnBase):
    __tablename__ = "test_order_lines"

    order_id: Mapped[UUID] = mapped_column(
        ForeignKey("test_orders.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(50))
    quantity: Mapped[int]
    notes: Mapped[list[NoteModel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=NoteModel.id
    )


class OrderModel(Versioned, OwnBase):
    __tablename__ = "test_orders"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    customer: Mapped[str] = mapped_column(String(50))
    lines: Mapped[list[LineModel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=LineModel.number
    )


@dataclass
class Note:
    text: str
    id: UUID = field(default_factory=new_id)  # time-ordered: notes read back in creation order


@dataclass
class Line:
    number: int
    product: str
    quantity: int = 1
    notes: list[Note] = field(default_factory=list)


@dataclass(kw_only=True, eq=False)
class Order(Entity):
    customer: str
    lines: list[Line] = field(default_factory=list)


class OrderField(StrEnum):
    CUSTOMER = "customer"


class OrderRepository(BaseRepository[OrderModel, Order]):
    columns: ClassVar[dict[OrderField, Any]] = {
        OrderField.CUSTOMER: OrderModel.__table__.c.customer,
    }

    def _to_entity(self, model: OrderModel) -> Order:
        lines = [
            Line(line.number, line.product, line.quantity, [Note(n.text, n.id) for n in line.notes])
            for line in model.lines
        ]
        return Order(id=model.id, version=model.version, customer=model.customer, lines=lines)

    def _to_model(self, entity: Order) -> OrderModel:
        lines = [
            LineModel(
                number=line.number,
                product=line.product,
                quantity=line.quantity,
                notes=[NoteModel(id=note.id, text=note.text) for note in line.notes],
            )
            for line in entity.lines
        ]
        return OrderModel(id=entity.id, customer=entity.customer, lines=lines)


class InMemoryOrderRepository(InMemoryRepository[Order]):
    entity_name = "Order"


@dataclass(frozen=True)
class LineDTO:
    number: int
    product: str
    quantity: int


@dataclass(frozen=True)
class OrderDTO:
    id: UUID
    customer: str
    version: int
    lines: tuple[LineDTO, ...]


class OrderQueries(BaseQueries[OrderModel, OrderDTO]):
    columns: ClassVar[dict[OrderField, Any]] = {
        OrderField.CUSTOMER: OrderModel.__table__.c.customer,
    }


Orders = Repository[Order, OrderField]


@pytest.fixture
def tables(session: Session) -> Session:
    OwnBase.metadata.create_all(session.connection())
    return session


@pytest.fixture(params=["sql", "in_memory"])
def orders(request: pytest.FixtureRequest) -> Iterator[Orders]:
    if request.param == "in_memory":
        yield InMemoryOrderRepository()
        return
    yield OrderRepository(request.getfixturevalue("tables"))


def an_order(customer: str = "ann", lines: int = 2) -> Order:
    return Order(
        customer=customer,
        lines=[
            Line(number, f"product {number}", notes=[Note("fragile")])
            for number in range(1, lines + 1)
        ],
    )


def shape(order: Order) -> list[tuple[int, str, int, list[str]]]:
    return [
        (line.number, line.product, line.quantity, [note.text for note in line.notes])
        for line in order.lines
    ]


def test_an_added_aggregate_reads_back_with_its_children_by_every_read(orders: Orders) -> None:
    order = an_order()
    orders.add_many([order, an_order("bob", lines=0)])
    expected = [(1, "product 1", 1, ["fragile"]), (2, "product 2", 1, ["fragile"])]
    by_customer = Sort(OrderField.CUSTOMER)

    assert shape(orders.get(order.id)) == expected
    assert shape(orders.get_many([order.id])[0]) == expected
    assert shape(orders.find(sort=by_customer)[0]) == expected
    assert shape(orders.page(PageRequest(limit=1), sort=by_customer).items[0]) == expected
    assert shape(orders.page_after(None, 1, sort=by_customer).items[0]) == expected
    assert [shape(found) for found in orders.stream(batch_size=1)] in (
        [expected, []],
        [[], expected],
    )
    assert shape(orders.lock(order.id)) == expected
    assert orders.get(order.id).version == 1


def test_an_update_adds_changes_and_removes_children_and_bumps_the_root(orders: Orders) -> None:
    order = an_order(lines=3)
    orders.add(order)

    changed = orders.get(order.id)
    changed.lines[0].quantity = 5
    changed.lines[0].notes.append(Note("gift"))
    changed.lines[1].notes.clear()
    del changed.lines[2]
    changed.lines.append(Line(4, "product 4"))
    orders.update(changed)

    assert shape(orders.get(order.id)) == [
        (1, "product 1", 5, ["fragile", "gift"]),
        (2, "product 2", 1, []),
        (4, "product 4", 1, []),
    ]
    assert changed.version == orders.get(order.id).version == 2


def test_a_change_to_a_child_alone_is_a_new_version_so_a_stale_one_conflicts(
    orders: Orders,
) -> None:
    order = an_order()
    orders.add(order)
    first, second = orders.get(order.id), orders.get(order.id)

    first.lines[1].quantity = 2
    orders.update(first)
    second.lines[0].quantity = 3

    with pytest.raises(ConcurrencyConflictError):
        orders.update(second)
    assert first.version == 2
    assert shape(orders.get(order.id))[0][2] == 1


def test_an_update_that_changes_nothing_is_no_new_version(orders: Orders) -> None:
    order = an_order()
    orders.add(order)
    unchanged = orders.get(order.id)

    orders.update(unchanged)

    assert unchanged.version == orders.get(order.id).version == 1


def test_an_upsert_replaces_the_stored_children(orders: Orders) -> None:
    order = an_order(lines=2)
    orders.add(order)

    replacement = Order(id=order.id, customer="ann", lines=[Line(7, "product 7")])
    orders.upsert(replacement)

    assert shape(orders.get(order.id)) == [(7, "product 7", 1, [])]
    assert replacement.version == 2


def test_two_children_with_one_key_are_refused(tables: Session) -> None:
    orders = OrderRepository(tables)
    orders.add(order := an_order(lines=1))
    twice = orders.get(order.id)
    twice.lines.append(Line(1, "the same number again"))

    with pytest.raises(InvalidValueError, match="lines"):
        orders.update(twice)


def test_the_read_side_reads_the_root_and_its_children_in_one_snapshot(
    sync_engine: Engine,
) -> None:
    # Committed for real, on an engine that autocommits like the read engines.
    OwnBase.metadata.create_all(sync_engine)
    try:
        with Session(sync_engine) as writer:
            OrderRepository(writer).add(order := an_order(lines=1))
            writer.commit()
        reading = sync_engine.execution_options(isolation_level="AUTOCOMMIT")
        added: list[bool] = []

        def add_a_line_meanwhile(*call: Any) -> None:
            if "FROM test_order_lines" in call[2] and not added:
                added.append(True)
                with Session(sync_engine) as writer:
                    changed = OrderRepository(writer).get(order.id)
                    changed.lines.append(Line(2, "added between the two statements"))
                    OrderRepository(writer).update(changed)
                    writer.commit()

        event.listen(reading, "before_cursor_execute", add_a_line_meanwhile)
        with reading.connect() as connection:
            read = OrderQueries(connection).get(order.id)
        event.remove(reading, "before_cursor_execute", add_a_line_meanwhile)

        assert added
        assert (read.version, [line.number for line in read.lines]) == (1, [1])
    finally:
        OwnBase.metadata.drop_all(sync_engine)


def test_deleting_the_root_deletes_its_children_with_it(tables: Session) -> None:
    orders = OrderRepository(tables)
    kept, deleted, deleted_by_key = an_order("kept"), an_order("gone"), an_order("gone too")
    orders.add_many([kept, deleted, deleted_by_key])

    with statements_sent(tables) as sent:
        orders.delete(orders.get(deleted.id))
    orders.delete_many([deleted_by_key.id])

    # One DELETE, of the root's row, however many children.
    deletes = [statement.split(" WHERE")[0] for statement in sent if "DELETE" in statement]
    assert deletes == ["DELETE FROM test_orders"]
    assert orders.get_or_none(deleted.id) is None

    count = select(func.count()).select_from
    assert tables.scalar(count(LineModel)) == 2
    assert tables.scalar(count(NoteModel)) == 2


def test_reads_load_any_number_of_aggregates_in_one_statement_per_table(tables: Session) -> None:
    orders = OrderRepository(tables)
    orders.add_many([an_order(f"customer {n}", lines=10) for n in range(50)])
    keys = [order.id for order in orders.find()]
    tables.expunge_all()  # nothing in the identity map: every read goes to the database

    reads: dict[str, Callable[[], object]] = {
        "get_many": lambda: orders.get_many(keys),
        "find": orders.find,
        "page": lambda: orders.page(PageRequest(limit=50, with_total=False)),
        "page_after": lambda: orders.page_after(None, 50),
        "stream": lambda: list(orders.stream()),
        "lock": lambda: orders.lock(keys[0]),
        "get": lambda: orders.get(keys[1]),
    }
    for name, read in reads.items():
        tables.expunge_all()
        with statements_sent(tables) as sent:
            read()
        # Orders, lines, notes.
        assert len(sent) == 3, name


def test_the_read_side_nests_children_in_one_statement_per_table(tables: Session) -> None:
    OrderRepository(tables).add_many([an_order(f"customer {n:02}", lines=10) for n in range(50)])
    queries = OrderQueries(tables.connection())

    with statements_sent(tables) as sent:
        page = queries.page(PageRequest(limit=50, with_total=True), sort=Sort(OrderField.CUSTOMER))

    assert len(sent) == 3  # the total, the orders, their lines
    assert len(page.items) == 50
    assert [line.number for line in page.items[0].lines] == list(range(1, 11))
    assert page.items[0].lines[0] == LineDTO(1, "product 1", 1)


def test_add_many_writes_each_table_in_bulk(tables: Session) -> None:
    orders = OrderRepository(tables)

    with statements_sent(tables) as sent:
        orders.add_many([an_order(lines=10) for _ in range(100)])

    assert len(sent) <= 3  # one multi-row INSERT per table
    assert tables.scalar(select(func.count()).select_from(NoteModel)) == 1000
