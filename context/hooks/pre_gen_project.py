"""Refuse to add a bounded context before cookiecutter writes a single file.

Cookiecutter renders this file before running it; the answers arrive percent-encoded, so no
answer can break its syntax. The checks live in `bounded_context.py`, beside the template.
"""

import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote


def main(template_dir: Path, answers: Mapping[str, str]) -> None:
    sys.path.insert(0, str(template_dir))
    import bounded_context

    errors = bounded_context.check_names(answers) or bounded_context.check_project(
        Path(answers["__project_root"]), answers
    )
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    if errors:
        if answers["__regenerate"] == "yes":
            print("The project was written again, without its example context.", file=sys.stderr)
        else:
            print("Nothing was written.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    encoded = {
        "context_name": "{{ cookiecutter.context_name | urlencode }}",
        "aggregate_name": "{{ cookiecutter.aggregate_name | urlencode }}",
        "aggregate_plural": "{{ cookiecutter.aggregate_plural | urlencode }}",
        "child_name": "{{ cookiecutter.child_name | urlencode }}",
        "child_plural": "{{ cookiecutter.child_plural | urlencode }}",
        "__project_root": "{{ cookiecutter.__project_root | urlencode }}",
        "__package_name": "{{ cookiecutter.__package_name | urlencode }}",
        "__revision": "{{ cookiecutter.__revision | urlencode }}",
        "__regenerate": "{{ cookiecutter.__regenerate | urlencode }}",
    }
    main(
        Path(unquote("{{ cookiecutter._repo_dir | urlencode }}")).resolve(),
        {key: unquote(value) for key, value in encoded.items()},
    )
