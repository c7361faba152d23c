"""What adding a bounded context needs: valid names, a project to go into, a migration head.

The hooks of both templates import this module, and the context template's answers use it as a
Jinja extension. It needs only the standard library and Jinja, so it runs on whatever Python runs
cookiecutter.
"""

import ast
import keyword
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent
FILES_DIR = TEMPLATE_DIR / "{{cookiecutter.__project_root}}"

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Modules of the generated package that a bounded context must not collide with.
RESERVED_MODULES = frozenset(
    {
        "api",
        "app",
        "application",
        "contexts",
        "domain",
        "infrastructure",
        "main",
        "migrations",
        "settings",
        "shared_kernel",
        "tests",
    }
)
# What a clashing name could become instead, by answer key.
SUFFIXES = {
    "package_name": "service",
    "context_name": "records",
    "aggregate_name": "item",
    "aggregate_plural": "items",
    "child_name": "part",
    "child_plural": "parts",
}
# Longer names make class names such as InMemoryPurchaseOrderRepository unwieldy, and the
# template is checked to lint cleanly up to this length.
MAX_NAME_LENGTH = 20
# What the context's aggregate already has: a child named after one would replace it.
AGGREGATE_ATTRIBUTES = frozenset(
    {
        "check_version",
        "create",
        "created_at",
        "delete",
        "describe",
        "description",
        "id",
        "move_to",
        "next_version",
        "pull_events",
        "record",
        "rename",
        "status",
        "title",
        "updated_at",
        "version",
    }
)
PYTEST_FIXTURES = frozenset({"capfd", "caplog", "capsys", "monkeypatch", "request", "tmp_path"})


# Names


def identifier_problem(key: str, value: str, taken: frozenset[str]) -> str | None:
    """Why `value` cannot name a Python package or module of the project, or None."""
    if not SNAKE_CASE.match(value):
        return (
            f"{key} {value!r} is not a lowercase Python identifier; use lowercase letters, "
            "digits and single underscores, starting with a letter, such as 'purchase_orders'."
        )
    problem = name_clash(value, taken)
    if problem is None:
        return None
    return f"{key} {value!r} {problem}; choose another name such as '{value}_{SUFFIXES[key]}'."


def name_clash(value: str, taken: frozenset[str]) -> str | None:
    """Why the identifier `value` cannot name a package or module of the project ("is a Python
    keyword"), or None."""
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return "is a Python keyword"
    if value in sys.stdlib_module_names:
        return "shadows a Python standard-library module"
    if value in taken:
        return "is already used by the generated project"
    return None


def check_names(answers: Mapping[str, str]) -> list[str]:
    """One sentence per bad name of a bounded context (context, aggregate, plural, and the
    child and its plural when the aggregate owns children)."""
    keys = ["context_name", "aggregate_name", "aggregate_plural"]
    if answers.get("child_name"):
        keys += ["child_name", "child_plural"]
    problems = [
        identifier_problem(key, answers[key], RESERVED_MODULES)
        or _length_problem(key, answers[key])
        for key in keys
    ]
    for name, plural in (("aggregate_name", "aggregate_plural"), ("child_name", "child_plural")):
        if answers.get(name) and answers[name] == answers[plural]:
            problems.append(
                f"{plural} {answers[plural]!r} equals {name}; give the plural form "
                f"explicitly, such as '{plural}={answers[plural]}_items'."
            )
    if answers.get("child_name") and answers["child_name"] in (
        answers["aggregate_name"],
        answers["aggregate_plural"],
    ):
        problems.append(
            f"child_name {answers['child_name']!r} is the aggregate's own name; name the part "
            f"it owns, such as 'child_name={answers['aggregate_name']}_line'."
        )
    for key in ("child_name", "child_plural") if answers.get("child_name") else ():
        if answers[key] in AGGREGATE_ATTRIBUTES:
            problems.append(
                f"{key} {answers[key]!r} is already an attribute of the aggregate; choose "
                f"another name such as '{answers[key]}_{SUFFIXES[key]}'."
            )
    return [problem for problem in problems if problem is not None]


