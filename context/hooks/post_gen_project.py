"""Say what was added and what to do next. Writes nothing."""

from urllib.parse import unquote

ADDED = """
Added the bounded context '{context}' ({plural} at /{url}):
  src/{package}/contexts/{context}/
  tests/unit/{context}/ tests/integration/{context}/ tests/e2e/{context}/
  src/{package}/migrations/versions/{revision}_create_{plural}.py

  make migrate   # create its table
  make test      # run its tests with the rest
"""


def main(answers: dict[str, str]) -> None:
    print(ADDED.format(**answers))


if __name__ == "__main__":
    encoded = {
        "context": "{{ cookiecutter.context_name | urlencode }}",
        "plural": "{{ cookiecutter.aggregate_plural | urlencode }}",
        "url": "{{ cookiecutter.__url_path | urlencode }}",
        "package": "{{ cookiecutter.__package_name | urlencode }}",
        "revision": "{{ cookiecutter.__revision | urlencode }}",
    }
    main({key: unquote(value) for key, value in encoded.items()})
