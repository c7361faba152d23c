import asyncio
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure import (
    embedded_postgres,
)
from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.embedded_postgres import (
    RESTART_ATTEMPTS,
    default_data_dir,
    forget_dead_processes,
    kept_running,
)


def test_processes_killed_without_unregistering_are_forgotten(tmp_path: Path) -> None:
    dead_pid = _pid_of_a_finished_process()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead_pid, os.getpid()]))

    forget_dead_processes(handles)

    assert json.loads(handles.read_text()) == [os.getpid()]


def test_a_process_list_that_is_not_json_is_started_afresh(tmp_path: Path) -> None:
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("[12, 1")

    forget_dead_processes(handles)

    assert json.loads(handles.read_text()) == []


async def test_a_server_that_does_not_start_again_stops_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail_to_start(data_dir: Path) -> None:
        raise RuntimeError(f"pg_ctl failed: DETAIL: Key (email)=(secret@example.com) in {data_dir}")

    monkeypatch.setattr(embedded_postgres, "WATCH_INTERVAL", 0)
    monkeypatch.setattr(embedded_postgres, "_restart", fail_to_start)
    gave_up = asyncio.Event()

    with caplog.at_level(logging.INFO, logger=embedded_postgres.__name__):
        async with kept_running(tmp_path / "pgdata", gave_up.set):
            await asyncio.wait_for(gave_up.wait(), timeout=5)

    failures = [record for record in caplog.records if record.levelno == logging.WARNING]
    (error,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(failures) == 2 * RESTART_ATTEMPTS  # "stopped", then "did not start", each time
    assert str(tmp_path / "pgdata") in error.getMessage()
    assert "secret@example.com" not in caplog.text


def test_the_default_data_folder_is_outside_the_home_directory(tmp_path: Path) -> None:
    data_dir = default_data_dir(tmp_path)

    assert not data_dir.is_relative_to(Path.home())
    assert data_dir == default_data_dir(tmp_path)
    assert data_dir != default_data_dir(tmp_path / "other")


def _pid_of_a_finished_process() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
