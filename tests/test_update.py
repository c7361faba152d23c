"""A project created with cruft takes a later change of the template and still passes its checks."""

import json
import shutil
import sys
from pathlib import Path

from .baking import TEMPLATE, make, run

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}
CRUFT = str(Path(sys.executable).with_name("cruft"))


def commit_all(repo: Path, venv: Path, message: str) -> str:
    run(["git", "add", "--all"], repo, venv, GIT_IDENTITY)
    run(["git", "commit", "--quiet", "--message", message], repo, venv, GIT_IDENTITY)
    return run(["git", "rev-parse", "HEAD"], repo, venv).strip()


def test_cruft_check_diff_and_update_pull_a_template_change(
    tmp_path: Path, project_venv: Path
) -> None:
    template = tmp_path / "template"
    tracked = run(["git", "ls-files"], TEMPLATE, project_venv).splitlines()
    for name in tracked:
        (template / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE / name, template / name)
    run(["git", "init", "--quiet"], template, project_venv)
    commit_all(template, project_venv, "the template as it is")

    run(
        [CRUFT, "create", "--no-input", "--output-dir", str(tmp_path), str(template)],
        tmp_path,
        project_venv,
    )
    project = tmp_path / "task-service"
    run(["git", "init", "--quiet"], project, project_venv)
    commit_all(project, project_venv, "generated")
    run([CRUFT, "check"], project, project_venv)
    # `make context` takes new contexts from the template, not from cruft's temporary clone.
    assert f"TEMPLATE ?= {template}\n" in (project / "Makefile").read_text()

    readme = template / "{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nOn-call: see the runbook.\n")
    (bootstrap,) = template.glob("context/*/src/*/contexts/*/bootstrap.py")
    bootstrap.write_text(bootstrap.read_text().replace("into the application", "into the app"))
    newer = commit_all(template, project_venv, "a change the project should receive")

    assert "out of date" in run([CRUFT, "check"], project, project_venv, succeeds=False)
    assert "+On-call: see the runbook." in run(
        [CRUFT, "diff", "--checkout", newer], project, project_venv
    )
    run([CRUFT, "update", "--skip-apply-ask"], project, project_venv)

    assert (project / "README.md").read_text().endswith("On-call: see the runbook.\n")
    wiring = project / "src/task_service/contexts/tasks/bootstrap.py"
    assert "into the app;" in wiring.read_text()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == newer
    assert "out of date" not in run([CRUFT, "check"], project, project_venv)
    make("lint", project, project_venv)
