"""The cookbook's recipe "React to another context's event", followed to the letter in a baked
project: its code passes the project's lint, and its test sees an event cross from one context
to another through the outbox, the broker and the inbox."""

import ast
import re
from pathlib import Path
from typing import Any

from .baking import bake, local_servers, make, run

COOKBOOK = Path("docs/guidelines/cookbook.md")
SECTION = "## React to another context's event"
RECIPE = re.compile(
    r"<!-- recipe: (?P<path>\S+) -->\n(?P<indent> *)```python\n(?P<body>.*?)\n(?P=indent)```",
    re.DOTALL,
)
CONTEXT_COMMAND = re.compile(
    r"^make context name=(?P<name>\w+) aggregate=(?P<aggregate>\w+)$", re.M
)


def recipe(project: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The answers of the recipe's `make context`, and the path and code of each block."""
    text = (project / COOKBOOK).read_text()
    section = text[text.index(SECTION) :].split("\n## ")[0]
    command = CONTEXT_COMMAND.search(section)
    assert command, f"no `make context` in the recipe:\n{section}"
    blocks = []
    for block in RECIPE.finditer(section):
        indent = len(block["indent"])
        code = "\n".join(line[indent:] for line in block["body"].splitlines())
        blocks.append((block["path"], code + "\n"))
    return command.groupdict(), blocks


def apply(project: Path, venv: Path, path: str, code: str) -> None:
    """Write a new file; or, to a file `make context` wrote, do what a reader does: replace each
    function of the file that the block shows, and add the block's imports to the file's."""
    target = project / path
    if not target.exists():
        target.write_text(code)
        return
    source = target.read_text()
    shown = ast.parse(code).body
    for function in (node for node in shown if isinstance(node, ast.FunctionDef)):
        source = replace_function(source, function.name, lines_of(code, function))
    lines = source.splitlines(keepends=True)
    last_import = max(lines_of_imports(source))
    lines[last_import:last_import] = [
        lines_of(code, node) for node in shown if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    target.write_text("".join(lines))
    # Among the others, where `make format` puts an import.
    run([str(venv / "bin/ruff"), "check", "--select", "I", "--fix", "--quiet", path], project, venv)


def span(node: ast.stmt) -> tuple[int, int]:
    """Where `node` starts and ends, as a slice of the source's lines; decorators included."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(decorator.lineno for decorator in decorators)])
    return first - 1, node.end_lineno or node.lineno


def lines_of(source: str, node: ast.stmt) -> str:
    first, end = span(node)
    return "".join(source.splitlines(keepends=True)[first:end])


def lines_of_imports(source: str) -> list[int]:
    """Where each top-level import ends."""
    return [
        span(node)[1]
        for node in ast.parse(source).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def replace_function(source: str, name: str, replacement: str) -> str:
    (function,) = (
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == name
    )
    first, end = span(function)
    lines = source.splitlines(keepends=True)
    lines[first:end] = [replacement]
    return "".join(lines)


def test_the_recipe_for_reacting_to_another_contexts_event_works_as_written(
    cookies: Any, project_venv: Path
) -> None:
    project = bake(cookies)
    answers, blocks = recipe(project)
    make("context", project, project_venv, name=answers["name"], aggregate=answers["aggregate"])

    for path, code in blocks:
        apply(project, project_venv, path, code)

    assert answers == {"name": "notes", "aggregate": "note"}
    assert [path for path, _ in blocks] == [
        "src/task_service/contexts/notes/application/reactions.py",
        "src/task_service/contexts/notes/bootstrap.py",
        "tests/e2e/notes/test_reactions.py",
    ]
    bootstrap = (project / "src/task_service/contexts/notes/bootstrap.py").read_text()
    assert "from .application.reactions import NoteOnTaskCreated\n" in bootstrap
    assert bootstrap.count("def subscriptions()") == 1
    assert "Contracts: 5 kept, 0 broken." in make("lint", project, project_venv)
    # The recipe's test, and the guidelines, which still hold with the recipe's context added.
    suites = ["tests/e2e/notes/test_reactions.py", "tests/docs"]
    pytest = [str(project_venv / "bin/pytest"), "-q", *suites]
    runs: list[dict[str, str]] = [{}]
    if servers := local_servers():
        runs.append(servers)
    for servers in runs:
        output = run(pytest, project, project_venv, servers)
        assert re.search(r"\b\d+ passed\b", output)
        assert " failed" not in output