def _length_problem(key: str, value: str) -> str | None:
    if len(value) <= MAX_NAME_LENGTH:
        return None
    return (
        f"{key} {value!r} is {len(value)} characters long; "
        f"keep it to {MAX_NAME_LENGTH}, such as {value[:MAX_NAME_LENGTH].rstrip('_')!r}."
    )


# The project


def find_package(root: Path) -> str:
    """The package of the generated project at `root`, or "" when there is not exactly one."""
    found = [path.parent.parent.name for path in root.glob("src/*/contexts/__init__.py")]
    return found[0] if len(found) == 1 else ""


class MigrationError(Exception):
    """A revision file that cannot be read."""


def revisions(versions: Path) -> dict[str, tuple[str, ...]]:
    """Each revision of the Alembic `versions` folder, with the revisions it follows."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")) if versions.is_dir() else []:
        try:
            values = _assignments(ast.parse(path.read_text()))
            revision = values["revision"]
            down = values.get("down_revision")
        except (SyntaxError, ValueError, KeyError) as error:
            raise MigrationError(f"cannot read the revision of {path}: {error!r}") from error
        if isinstance(down, str):
            down = (down,)
        if not isinstance(revision, str) or not isinstance(down, tuple | list | type(None)):
            raise MigrationError(f"cannot read the revision of {path}")
        found[revision] = tuple(str(each) for each in down or ())
    return found


_REVISION_NAMES = frozenset({"revision", "down_revision"})


def _assignments(module: ast.Module) -> dict[str, object]:
    """The literal values of `revision` and `down_revision`; other names may hold anything."""
    values: dict[str, object] = {}
    for node in module.body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in _REVISION_NAMES:
            values[target.id] = ast.literal_eval(value)
    return values


def heads(versions: Path) -> list[str]:
    """Revisions that no other revision follows."""
    graph = revisions(versions)
    followed = {down for downs in graph.values() for down in downs}
    return sorted(set(graph) - followed)


def next_revision(versions: Path) -> str:
    """A new revision id: the next free four-digit number."""
    taken = set(revisions(versions))
    number = len(taken) + 1
    while f"{number:04d}" in taken:
        number += 1
    return f"{number:04d}"


def versions_dir(root: Path, package: str) -> Path:
    return root / "src" / package / "migrations" / "versions"


def regenerated_context(root: Path, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers that write the example context again into a project generated again into
    its own folder (`--overwrite-if-exists`): its migration keeps its revision and place in
    the chain. Empty when the project does not have the context yet."""
    package = find_package(root)
    context, plural = answers["context_name"], answers["aggregate_plural"]
    if not package or not (root / "src" / package / "contexts" / context).is_dir():
        return {}
    migrations = sorted(versions_dir(root, package).glob(f"*_create_{plural}.py"))
    if len(migrations) != 1:
        return {}
    values = _assignments(ast.parse(migrations[0].read_text()))
    down = values.get("down_revision")
    return {
        "__regenerate": "yes",
        "__revision": str(values["revision"]),
        "__down_revision": down if isinstance(down, str) else "",
    }


# What the template writes and what it relies on


def import_list(names: list[str]) -> str:
    """The lines of a parenthesized import of `names` (empty ones left out), in the order the
    generated project's isort keeps, so a list mixing names made of two answers stays sorted
    whatever the answers: constants, then classes, then the rest, each ignoring case."""

    def kind(name: str) -> int:
        if len(name) > 1 and name.isupper():
            return 0
        return 1 if name[0].isupper() else 2

    kept = sorted({name for name in names if name}, key=lambda name: (kind(name), name.lower()))
    return "\n".join(f"    {name}," for name in kept)


class _Answers(dict[str, str]):
    """Answers in which one that is missing is a valid name of its own."""

    def __missing__(self, key: str) -> str:
        return f"X{key}"


_JINJA = Environment(keep_trailing_newline=True)
_JINJA.filters["import_list"] = import_list


