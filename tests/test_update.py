"""A project created with cruft takes a later change of the template and still passes its checks."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .baking import TEMPLATE, make

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}
CRUFT = str(Path(sys.executable).with_name("cruft"))


def sh(*command: str, cwd: Path, succeeds: bool = True) -> str:
    completed = subprocess.run(
        command, cwd=cwd, env=os.environ | GIT_IDENTITY, capture_output=True, text=True, check=False
    )
    output = completed.stdout + completed.stderr
    assert (completed.returncode == 0) == succeeds, f"{' '.join(command)}:\n{output}"
    return output


def commit_all(repo: Path, message: str) -> str:
    sh("git", "add", "--all", cwd=repo)
    sh("git", "commit", "--quiet", "--message", message, cwd=repo)
    return sh("git", "rev-parse", "HEAD", cwd=repo).strip()


def test_cruft_check_diff_and_update_pull_a_template_change(
    tmp_path: Path, project_venv: Path
) -> None:
    template = tmp_path / "template"
    tracked = sh("git", "ls-files", cwd=TEMPLATE).splitlines()
    for name in tracked:
        (template / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE / name, template / name)
    sh("git", "init", "--quiet", cwd=template)
    commit_all(template, "the template as it is")

    sh(CRUFT, "create", "--no-input", "--output-dir", str(tmp_path), str(template), cwd=tmp_path)
    project = tmp_path / "task-service"
    sh("git", "init", "--quiet", cwd=project)
    commit_all(project, "generated")
    sh(CRUFT, "check", cwd=project)
    # `make context` takes new contexts from the template, not from cruft's temporary clone.
    assert f"TEMPLATE ?= {template}\n" in (project / "Makefile").read_text()

    readme = template / "{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nOn-call: see the runbook.\n")
    (bootstrap,) = template.glob("context/*/src/*/contexts/*/bootstrap.py")
    bootstrap.write_text(bootstrap.read_text().replace("into the application", "into the app"))
    newer = commit_all(template, "a change the project should receive")

    assert "out of date" in sh(CRUFT, "check", cwd=project, succeeds=False)
    assert "+On-call: see the runbook." in sh(CRUFT, "diff", "--checkout", newer, cwd=project)
    sh(CRUFT, "update", "--skip-apply-ask", cwd=project)

    assert (project / "README.md").read_text().endswith("On-call: see the runbook.\n")
    wiring = project / "src/task_service/contexts/tasks/bootstrap.py"
    assert "into the app;" in wiring.read_text()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == newer
    assert "out of date" not in sh(CRUFT, "check", cwd=project)
    make("lint", project, project_venv)
