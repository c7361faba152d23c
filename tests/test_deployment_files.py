"""Dockerfile, compose.yaml, CI and pre-commit files of a baked project, checked without Docker.

No Docker engine runs here, so these tests hold the files to what can be checked statically:
they parse, every path they copy exists, every command they run exists.
"""

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .baking import bake, run


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def make_targets(project: Path) -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (project / "Makefile").read_text(), re.MULTILINE))


def test_the_dockerfile_builds_a_slim_non_root_image_without_dev_tools(cookies: Any) -> None:
    project = bake(cookies, python_version="3.12")
    steps = instructions(project / "Dockerfile")
    stages = [arguments for instruction, arguments in steps if instruction == "FROM"]
    final = steps[max(i for i, (instruction, _) in enumerate(steps) if instruction == "FROM") :]

    assert ("ARG", "PYTHON_VERSION=3.12") in steps
    assert stages == [
        "python:${PYTHON_VERSION}-slim AS build",
        "python:${PYTHON_VERSION}-slim AS runtime",
    ]
    users = [arguments for instruction, arguments in final if instruction == "USER"]
    assert users
    assert users[-1] not in ("0", "root")
    installs = [arguments for instruction, arguments in steps if "pip install" in arguments]
    assert installs
    assert not any("dev" in install for install in installs)
    assert any(".[production]" in install for install in installs)
    extras = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert {"uvloop", "httptools"} <= {
        re.split(r"[<>=\[]", requirement)[0]
        for requirement in extras["optional-dependencies"]["production"]
    }
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final
    cmd = json.loads(next(arguments for instruction, arguments in final if instruction == "CMD"))
    assert cmd == ["python", "-m", "task_service", "serve"]


def test_everything_the_dockerfile_copies_exists_and_is_not_ignored(cookies: Any) -> None:
    project = bake(cookies)
    allowed = [
        line[1:].rstrip("/")
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    sources = [
        source
        for instruction, arguments in instructions(project / "Dockerfile")
        if instruction == "COPY" and not arguments.startswith("--from")
        for source in shlex.split(arguments)[:-1]
    ]

    assert sources
    for source in sources:
        assert (project / source).exists(), source
        assert source.rstrip("/") in allowed, source


def test_compose_migrates_once_after_the_database_is_healthy_then_serves(cookies: Any) -> None:
    project = bake(cookies)
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]

    assert set(services) == {"db", "nats", "migrate", "app", "relay", "consume"}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["app"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    assert services["migrate"]["command"] == ["python", "-m", "task_service", "migrate"]
    assert services["app"]["command"] == ["python", "-m", "task_service", "serve"]
    url = services["app"]["environment"]["TASK_SERVICE_DATABASE__URL"]
    assert url.startswith("postgresql://app:")
    assert url.endswith("@db:5432/task_service")
    assert services["app"]["environment"] == services["migrate"]["environment"]
    assert (project / services["app"]["build"] / "Dockerfile").is_file()


def test_compose_relays_and_consumes_events_on_a_jetstream_server_it_keeps(cookies: Any) -> None:
    project = bake(cookies)
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    nats = services["nats"]

    assert nats["image"].startswith("nats:2")
    assert "-js" in nats["command"]
    store = nats["command"][nats["command"].index("-sd") + 1]
    volume, _, mounted = nats["volumes"][0].partition(":")
    assert mounted == store
    assert volume in compose["volumes"]
    for worker in ("relay", "consume"):
        assert services[worker]["command"] == ["python", "-m", "task_service", worker]
        assert services[worker]["environment"] == services["app"]["environment"]
        assert services[worker]["environment"]["TASK_SERVICE_BROKER__URL"] == "nats://nats:4222"
        assert services[worker]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "nats": {"condition": "service_healthy"},
        }
        assert services[worker]["build"] == services["app"]["build"]


def test_the_commands_the_images_run_exist(cookies: Any, project_venv: Path) -> None:
    project = bake(cookies)

    for command in ("serve", "migrate", "run", "relay", "consume"):
        output = run(["python", "-m", "task_service", command, "--help"], project, project_venv)
        assert f"usage: python -m task_service {command}" in output


@pytest.mark.parametrize(
    ("provider", "kept", "removed"),
    [
        ("github", ".github/workflows/ci.yml", ".gitlab-ci.yml"),
        ("gitlab", ".gitlab-ci.yml", ".github"),
    ],
)
def test_ci_runs_lint_and_tests_against_postgresql(
    cookies: Any, provider: str, kept: str, removed: str
) -> None:
    project = bake(cookies, ci_provider=provider, python_version="3.13")
    config = yaml.safe_load((project / kept).read_text())

    assert not (project / removed).exists()
    if provider == "github":
        job = config["jobs"]["check"]
        assert job["services"]["postgres"]["image"].startswith("postgres:")
        commands = [step["run"] for step in job["steps"] if "run" in step]
        python = next(step for step in job["steps"] if "setup-python" in step.get("uses", ""))
        assert python["with"]["python-version"] == "3.13"
        url = job["env"]["TEST_DATABASE_URL"]
    else:
        job = config["check"]
        assert job["services"][0]["name"].startswith("postgres:")
        assert job["image"] == "python:3.13-slim"
        commands = job["script"]
        url = job["variables"]["TEST_DATABASE_URL"]
    assert commands == ["make lint", "make test"]
    assert {"lint", "test"} <= make_targets(project)
    assert url.startswith("postgresql://postgres:")


def test_pre_commit_runs_the_projects_own_tools(cookies: Any, project_venv: Path) -> None:
    project = bake(cookies)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]

    assert {hook["id"] for hook in hooks} >= {"ruff", "ruff-format", "mypy"}
    for hook in hooks:
        tool = shlex.split(hook["entry"])[0]
        assert tool.startswith(".venv/bin/")
        assert (project_venv / "bin" / Path(tool).name).is_file(), tool


def test_editorconfig_and_gitignore_are_there(cookies: Any) -> None:
    project = bake(cookies)

    assert "root = true" in (project / ".editorconfig").read_text()
    ignored = (project / ".gitignore").read_text().splitlines()
    assert {".venv/", ".env", ".pgdata/"} <= set(ignored)
