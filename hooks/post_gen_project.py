"""Tell the user what to do next. Writes nothing and makes no network calls."""

from urllib.parse import unquote

NEXT_STEPS = """
Created {slug}.

  cd {slug}
  make run     # serve http://127.0.0.1:8000/docs (embedded PostgreSQL unless DATABASE_URL is set)
  make test    # unit, integration, e2e, migration and architecture tests
  make lint    # ruff, mypy --strict, import-linter layer contracts
"""


def main(slug: str) -> None:
    print(NEXT_STEPS.format(slug=slug))


if __name__ == "__main__":
    main(unquote("{{ cookiecutter.project_slug | urlencode }}"))
