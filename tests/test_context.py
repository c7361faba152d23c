"""Adding bounded contexts to a baked project with `make context`, from the one context template."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bounded_context
import pytest
from cookiecutter.main import cookiecutter

from .baking import TEMPLATE, bake, local_servers, make, snapshot

VERSIONS = Path("src/task_service/migrations/versions")


def add_context(project: Path, venv: Path, succeeds: bool = True, **answers: str) -> str:
    return make("context", project, venv, None, succeeds=succeeds, **answers)


def revision_lines(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if re.search(r"^(Revision ID|Revises|revision|down_revision)\b", line)
    ]


def test_two_contexts_added_to_a_project_pass_its_lint_tests_and_migration_checks(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)

    billing = add_context(project, project_venv, name="billing", aggregate="invoice")
    add_context(
        project, project_venv, name="purchase_orders", aggregate="purchase_order", child="line"
    )

    assert "src/task_service/contexts/billing/" in billing
    assert "make run    # migrate (creating its table) and serve" in billing
    assert "make migrate" not in billing
    versions = sorted(path.name for path in (project / VERSIONS).glob("*.py"))
    assert versions == [
        "0001_create_idempotency_keys.py",
        "0002_create_outbox_and_inbox.py",
        "0003_create_tasks.py",
        "0004_create_invoices.py",
        "0005_create_purchase_orders.py",
    ]
    newest = (project / VERSIONS / "0005_create_purchase_orders.py").read_text()
    assert 'down_revision: str | None = "0004"' in newest
    router = project / "src/task_service/contexts/purchase_orders/api/router.py"
    assert 'prefix="/purchase-orders"' in router.read_text()
    assert '"/{id}/lines/{line_id}"' in router.read_text()
    assert 'op.create_table(\n        "purchase_order_lines"' in newest
    # Without a child, the context is the flat one: no file of the child's.
    assert not list(project.glob("tests/*/billing/*line*"))
    assert "Contracts: 5 kept, 0 broken." in make("lint", project, project_venv)
    # The migrations tests upgrade to head, downgrade to base and upgrade again, and compare
    # the migrated schema with every context's models; the e2e tests call each context's routes.
    # Once, on the local servers when there are some: the baked project's own test runs on both.
    output = make("test", project, project_venv, env=local_servers())
    for context in ("tasks", "billing", "purchase_orders"):
        for kind in ("unit", "integration", "e2e"):
            assert f"tests/{kind}/{context}/" in output
    for children in (
        "unit/purchase_orders/test_purchase_order_lines",
        "e2e/purchase_orders/test_purchase_order_lines_api",
        "integration/purchase_orders/test_lines_storage",
    ):
        assert f"tests/{children}.py" in output
    assert re.search(r"\b\d+ passed\b", output)
    assert " failed" not in output


def test_an_added_context_is_the_same_code_as_a_baked_one(cookies: Any, project_venv: Path) -> None:
    baked = bake(cookies, context_name="billing", aggregate_name="invoice")
    added = bake(cookies)
    add_context(added, project_venv, name="billing", aggregate="invoice")

    def billing_files(project: Path) -> dict[str, bytes]:
        return {
            path: content
            for path, content in snapshot(project).items()
            if "billing" in Path(path).parts
        }

    assert billing_files(baked) == billing_files(added)
    assert len(billing_files(baked)) > 20
    # The shared kernel's revisions come first in both.
    baked_revision = (baked / VERSIONS / "0003_create_invoices.py").read_text()
    added_revision = (added / VERSIONS / "0004_create_invoices.py").read_text()
    assert revision_lines(added_revision) == [
        "Revision ID: 0004",
        "Revises: 0003",
        'revision: str = "0004"',
        'down_revision: str | None = "0003"',
    ]
    unchanged = [
        line for line in baked_revision.splitlines() if line not in revision_lines(baked_revision)
    ]
    assert unchanged == [
        line for line in added_revision.splitlines() if line not in revision_lines(added_revision)
    ]


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        (
            {"name": "tasks", "aggregate": "ticket"},
            "context 'tasks' exists already (src/task_service/contexts/tasks)",
        ),
        ({"name": "Billing", "aggregate": "invoice"}, "context_name 'Billing' is not a lowercase"),
        ({"name": "shared_kernel", "aggregate": "invoice"}, "context_name 'shared_kernel'"),
        ({"name": "billing", "aggregate": "task"}, "aggregate_plural 'tasks' makes the table"),
        ({"name": "billing", "aggregate": "sheep", "plural": "sheep"}, "equals aggregate_name"),
        (
            {"name": "orders", "aggregate": "order", "child": "Line"},
            "child_name 'Line' is not a lowercase",
        ),
        (
            {"name": "orders", "aggregate": "order", "child": "order"},
            "child_name 'order' is the aggregate's own name",
        ),
        (
            {"name": "orders", "aggregate": "order", "child": "sheep", "child_plural": "sheep"},
            "child_plural 'sheep' equals child_name",
        ),
        (
            {"name": "orders", "aggregate": "order", "child": "status"},
            "child_name 'status' is already an attribute of the aggregate",
        ),
    ],
)
def test_a_context_that_cannot_be_added_is_refused_and_nothing_changes(
    cookies: Any, project_venv: Path, answers: dict[str, str], named: str
) -> None:
    project = bake(cookies)
    before = snapshot(project)

    output = add_context(project, project_venv, succeeds=False, **answers)

    assert named in output
    # The refusal's sentences and make's note of the failed target, without a traceback.
    *refusal, written, failed = output.splitlines()
    assert all(line.startswith("ERROR: ") for line in refusal)
    assert written == "Nothing was written."
    assert failed.startswith("make: *** [Makefile:")
    assert snapshot(project) == before


def rename_a_shared_kernel_module(project: Path) -> None:
    kernel = project / "src/task_service/shared_kernel/infrastructure"
    (kernel / "repository.py").rename(kernel / "repositories.py")


def rename_the_client_fixture(project: Path) -> None:
    conftest = project / "tests/e2e/conftest.py"
    conftest.write_text(conftest.read_text().replace("def client(", "def api_client("))


def branch_the_migrations(project: Path) -> None:
    branch = (project / VERSIONS / "0003_create_tasks.py").read_text()
    branch = branch.replace('revision: str = "0003"', 'revision: str = "0003b"')
    (project / VERSIONS / "0003b_branch.py").write_text(branch)


def leave_the_tests_of_a_removed_billing_context(project: Path) -> None:
    (project / "tests/unit/billing").mkdir()
    (project / "tests/unit/billing/__init__.py").write_text('"""Tests of a removed context."""\n')


@pytest.mark.parametrize(
    ("drift", "named"),
    [
        (
            leave_the_tests_of_a_removed_billing_context,
            "context 'billing' would overwrite tests/unit/billing/__init__.py",
        ),
        (
            rename_a_shared_kernel_module,
            "imports task_service.shared_kernel.infrastructure.repository, but "
            "src/task_service/shared_kernel/infrastructure/repository.py is missing",
        ),
        (rename_the_client_fixture, "uses the fixture 'client'"),
        (branch_the_migrations, "several heads (0003, 0003b)"),
    ],
)
def test_a_project_that_drifted_from_what_the_context_needs_is_refused(
    cookies: Any, project_venv: Path, drift: Callable[[Path], None], named: str
) -> None:
    project = bake(cookies)
    drift(project)
    before = snapshot(project)

    output = add_context(project, project_venv, succeeds=False, name="billing", aggregate="invoice")

    assert named in output
    assert snapshot(project) == before


def test_a_file_renamed_that_the_context_does_not_need_is_no_obstacle(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)
    (project / "README.md").rename(project / "README.rst")

    add_context(project, project_venv, name="billing", aggregate="invoice")

    assert (project / "src/task_service/contexts/billing/bootstrap.py").is_file()


def test_make_context_explains_its_usage(cookies: Any, project_venv: Path) -> None:
    output = add_context(bake(cookies), project_venv, succeeds=False, name="billing")

    assert "usage: make context name=billing aggregate=invoice" in output


# The module behind the hooks


def test_the_files_to_write_are_the_files_written(cookies: Any) -> None:
    project = bake(cookies, context_name="purchasing", aggregate_name="purchase_order")
    answers = {
        "__package_name": "task_service",
        "__revision": "0003",
        "context_name": "purchasing",
        "aggregate_name": "purchase_order",
        "aggregate_plural": "purchase_orders",
        "child_name": "",
    }
    written = [
        Path(path)
        for path in snapshot(project)
        # Of the migrations, the context writes its own; the shared kernel's are 0001 and 0002.
        if "purchasing" in Path(path).parts or path.startswith(f"{VERSIONS}/0003_")
    ]

    assert bounded_context.files_to_write(answers) == sorted(written)


def test_the_files_of_a_child_are_written_only_for_a_context_that_has_one() -> None:
    answers = {
        "__package_name": "task_service",
        "__revision": "0004",
        "context_name": "orders",
        "aggregate_name": "order",
        "aggregate_plural": "orders",
    }
    child_tests = {
        Path("tests/unit/orders/test_order_lines.py"),
        Path("tests/integration/orders/test_lines_storage.py"),
        Path("tests/e2e/orders/test_order_lines_api.py"),
    }

    flat = set(bounded_context.files_to_write({**answers, "child_name": ""}))
    owning = set(
        bounded_context.files_to_write({**answers, "child_name": "line", "child_plural": "lines"})
    )

    assert owning - flat == child_tests
    assert not [path for path in owning | flat if "{" in str(path)]


def test_a_child_table_that_another_context_has_is_refused(tmp_path: Path) -> None:
    models = tmp_path / "src/shop/contexts/catalog/infrastructure/models.py"
    models.parent.mkdir(parents=True)
    models.write_text('class OrderLineModel:\n    __tablename__ = "order_lines"\n')
    answers = {
        "context_name": "orders",
        "aggregate_name": "order",
        "aggregate_plural": "orders",
        "child_name": "line",
        "child_plural": "lines",
    }

    (clash,) = bounded_context._table_clashes(tmp_path, "shop", answers)

    assert clash.startswith("child_plural 'lines' makes the table 'order_lines', which src/")


def write_revision(versions: Path, revision: str, down: str | tuple[str, ...] | None) -> None:
    versions.mkdir(parents=True, exist_ok=True)
    (versions / f"{revision}_x.py").write_text(
        f"revision: str = {revision!r}\ndown_revision: str | None = {down!r}\n"
    )


def test_the_head_and_next_revision_follow_the_chain(tmp_path: Path) -> None:
    assert bounded_context.heads(tmp_path) == []
    assert bounded_context.next_revision(tmp_path) == "0001"

    write_revision(tmp_path, "0001", None)
    write_revision(tmp_path, "ab12cd34ef56", "0001")
    write_revision(tmp_path, "0003", "ab12cd34ef56")

    assert bounded_context.heads(tmp_path) == ["0003"]
    assert bounded_context.next_revision(tmp_path) == "0004"


def test_a_merge_revision_joins_two_heads(tmp_path: Path) -> None:
    write_revision(tmp_path, "0001", None)
    write_revision(tmp_path, "0002", "0001")
    write_revision(tmp_path, "0003", "0001")
    assert bounded_context.heads(tmp_path) == ["0002", "0003"]

    write_revision(tmp_path, "0004", ("0002", "0003"))

    assert bounded_context.heads(tmp_path) == ["0004"]


def test_an_unreadable_revision_is_named(tmp_path: Path) -> None:
    (tmp_path / "0001_broken.py").write_text("revision = \n")

    with pytest.raises(bounded_context.MigrationError, match=r"0001_broken\.py"):
        bounded_context.heads(tmp_path)


def test_the_context_template_has_no_copy_in_the_project_template() -> None:
    project_template = TEMPLATE / "{{cookiecutter.project_slug}}"

    assert not [path for path in project_template.rglob("*") if "context_name" in path.name]
    assert not [path for path in project_template.rglob("*") if "aggregate" in path.name]


def test_both_templates_inflect_the_plural_alike() -> None:
    project = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    context = json.loads((TEMPLATE / "context/cookiecutter.json").read_text())

    assert project["aggregate_plural"] == context["aggregate_plural"]


def test_a_project_generated_again_into_its_folder_is_the_same_project(tmp_path: Path) -> None:
    """What a second `make demo` does: the example context is written again, not refused."""
    cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path))
    project = tmp_path / "task-service"
    first = snapshot(project)

    cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(tmp_path), overwrite_if_exists=True)

    assert snapshot(project) == first
    assert len(list((project / VERSIONS).glob("*_create_tasks.py"))) == 1