def rendered(text: str, answers: Mapping[str, str]) -> str:
    """`text` rendered as cookiecutter renders it; a placeholder not in `answers` becomes a
    valid name."""
    return _JINJA.from_string(text).render(cookiecutter=_Answers(answers))


def files_to_write(answers: Mapping[str, str]) -> list[Path]:
    """The files the context template writes, relative to the project root (a file whose name
    renders empty is left out, as cookiecutter leaves it)."""
    return sorted(
        Path(rendered(str(path.relative_to(FILES_DIR)), answers))
        for path in FILES_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and rendered(path.name, answers)
    )


def check_project(root: Path, answers: Mapping[str, str]) -> list[str]:
    """Why the context described by `answers` cannot be added to the project at `root`.

    `answers` holds the context template's answers, private ones included. Every check only
    reads, so a refusal leaves the project exactly as it was.
    """
    package = answers["__package_name"]
    if not package:
        return [
            f"{root} is not a project generated by this template (or has more than one "
            "src/<package>/contexts/__init__.py); run this from the root of one."
        ]
    try:
        found_heads = heads(versions_dir(root, package))
    except MigrationError as error:
        return [str(error)]
    problems = []
    if len(found_heads) > 1:
        problems.append(
            f"the migrations have several heads ({', '.join(found_heads)}); "
            "merge them first with `alembic merge heads -m merge`."
        )
    # A project generated again into its own folder writes its example context again.
    if answers.get("__regenerate") != "yes":
        problems.extend(_existing_files(root, package, answers))
    problems.extend(_table_clashes(root, package, answers))
    problems.extend(_missing_dependencies(root, answers))
    return problems


def _existing_files(root: Path, package: str, answers: Mapping[str, str]) -> Iterator[str]:
    context = answers["context_name"]
    if (root / "src" / package / "contexts" / context).exists():
        yield (
            f"context {context!r} exists already (src/{package}/contexts/{context}); "
            "choose another context_name."
        )
    elif existing := [path for path in files_to_write(answers) if (root / path).exists()]:
        yield (
            f"context {context!r} would overwrite {existing[0]}"
            f"{f' and {len(existing) - 1} more files' if len(existing) > 1 else ''}; "
            "choose another context_name."
        )


def _table_clashes(root: Path, package: str, answers: Mapping[str, str]) -> Iterator[str]:
    tables = {answers["aggregate_plural"]: "aggregate_plural"}
    if answers.get("child_name"):
        tables[f"{answers['aggregate_name']}_{answers['child_plural']}"] = "child_plural"
    for models in sorted((root / "src" / package / "contexts").glob("*/infrastructure/*.py")):
        if answers.get("__regenerate") == "yes" and models.parts[-3] == answers["context_name"]:
            continue  # the context's own table, from the generation before
        for table, key in tables.items():
            if re.search(rf"__tablename__\s*=\s*[\"']{table}[\"']", models.read_text()):
                yield (
                    f"{key} {answers[key]!r} makes the table {table!r}, which "
                    f"{models.relative_to(root)} has already; choose another name."
                )


def _missing_dependencies(root: Path, answers: Mapping[str, str]) -> Iterator[str]:
    """What the template's code imports from the project, or asks of its test fixtures,
    that the project no longer has (a file renamed or removed since it was generated)."""
    for template_file in sorted(FILES_DIR.rglob("*")):
        relative = Path(rendered(str(template_file.relative_to(FILES_DIR)), answers))
        if not rendered(template_file.name, answers) or relative.suffix != ".py":
            continue  # not written for these answers, or not Python
        if "versions" in relative.parts:
            continue  # a revision imports only Alembic and SQLAlchemy
        tree = ast.parse(rendered(template_file.read_text(), answers))
        for module, names in _project_imports(tree, relative, answers):
            yield from _check_import(root, module, names, relative)
        if relative.parts[0] == "tests":
            yield from _check_fixtures(root, tree, relative)


