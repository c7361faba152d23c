"""`make context`: add a bounded context from the template this project was generated from.

The template is the first of these that can be reached: `TEMPLATE=<path or git URL>` when given
(then only that); the template and commit that `.cruft.json` records (written by `cruft create`
or `cruft link`), cloned at that commit as cruft does; the template the project was generated
from, as the Makefile records it. When none can be reached, one sentence asks for `TEMPLATE=`.
A refusal by the context template's hooks is their own sentences and exit status 1, without
cookiecutter's traceback.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cookiecutter import config, exceptions, repository
from cookiecutter import main as cookiecutter_main

# A git URL that needs credentials fails at once instead of waiting for a password.
GIT_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}


def sources(override: str, generated_from: str, project: Path) -> list[tuple[str, str | None]]:
    """Where to look for the template, in order, each with the commit to check out (or None)."""
    if override:
        return [(override, None)]
    found: list[tuple[str, str | None]] = []
    cruft = project / ".cruft.json"
    if cruft.is_file():
        recorded = json.loads(cruft.read_text())
        found.append((str(recorded["template"]), recorded.get("commit")))
    if generated_from and generated_from not in [source for source, _ in found]:
        found.append((generated_from, None))
    return found


@contextmanager
def checked_out(source: str, commit: str | None) -> Iterator[Path | None]:
    """The template's folder: `source` itself when it is one and no commit is asked for, else a
    temporary clone of it at `commit`; None when it cannot be reached."""
    folder = Path(source).expanduser()
    if commit is None and folder.is_dir():
        yield folder if (folder / "context" / "bounded_context.py").is_file() else None
        return
    url = repository.expand_abbreviations(source, config.BUILTIN_ABBREVIATIONS)
    with tempfile.TemporaryDirectory(prefix="template-") as clone:
        commands = [["git", "clone", "--quiet", url, clone]]
        if commit:
            commands.append(["git", "-C", clone, "checkout", "--quiet", commit])
        if not all(_succeeds(command) for command in commands):
            yield None
            return
        yield Path(clone)


def _succeeds(command: list[str]) -> bool:
    try:
        done = subprocess.run(command, env=GIT_ENV, capture_output=True, check=False)  # noqa: S603
    except OSError:  # no git
        return False
    return done.returncode == 0


def add_context(template: Path, answers: dict[str, str]) -> int:
    """Run the context template on this project; 1 when its hooks refuse, having said why."""
    try:
        cookiecutter_main.cookiecutter(
            str(template),
            directory="context",
            no_input=True,
            overwrite_if_exists=True,
            extra_context=answers,
        )
    except exceptions.FailedHookException:
        return 1
    return 0


def parse(arguments: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", default="", help="path or git URL; overrides the rest")
    parser.add_argument("--generated-from", default="", help="the template the Makefile records")
    parser.add_argument("answers", nargs="+", help="context_name=... aggregate_name=...")
    return parser.parse_args(arguments)


def main(arguments: Sequence[str]) -> int:
    parsed = parse(arguments)
    answers = dict(answer.split("=", 1) for answer in parsed.answers)
    tried = sources(parsed.template, parsed.generated_from, Path.cwd())
    for source, commit in tried:
        with checked_out(source, commit) as template:
            if template is not None:
                return add_context(template, answers)
    where = " nor ".join(f"{source}{f' at {commit}' if commit else ''}" for source, commit in tried)
    print(
        f"ERROR: the template of this project is not at {where or 'any recorded place'}; pass "
        "its path or git URL, such as `make context TEMPLATE=../service-template "
        f"name={answers.get('context_name', 'billing')} "
        f"aggregate={answers.get('aggregate_name', 'invoice')}`.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
