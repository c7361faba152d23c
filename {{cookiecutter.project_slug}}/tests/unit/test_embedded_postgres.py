import json
import os
import subprocess
import sys
from pathlib import Path

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.embedded_postgres import (
    default_data_dir,
    forget_dead_processes,
)


def test_processes_killed_without_unregistering_are_forgotten(tmp_path: Path) -> None:
    dead_pid = _pid_of_a_finished_process()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead_pid, os.getpid()]))

    forget_dead_processes(handles)

    assert json.loads(handles.read_text()) == [os.getpid()]


def test_the_default_data_folder_is_outside_the_home_directory(tmp_path: Path) -> None:
    data_dir = default_data_dir(tmp_path)

    assert not data_dir.is_relative_to(Path.home())
    assert data_dir == default_data_dir(tmp_path)
    assert data_dir != default_data_dir(tmp_path / "other")


def _pid_of_a_finished_process() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
