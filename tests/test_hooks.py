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


@pytest.mark.parametrize(
    ("answers", "sentence"),
    [
        (
            {"project_slug": "class", "package_name": "class"},
            "project_slug 'class' gives the package name 'class', which is a Python keyword; "
            "change project_slug, such as 'class-service', or answer package_name.",
        ),
        (
            {"project_name": "Typing", "project_slug": "typing", "package_name": "typing"},
            "project_name 'Typing' gives the package name 'typing', which shadows a Python "
            "standard-library module; change project_name, such as 'Typing Service', or answer "
            "package_name.",
        ),
    ],
)
def test_a_package_name_derived_from_another_answer_is_refused_by_that_answer(
    answers: dict[str, str], sentence: str
) -> None:
    assert pre_gen.validate(DEFAULTS | answers) == [sentence]


def test_a_bad_slug_is_one_sentence_not_one_more_for_its_package_name() -> None:
    (error,) = pre_gen.validate(DEFAULTS | {"project_slug": "My Svc", "package_name": "My Svc"})

    assert error.startswith("project_slug 'My Svc' is not a valid slug")


def test_a_refused_bake_shows_the_refusal_without_a_traceback(tmp_path: Path) -> None:
    cookiecutter = Path(sys.executable).with_name("cookiecutter")
    command = [str(cookiecutter), str(TEMPLATE), "--no-input", "-o", str(tmp_path)]

    completed = subprocess.run(
        [*command, "project_slug=class"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        "ERROR: project_slug 'class' gives the package name 'class', which is a Python keyword; "
        "change project_slug, such as 'class-service', or answer package_name."
    ]
    # cookiecutter's own last word, on stdout; its traceback of the hook is left out.
    assert completed.stdout.splitlines() == ["Hook script failed (exit status: 1)"]
    assert list(tmp_path.iterdir()) == []


def test_a_bake_says_only_what_to_do_next(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(TEMPLATE / "demo.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stderr == ""
    assert completed.stdout.strip().splitlines()[0] == "Created task-service."
    # `make run` migrates, so the example context's table needs no step of its own.
    assert "make migrate" not in completed.stdout
    assert "make run     # migrate and serve" in completed.stdout


def test_make_demo_over_a_drifted_demo_shows_the_refusal_alone(tmp_path: Path) -> None:
    demo = [sys.executable, str(TEMPLATE / "demo.py"), str(tmp_path)]
    subprocess.run(demo, capture_output=True, check=True)
    versions = tmp_path / "task-service/src/task_service/migrations/versions"
    branch = (versions / "0003_create_tasks.py").read_text()
    (versions / "0003b_branch.py").write_text(branch.replace('"0003"', '"0003b"', 1))

    completed = subprocess.run(demo, capture_output=True, text=True, check=False)

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        "ERROR: the migrations have several heads (0003, 0003b); "
        "merge them first with `alembic merge heads -m merge`.",
        "The project was written again, without its example context.",
    ]
