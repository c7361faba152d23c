"""Say what was added and what to do next. Writes nothing.

The example context of a new project is part of the project, whose own hook says what to do
next, so it is added without a word.
"""

from urllib.parse import unquote

ADDED = """
Added the bounded context '{context}' ({plural} at /{url}):
  src/{package}/contexts/{context}/
  tests/unit/{context}/ tests/integration/{context}/ tests/e2e/{context}/
  src/{package}/migrations/versions/{revision}_create_{plural}.py

  make test   # run its tests with the rest
  make run    # migrate (creating its table) and serve
"""


def main(answers: dict[str, str], example: str) -> None:
    if example != "yes":
        print(ADDED.format(**answers))


if __name__ == "__main__":
    encoded = {
        "context": "{{ cookiecutter.context_name | urlencode }}",
        "plural": "{{ cookiecutter.aggregate_plural | urlencode }}",
        "url": "{{ cookiecutter.__url_path | urlencode }}",
        "package": "{{ cookiecutter.__package_name | urlencode }}",
        "revision": "{{ cookiecutter.__revision | urlencode }}",
    }
    main(
        {key: unquote(value) for key, value in encoded.items()},
        example=unquote("{{ cookiecutter.__example | urlencode }}"),
    )
