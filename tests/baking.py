"""Baking the template and running the baked project's own tooling."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1]
# Servers a baked project would use when named in the environment: its suites run on the
# embedded ones unless a test hands them `local_servers()`.
SERVER_VARIABLES = (
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "TEST_PGBOUNCER_URL",
    "NATS_URL",
    "TEST_NATS_URL",
)
CACHES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def local_servers() -> dict[str, str]:
    """TEST_DATABASE_URL and TEST_NATS_URL as this run has them; empty without a database."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return {}
    names = ("TEST_DATABASE_URL", "TEST_NATS_URL")
    return {name: os.environ[name] for name in names if os.environ.get(name)}


def bake(cookies: Any, **answers: str) -> Path:
    """Bake with `answers` (the defaults for the rest) and return the project folder."""
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == 0, result.exception
    project: Path = result.project_path
    return project


def run(
    command: list[str],
    project: Path,
    venv: Path,
    extra_env: Mapping[str, str] | None = None,
    *,
    succeeds: bool = True,
) -> str:
    """Run `command` in `project` against the shared virtual environment and return its output.

    The test fails, showing that output, unless the command succeeds (or fails, if `succeeds`
    is false).
    """
    env = {key: value for key, value in os.environ.items() if key not in SERVER_VARIABLES}
    env.pop("VIRTUAL_ENV", None)
    # The baked project's make runs as from a shell, not as a sub-make of the template's.
    for variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS"):
        env.pop(variable, None)
    # uv, when the template's own environment has it, makes the baked Makefile's install fast.
    tool_dirs = [str(venv / "bin"), str(Path(sys.executable).parent), env["PATH"]]
    env["PATH"] = os.pathsep.join(tool_dirs)
    env["PYTHONPATH"] = str(project / "src")
    env["MYPY_CACHE_DIR"] = str(venv.parent / "mypy-cache")
    env.update(extra_env or {})
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    output = completed.stdout + completed.stderr
    outcome = "succeeded" if completed.returncode == 0 else "failed"
    assert (completed.returncode == 0) == succeeds, f"{' '.join(command)} {outcome}:\n{output}"
    return output


def make(
    target: str,
    project: Path,
    venv: Path,
    env: Mapping[str, str] | None = None,
    *,
    succeeds: bool = True,
    **variables: str,
) -> str:
    """`make <target>` in a baked project, on the shared environment instead of its own.

    Touching the install marker tells the Makefile that the environment is current.
    """
    (venv / ".installed").touch()
    arguments = [f"VENV={venv}", *(f"{name}={value}" for name, value in variables.items())]
    command = ["make", "--no-print-directory", target, *arguments]
    return run(command, project, venv, env, succeeds=succeeds)


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file of a baked project with its content, leaving out caches."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and not set(path.parts) & CACHES
    }
