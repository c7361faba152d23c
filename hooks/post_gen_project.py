"""Bake the example bounded context into the new project, then say what to do next.

The example context comes from `context/`, the same template that adds contexts to a project
later, so the two cannot drift apart. A failure here makes cookiecutter remove the project.
"""

import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

# The CI configuration files of each provider; the others' are removed.
CI_FILES = {"github": ".github", "gitlab": ".gitlab-ci.yml"}

NEXT_STEPS = """
Created {slug}.

  cd {slug}
  make run     # migrate and serve http://127.0.0.1:8000/docs (embedded PostgreSQL by default)
  make test    # unit, integration, e2e, contract, migration and architecture tests
  make lint    # ruff, mypy --strict, import-linter layer contracts
  make context name=billing aggregate=invoice   # add a bounded context
"""


def bake_example_context(template_dir: Path, answers: dict[str, str]) -> None:
    """Run the context template on the project being generated (the working directory)."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    sys.path.insert(0, str(template_dir / "context"))
    import bounded_context

    # Generated again into its own folder, the project has the context from the time before.
    answers = {
        **answers,
        "__example": "yes",
        **bounded_context.regenerated_context(Path.cwd(), answers),
    }
    try:
        cookiecutter(
            str(template_dir / "context"),
            no_input=True,
            extra_context=answers,
            overwrite_if_exists=True,
        )
    except FailedHookException:
        sys.exit(1)  # the context's hook has said why, in its own sentences
    except CookiecutterException as error:
        print(f"ERROR: the example bounded context could not be added: {error}", file=sys.stderr)
        sys.exit(1)


def keep_ci_files_of(provider: str, project: Path) -> None:
    for name, path in CI_FILES.items():
        if name != provider:
            target = project / path
            shutil.rmtree(target) if target.is_dir() else target.unlink()


def main(template_dir: Path, slug: str, ci_provider: str, context_answers: dict[str, str]) -> None:
    keep_ci_files_of(ci_provider, Path.cwd())
    bake_example_context(template_dir, context_answers)
    print(NEXT_STEPS.format(slug=slug))


if __name__ == "__main__":
    encoded = {
        "context_name": "{{ cookiecutter.context_name | urlencode }}",
        "aggregate_name": "{{ cookiecutter.aggregate_name | urlencode }}",
        "aggregate_plural": "{{ cookiecutter.aggregate_plural | urlencode }}",
    }
    main(
        Path(unquote("{{ template_dir() | urlencode }}")),
        unquote("{{ cookiecutter.project_slug | urlencode }}"),
        unquote("{{ cookiecutter.ci_provider | urlencode }}"),
        {key: unquote(value) for key, value in encoded.items()},
    )
