"""Wall-clock timings the template promises: bake, the baked project's `make test`, the suite.

    .venv/bin/python benchmarks/timings.py [--runs N] [--suite]

Runs each command N times (after the first, untimed, which installs and warms caches) and
prints the median and the range. `--suite` also times the template's own `make test` once.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    # The template's environment first on PATH: the baked Makefile installs with its uv.
    env = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def report(name: str, seconds: list[float]) -> None:
    median = statistics.median(seconds)
    print(f"{name:<42} median {median:6.2f} s   min {min(seconds):6.2f}   max {max(seconds):6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true")
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="template-timings-"))
    bake = [str(BIN / "cookiecutter"), str(TEMPLATE), "--no-input", "-f", "-o", str(scratch)]
    try:
        timed(bake, scratch)
        report("bake the default project", [timed(bake, scratch) for _ in range(arguments.runs)])
        project = scratch / "task-service"
        make_test = ["make", "test"]
        timed(make_test, project)  # installs the project's environment
        seconds = [timed(make_test, project) for _ in range(arguments.runs)]
        report("baked project `make test` (installed)", seconds)
        if arguments.suite:
            report("template `make test` (whole suite)", [timed(["make", "test"], TEMPLATE)])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
