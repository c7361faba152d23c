"""The guidelines stay true: every Python excerpt is copied from the file it names, and every
file, symbol and make target they mention exists.

A recipe's code, which a reader adds to a context this project does not have, is marked
`<!-- recipe: path -->` instead: here it only has to be Python. The files it writes and the
names it defines count as existing.
"""

import ast
import os
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = sorted((ROOT / "docs" / "guidelines").glob("*.md"))
EXCERPT = re.compile(
    r"<!-- from: (?P<path>\S+) -->\n(?P<indent> *)```python\n(?P<body>.*?)\n(?P=indent)```",
    re.DOTALL,
)
RECIPE = re.compile(
    r"<!-- recipe: (?P<path>\S+) -->\n(?P<indent> *)```python\n(?P<body>.*?)\n(?P=indent)```",
    re.DOTALL,
)
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
MAKE_TARGET = re.compile(r"\bmake ([a-z][a-z-]*)")
SYMBOL = re.compile(r"^@?(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<call>\(\))?$")
PATH_LIKE = re.compile(r"^(src|tests|docs)/|/$|\.(py|toml|ini|yaml|yml|md|json)$")
# Library names the guidelines explain, defined outside this project.
LIBRARY_SYMBOLS = {
    "AsyncSession",
    "BaseHTTPMiddleware",
    "Connection",
    "HTTPException",
    "LookupError",
    "Protocol",
    "Session",
}


def guide_id(guide: Path) -> str:
    return guide.name


@cache
def project_files() -> list[str]:
    """Every file of the project, hidden folders (.venv, caches) left out."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [str((Path(folder) / name).relative_to(ROOT)) for name in files]
    return found


def python_sources() -> str:
    files = [path for folder in ("src", "tests") for path in (ROOT / folder).rglob("*.py")]
    recipes = [code for guide in GUIDES for _, code in recipe_blocks(guide.read_text())]
    return "\n".join([*(path.read_text() for path in files), *recipes])


def block_body(block: re.Match[str]) -> str:
    """A Python block's code, without the indentation of the list item it is in."""
    indent = len(block["indent"])
    return "\n".join(line[indent:] for line in block["body"].splitlines())


def recipe_blocks(text: str) -> list[tuple[str, str]]:
    """(path, code) of every recipe block."""
    return [(block["path"], block_body(block)) for block in RECIPE.finditer(text)]


def test_there_are_guidelines() -> None:
    assert len(GUIDES) >= 9


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_python_excerpt_is_copied_from_the_file_it_names(guide: Path) -> None:
    text = guide.read_text()
    excerpts = list(EXCERPT.finditer(text))

    blocks = len(excerpts) + len(recipe_blocks(text))
    assert blocks == text.count("```python"), "a Python block without <!-- from: or recipe: -->"
    for excerpt in excerpts:
        source = (ROOT / excerpt["path"]).read_text()
        body = block_body(excerpt)
        assert body in source, f"{guide.name}: no longer in {excerpt['path']}:\n{body}"


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_recipe_block_is_python(guide: Path) -> None:
    for path, code in recipe_blocks(guide.read_text()):
        try:
            ast.parse(code, path)
        except SyntaxError as error:
            pytest.fail(f"{guide.name}: the recipe for {path} is not Python: {error}")


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_file_mentioned_exists(guide: Path) -> None:
    text = guide.read_text()
    written_by_recipes = [path for path, _ in recipe_blocks(text)]
    for token in INLINE_CODE.findall(text):
        if " " in token or "<" in token or "=" in token or not PATH_LIKE.search(token):
            continue
        path = token.rstrip("/")
        found = (ROOT / path).exists() or any(
            ("/" + name).endswith("/" + path) or f"/{path}/" in "/" + name
            for name in [*project_files(), *written_by_recipes]
        )
        assert found, f"{guide.name} mentions {token}, which does not exist"


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_symbol_mentioned_is_defined(guide: Path) -> None:
    sources = python_sources()
    for token in INLINE_CODE.findall(guide.read_text()):
        symbol = SYMBOL.match(token)
        if not symbol or (ROOT / token).exists():
            continue
        name = symbol["name"]
        named_like_a_class = name[0].isupper() and not name.isupper()
        if not (named_like_a_class or symbol["call"] or token.startswith("@")):
            continue
        if name in LIBRARY_SYMBOLS:
            continue
        defined = re.search(rf"^\s*(class|def|async def) {name}\b|^{name}\b.*=", sources, re.M)
        assert defined, f"{guide.name} mentions {token}, which the code does not define"


@pytest.mark.parametrize("guide", GUIDES, ids=guide_id)
def test_every_make_target_mentioned_exists(guide: Path) -> None:
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    for target in MAKE_TARGET.findall(guide.read_text()):
        assert target in targets, f"{guide.name} mentions make {target}, which the Makefile lacks"
