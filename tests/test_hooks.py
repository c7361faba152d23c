"""The hooks' logic, imported from the unrendered hook files."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

TEMPLATE = Path(__file__).resolve().parents[1]
HOOKS = TEMPLATE / "hooks"
DEFAULTS = {
    "project_name": "Task Service",
    "project_slug": "task-service",
    "package_name": "task_service",
    "description": "A Clean Architecture FastAPI service on PostgreSQL.",
    "author_name": "Your Name",
    "author_email": "you@example.com",
    "python_version": "3.11",
    "ci_provider": "github",
    "context_name": "tasks",
    "aggregate_name": "task",
    "aggregate_plural": "tasks",
}


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load("pre_gen_project")


def test_the_default_answers_are_accepted() -> None:
    assert pre_gen.validate(DEFAULTS) == []


def test_a_two_word_context_and_aggregate_are_accepted() -> None:
    answers = DEFAULTS | {
        "context_name": "purchase_orders",
        "aggregate_name": "purchase_order",
        "aggregate_plural": "purchase_orders",
    }

    assert pre_gen.validate(answers) == []


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("project_slug", "My Service", "not a valid slug"),
        ("project_slug", "-svc", "not a valid slug"),
        ("project_slug", "svc-", "not a valid slug"),
        ("package_name", "class", "keyword"),
        ("package_name", "match", "keyword"),
        ("package_name", "typing", "standard-library"),
        ("package_name", "email", "standard-library"),
        ("package_name", "sqlalchemy", "already used"),
        ("package_name", "fastapi", "already used"),
        ("package_name", "test", "already used"),
        ("package_name", "tests", "already used"),
        ("context_name", "Tasks", "not a lowercase Python identifier"),
        ("context_name", "2tasks", "not a lowercase Python identifier"),
        ("context_name", "shared_kernel", "already used"),
        ("context_name", "json", "standard-library"),
        ("context_name", "for", "keyword"),
        ("aggregate_name", "for", "keyword"),
        ("aggregate_name", "my-task", "not a lowercase Python identifier"),
        ("aggregate_plural", "task", "equals aggregate_name"),
        ("context_name", "warehouse_operations_x", "keep it to 20, such as 'warehouse_operations'"),
        ("aggregate_name", "a" * 21, "21 characters long"),
        ("python_version", "2.7", "not supported"),
        ("python_version", "3.10", "not supported"),
        ("python_version", "3.9", "not supported"),
        ("ci_provider", "jenkins", "choose one of github, gitlab"),
        ("project_name", "", "empty"),
        ("project_name", "  ", "empty"),
        ("description", "two\nlines", "several lines"),
        ("description", "two\r\nlines", "several lines"),
        ("description", 'a "quoted" word', "double quote"),
        ("description", "x" * 201, "keep it to 200"),
        ("author_name", "back\\slash", "double quote or a backslash"),
        ("author_email", "not-an-email", "not an email address"),
        ("author_email", "you@example", "not an email address"),
        ("author_email", 'y"ou@example.com', "double quote"),
    ],
)
def test_a_bad_answer_gets_one_sentence_naming_it(key: str, value: str, reason: str) -> None:
    errors = pre_gen.validate(DEFAULTS | {key: value})

    assert len(errors) == 1
    (error,) = errors
    assert error.startswith(f"{key} {value!r} ")
    assert reason in error


@pytest.mark.parametrize(
    ("key", "value", "accepted"),
    [
        ("package_name", "typing", "'typing_service'"),
        ("context_name", "json", "'json_records'"),
        ("aggregate_plural", "task", "'aggregate_plural=task_items'"),
        ("python_version", "3.10", "3.11, 3.12, 3.13, 3.14"),
    ],
)
def test_a_refusal_says_what_would_be_accepted(key: str, value: str, accepted: str) -> None:
    (error,) = pre_gen.validate(DEFAULTS | {key: value})

    assert accepted in error


def test_main_exits_1_and_prints_every_error(capsys: pytest.CaptureFixture[str]) -> None:
    answers = DEFAULTS | {"package_name": "typing", "python_version": "2.7"}

    with pytest.raises(SystemExit) as exit_:
        pre_gen.main(TEMPLATE, answers)

    assert exit_.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "ERROR: package_name 'typing' shadows a Python standard-library module; "
        "choose another name such as 'typing_service'.",
        "ERROR: python_version '2.7' is not supported; choose one of 3.11, 3.12, 3.13, 3.14.",
    ]


def test_main_returns_quietly_for_good_answers(capsys: pytest.CaptureFixture[str]) -> None:
    pre_gen.main(TEMPLATE, DEFAULTS)

    assert capsys.readouterr() == ("", "")


def test_the_unrendered_hooks_run_as_scripts() -> None:
    # Unrendered, every answer is its own placeholder text, which the hook must refuse
    # without a syntax error of its own.
    hooks = [*HOOKS.glob("*_gen_project.py"), *(TEMPLATE / "context/hooks").glob("*.py")]
    assert len(hooks) == 4
    for hook in hooks:
        completed = subprocess.run(
            [sys.executable, str(hook)], capture_output=True, text=True, check=False
        )
        assert "SyntaxError" not in completed.stderr


def test_a_context_may_share_the_package_name() -> None:
    # src/catalog/catalog/ is an ordinary subpackage; the template tests bake it.
    answers = DEFAULTS | {"package_name": "catalog", "context_name": "catalog"}

    assert pre_gen.validate(answers) == []


def test_post_gen_names_the_next_steps() -> None:
    printed = load("post_gen_project").NEXT_STEPS.format(slug="task-service")

    for step in ("cd task-service", "make run", "make test", "make lint", "make context"):
        assert step in printed