def _project_imports(
    tree: ast.Module, path: Path, answers: Mapping[str, str]
) -> Iterator[tuple[str, list[str]]]:
    package = answers["__package_name"]
    own = f"{package}.contexts.{answers['context_name']}"
    importer = ".".join(path.with_suffix("").parts[1:]) if path.parts[0] == "src" else ""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = importer.split(".")[: -node.level]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        if module.split(".")[0] == package and not (module + ".").startswith(own + "."):
            yield module, [alias.name for alias in node.names]


def _check_import(root: Path, module: str, names: list[str], importer: Path) -> Iterator[str]:
    base = root / "src" / Path(*module.split("."))
    source = next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()), None)
    if source is None:
        yield (
            f"{importer} imports {module}, but {base.relative_to(root)}.py is missing "
            "(renamed or removed?); restore it, or add the context by hand."
        )
        return
    defined = _top_level_names(ast.parse(source.read_text()))
    for name in names:
        if (
            name not in defined
            and not (base / name).is_dir()
            and not (base / f"{name}.py").exists()
        ):
            yield (
                f"{importer} imports {name} from {module}, which {source.relative_to(root)} "
                "no longer defines; restore it, or add the context by hand."
            )


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _check_fixtures(root: Path, tree: ast.Module, test_file: Path) -> Iterator[str]:
    functions = [
        node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    local = {function.name for function in functions}
    wanted: set[str] = set()
    for function in functions:
        decorators = [ast.unparse(decorator) for decorator in function.decorator_list]
        if not function.name.startswith("test_") and not any("fixture" in d for d in decorators):
            continue
        parametrized = {
            name.strip()
            for decorator in function.decorator_list
            if isinstance(decorator, ast.Call)
            and ast.unparse(decorator.func).endswith("parametrize")
            for name in _argnames(decorator.args[0])
        }
        wanted |= {argument.arg for argument in function.args.args} - parametrized
    conftests = [
        root / "tests" / "conftest.py",
        root / "tests" / test_file.parts[1] / "conftest.py",
    ]
    provided = local | PYTEST_FIXTURES
    for conftest in conftests:
        if conftest.exists():
            provided |= _top_level_names(ast.parse(conftest.read_text()))
    for fixture in sorted(wanted - provided):
        yield (
            f"{test_file} uses the fixture {fixture!r}, which neither tests/conftest.py nor "
            f"tests/{test_file.parts[1]}/conftest.py defines any more; restore it."
        )


def _argnames(node: ast.expr) -> list[str]:
    value = ast.literal_eval(node)
    return value.split(",") if isinstance(value, str) else list(value)


# What the user sees of a refusal


class RefusalWithoutTraceback(logging.Filter):
    """Drops cookiecutter's traceback of a hook that failed: the hook has said why, in sentences
    that would otherwise scroll away above fifteen lines of cookiecutter's own code."""

    def filter(self, record: logging.LogRecord) -> bool:
        from cookiecutter.exceptions import FailedHookException

        return not (record.exc_info and isinstance(record.exc_info[1], FailedHookException))


def quiet_hook_failures() -> None:
    """Install `RefusalWithoutTraceback` on the logger that reports failed hooks, once."""
    hooks = logging.getLogger("cookiecutter.hooks")
    if not any(isinstance(each, RefusalWithoutTraceback) for each in hooks.filters):
        hooks.addFilter(RefusalWithoutTraceback())


class ProjectFacts(Extension):
    """Jinja globals that read the project a context is added to (the current directory)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        quiet_hook_failures()
        environment.filters["import_list"] = import_list
        environment.globals.update(
            project_root=lambda: str(Path.cwd()),
            project_package=lambda root: find_package(Path(root)),
            migration_head=_single_head,
            new_revision=_new_revision,
        )


# Unreadable or several heads leave these empty; the pre-generation hook then refuses.


def _single_head(root: str, package: str) -> str:
    """The head to chain on; "" for none."""
    try:
        found = heads(versions_dir(Path(root), package))
    except MigrationError:
        return ""
    return found[0] if len(found) == 1 else ""


def _new_revision(root: str, package: str) -> str:
    try:
        return next_revision(versions_dir(Path(root), package))
    except MigrationError:
        return ""
