"""What a newcomer sees first: each Makefile's list of targets, and a word before a long install."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .baking import TEMPLATE, bake, run

DOCUMENTED_TARGET = re.compile(r"^([a-z]+):.*## (.+)$", re.MULTILINE)


def make_here(folder: Path, *arguments: str, path: str | None = None) -> tuple[int, str]:
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env["PATH"] = path or env["PATH"]
    completed = subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


def without_uv() -> str:
    """PATH without the folders that hold uv."""
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if not Path(folder, "uv").exists())


def assert_help_lists_the_targets(folder: Path) -> None:
    makefile = (folder / "Makefile").read_text()
    declared = re.search(r"^\.PHONY: (.+)$", makefile, re.MULTILINE)
    assert declared is not None
    phony = set(declared[1].split())

    status, output = make_here(folder)  # `help` is the default goal

    assert status == 0, output
    listed = [line.split(maxsplit=2) for line in output.splitlines()]
    assert [(target, text) for _, target, text in listed] == DOCUMENTED_TARGET.findall(makefile)
    assert {target for _, target, _ in listed} == phony
    assert all(make == "make" for make, _, _ in listed)


def test_the_template_makefile_lists_its_targets() -> None:
    assert_help_lists_the_targets(TEMPLATE)


def test_the_baked_makefile_lists_its_targets(cookies: Any) -> None:
    assert_help_lists_the_targets(bake(cookies))


def test_the_template_tools_install_says_so_and_uses_uv_when_it_is_there(tmp_path: Path) -> None:
    venv = tmp_path / "venv"

    # uv is one of the template's own tools, installed beside the Python running these tests.
    with_uv = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    status, output = make_here(TEMPLATE, f"{venv}/bin/cookiecutter", f"VENV={venv}", path=with_uv)

    assert status == 0, output
    assert output.splitlines()[0] == (
        "Installing the template's tools (cookiecutter, cruft, pytest, ruff and mypy) into "
        f"{venv}/ with uv: a few seconds."
    )
    assert (venv / "bin/cookiecutter").is_file()


def test_the_baked_install_says_so_and_uses_uv_when_it_is_there(
    cookies: Any, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"

    output = run(["make", "--no-print-directory", "install", f"VENV={venv}"], bake(cookies), venv)

    assert output.splitlines()[0] == (
        f"Installing the service and its development tools into {venv}/ with uv: a few seconds."
    )
    assert (venv / "bin/pytest").is_file()


@pytest.mark.parametrize(
    ("folder", "target", "announced"),
    [
        (
            None,
            "install",
            "Installing the service and its development tools into {venv}/ with pip: "
            "about 45 s (with uv on PATH, a few seconds).",
        ),
        (
            TEMPLATE,
            "{venv}/bin/cookiecutter",
            "Installing the template's tools (cookiecutter, cruft, pytest, ruff and mypy) into "
            "{venv}/ with pip: about 40 s (with uv on PATH, a few seconds).",
        ),
    ],
)
def test_a_pip_install_says_how_long_it_takes_and_what_uv_would_change(
    cookies: Any, tmp_path: Path, folder: Path | None, target: str, announced: str
) -> None:
    venv = tmp_path / "venv"
    # An interpreter that fails at once stops the install right after its announcement.
    arguments = [target.format(venv=venv), f"VENV={venv}", "PYTHON=false"]

    status, output = make_here(folder or bake(cookies), *arguments, path=without_uv())

    assert status != 0
    assert output.splitlines()[0] == announced.format(venv=venv)
