"""Bake every option variant and hold the result to the generated project's own standards."""

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .baking import bake, local_servers, make, run

VARIANTS: dict[str, dict[str, str]] = {
    "default": {},
    "two-word-aggregate": {
        "project_name": "Acme Procurement Platform Service",
        "description": "Buys things for the 'whole' company & <everyone>.",
        "author_name": "Zoë O'Brien",
        "author_email": "zoe@example.org",
        "python_version": "3.13",
        "context_name": "purchasing",
        "aggregate_name": "purchase_order",
    },
    "irregular-plural": {
        "project_name": "Catalog",
        "python_version": "3.12",
        "context_name": "catalog",
        "aggregate_name": "category",
    },
    "short-names": {
        "project_name": "Ops",
        "python_version": "3.14",
        "context_name": "ops",
        "aggregate_name": "job",
        "aggregate_plural": "job_runs",
    },
    # The longest names accepted: nothing the formatter would wrap differently.
    "longest-names": {
        "context_name": "warehouse_operations",
        "aggregate_name": "inventory_allocation",
        "aggregate_plural": "inventory_placements",
    },
}
LEFTOVER_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|cookiecutter\.")


@pytest.mark.parametrize("variant", VARIANTS)
def test_bake_leaves_no_template_syntax(cookies: Any, variant: str) -> None:
    project = bake(cookies, **VARIANTS[variant])

    leftovers = [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if LEFTOVER_TEMPLATE_SYNTAX.search(path.name)
        or (path.is_file() and LEFTOVER_TEMPLATE_SYNTAX.search(path.read_text()))
    ]
    assert leftovers == []


def test_every_answer_changes_the_output(cookies: Any) -> None:
    answers = VARIANTS["two-word-aggregate"]
    project = bake(cookies, **answers)
    package = project / "src" / "acme_procurement_platform_service"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert project.name == "acme-procurement-platform-service"
    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"] == [
        {"name": answers["author_name"], "email": answers["author_email"]}
    ]
    assert pyproject["project"]["requires-python"] == ">=3.13"
    assert pyproject["tool"]["mypy"]["python_version"] == "3.13"
    assert pyproject["tool"]["ruff"]["target-version"] == "py313"
    context = package / "contexts" / "purchasing"
    assert (context / "domain" / "entities.py").read_text().count("class PurchaseOrder(") == 1
    router = (context / "api" / "router.py").read_text()
    assert 'prefix="/purchase-orders"' in router
    assert (
        '__tablename__ = "purchase_orders"'
        in (context / "infrastructure" / "models.py").read_text()
    )
    assert (
        "ACME_PROCUREMENT_PLATFORM_SERVICE_DATABASE__URL" in (project / ".env.example").read_text()
    )
    assert "Acme Procurement Platform Service" in (package / "app.py").read_text()


def test_the_plural_is_inflected_and_can_be_given(cookies: Any) -> None:
    catalog = bake(cookies, **VARIANTS["irregular-plural"])
    ops = bake(cookies, **VARIANTS["short-names"])

    assert (
        'prefix="/categories"'
        in (catalog / "src/catalog/contexts/catalog/api/router.py").read_text()
    )
    assert 'prefix="/job-runs"' in (ops / "src/ops/contexts/ops/api/router.py").read_text()


@pytest.mark.parametrize("variant", VARIANTS)
def test_baked_project_passes_its_own_lint(cookies: Any, project_venv: Path, variant: str) -> None:
    project = bake(cookies, **VARIANTS[variant])

    output = make("lint", project, project_venv)

    assert "Contracts: 5 kept, 0 broken." in output


def test_baked_project_passes_its_own_tests_on_embedded_and_local_servers(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)

    embedded = make("test", project, project_venv)
    assert re.search(r"\b\d+ passed\b", embedded)
    assert " failed" not in embedded

    if servers := local_servers():
        on_servers = make("test", project, project_venv, env=servers)
        assert re.search(r"\b\d+ passed\b", on_servers)


def test_a_two_word_aggregate_project_passes_its_own_tests(
    cookies: Any, project_venv: Path
) -> None:
    # The names differ, not the servers: one run, on the local servers when there are some.
    project = bake(cookies, **VARIANTS["two-word-aggregate"])

    output = make("test", project, project_venv, env=local_servers())

    assert re.search(r"\b\d+ passed\b", output)
    assert " failed" not in output


@pytest.mark.skipif(
    not os.environ.get("TEST_PGBOUNCER_URL"),
    reason="TEST_PGBOUNCER_URL names no PgBouncer in transaction mode (.ci/run starts one)",
)
def test_baked_integration_and_e2e_suites_pass_through_pgbouncer(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)
    env = local_servers() | {"TEST_PGBOUNCER_URL": os.environ["TEST_PGBOUNCER_URL"]}

    output = run(["pytest", "-q", "tests/integration", "tests/e2e"], project, project_venv, env)

    assert re.search(r"\b\d+ passed\b", output)
    # Only what the guidelines say a pooler in transaction mode cannot keep is left out.
    assert len(re.findall(r"^SKIPPED", output, re.MULTILINE)) <= 4


def test_make_migration_autogenerates_a_revision_from_the_models(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)
    models = project / "src/task_service/contexts/tasks/infrastructure/models.py"
    models.write_text(
        models.read_text().replace(
            "    created_at: Mapped[datetime]",
            "    priority: Mapped[int | None]\n    created_at: Mapped[datetime]",
        )
    )
    versions = project / "src/task_service/migrations/versions"
    before = set(versions.glob("*.py"))

    make("migration", project, project_venv, m="add task priority")

    (revision,) = set(versions.glob("*.py")) - before
    assert revision.name.endswith("_add_task_priority.py")
    assert 'op.add_column("tasks", sa.Column("priority"' in revision.read_text()
    make("lint", project, project_venv)


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        ({"project_slug": "My Service"}, "'My Service'"),
        ({"package_name": "typing"}, "'typing'"),
        ({"context_name": "Tasks"}, "'Tasks'"),
        ({"python_version": "3.10"}, "3.10"),
    ],
)
def test_a_bad_answer_is_refused_before_anything_is_written(
    cookies: Any,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    answers: dict[str, str],
    named: str,
) -> None:
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert named in capfd.readouterr().err + str(result.exception)
    written = [path for path in (tmp_path / "cookies").rglob("*") if path.name != "bake00"]
    assert written == []
