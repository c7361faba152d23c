"""The bake of `make demo`: the default service into the folder given, generated again over it
when it exists. A refusal by a hook is the hook's own sentences and exit status 1, without
cookiecutter's traceback."""

import sys
from pathlib import Path

from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent


def main(output_dir: str) -> int:
    try:
        cookiecutter(
            str(TEMPLATE_DIR), no_input=True, overwrite_if_exists=True, output_dir=output_dir
        )
    except FailedHookException:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
