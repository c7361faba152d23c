"""A project created with cruft takes a later change of the template and still passes its checks."""

import json
import shutil
import sys
from pathlib import Path

from cookiecutter.main import cookiecutter

from .baking import TEMPLATE, make, run, snapshot

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


def template_repository(template: Path, venv: Path) -> str:
    """A git repository at `template` holding this template's files, as a remote would; its
    commit."""
    tracked = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], TEMPLATE, venv)
    for name in tracked.splitlines():
        if (TEMPLATE / name).is_file():
            (template / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE / name, template / name)
    run(["git", "init", "--quiet"], template, venv)
    return commit_all(template, venv, "the template as it is")


def change_the_context_template(template: Path, venv: Path) -> str:
    (bootstrap,) = template.glob("context/*/src/*/contexts/*/bootstrap.py")
    bootstrap.write_text(bootstrap.read_text().replace("into the application", "into the app"))
    return commit_all(template, venv, "a change the project should receive")


def test_cruft_check_diff_and_update_pull_a_template_change(
    tmp_path: Path, project_venv: Path
) -> None:
    template = tmp_path / "template"
    template_repository(template, project_venv)

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
    assert f"GENERATED_FROM := {template}\n" in (project / "Makefile").read_text()

    readme = template / "{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nOn-call: see the runbook.\n")
    newer = change_the_context_template(template, project_venv)

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


def bootstrap_of(project: Path, context: str) -> str:
    return (project / f"src/task_service/contexts/{context}/bootstrap.py").read_text()


def test_make_context_follows_cruft_json_and_asks_for_a_template_that_moved(
    tmp_path: Path, project_venv: Path
) -> None:
    template = tmp_path / "template"
    created_at = template_repository(template, project_venv)
    run(
        [CRUFT, "create", "--no-input", "--output-dir", str(tmp_path), str(template)],
        tmp_path,
        project_venv,
    )
    project = tmp_path / "task-service"
    change_the_context_template(template, project_venv)

    # The context comes from the commit the project was created from, as cruft would take it.
    make("context", project, project_venv, name="billing", aggregate="invoice")
    assert "into the application;" in bootstrap_of(project, "billing")

    moved = template.rename(tmp_path / "moved-template")
    before = snapshot(project)
    output = make(
        "context", project, project_venv, succeeds=False, name="catalog", aggregate="product"
    )
    assert output.splitlines()[:-1] == [
        f"ERROR: the template of this project is not at {template} at {created_at}; pass its "
        "path or git URL, such as "
        "`make context TEMPLATE=../service-template name=catalog aggregate=product`."
    ]
    assert snapshot(project) == before

    # Given, the template is taken as it is now.
    make("context", project, project_venv, TEMPLATE=str(moved), name="catalog", aggregate="product")
    assert "into the app;" in bootstrap_of(project, "catalog")

    # A git URL in .cruft.json is cloned at the recorded commit.
    cruft_json = project / ".cruft.json"
    recorded = json.loads(cruft_json.read_text())
    cruft_json.write_text(json.dumps(recorded | {"template": moved.as_uri()}))
    make("context", project, project_venv, name="shipping", aggregate="parcel")
    assert "into the application;" in bootstrap_of(project, "shipping")
    make("lint", project, project_venv)


def test_make_context_of_a_project_baked_without_cruft_asks_for_a_template_that_moved(
    tmp_path: Path, project_venv: Path
) -> None:
    template = tmp_path / "template"
    template_repository(template, project_venv)
    cookiecutter(str(template), no_input=True, output_dir=str(tmp_path))
    project = tmp_path / "task-service"
    template.rename(tmp_path / "moved-template")

    output = make(
        "context", project, project_venv, succeeds=False, name="billing", aggregate="invoice"
    )

    assert output.splitlines()[0] == (
        f"ERROR: the template of this project is not at {template}; pass its path or git URL, "
        "such as `make context TEMPLATE=../service-template name=billing aggregate=invoice`."
    )
    make(
        "context",
        project,
        project_venv,
        TEMPLATE="../moved-template",
        name="billing",
        aggregate="invoice",
    )
    assert (project / "src/task_service/contexts/billing").is_dir()
