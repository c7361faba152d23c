"""Where this template lives, as Jinja globals for the project template.

The project's hooks bake the example bounded context from `context/` beside this file, and the
generated Makefile adds more contexts from the same template. Cookiecutter's own `_repo_dir`
can be relative to a directory the hooks do not run in; this file's location is absolute.
Loaded by cookiecutter itself, the extension also keeps cookiecutter's traceback of a hook that
refused off the screen (see `bounded_context.quiet_hook_failures`).
"""

import re
import sys
from pathlib import Path

from cookiecutter.repository import is_repo_url, is_zip_file
from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TEMPLATE_DIR / "context"))

import bounded_context  # noqa: E402  (found through the line above)

# Abbreviations such as gh:owner/repo, which cookiecutter expands before it tells URLs apart.
ABBREVIATION = re.compile(r"^\w{2,}:")


def template_source(template: str) -> str:
    """What to pass to cookiecutter later: a remote template or an absolute path as given, a
    relative path made absolute. Never the folder cookiecutter or cruft cloned into, which is
    temporary and would differ between two bakes of the same answers."""
    remote = is_repo_url(template) or is_zip_file(template) or ABBREVIATION.match(template)
    if remote or Path(template).is_absolute():
        return template
    return str(TEMPLATE_DIR)


class TemplateLocation(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        bounded_context.quiet_hook_failures()
        environment.globals["template_dir"] = lambda: str(TEMPLATE_DIR)
        environment.filters["template_source"] = template_source
