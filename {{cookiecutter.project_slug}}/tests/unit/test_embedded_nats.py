"""The embedded NATS server: one per data folder, joined by whoever asks next, at the same
address after a restart (so clients find it again)."""

import socket
from contextlib import suppress
from pathlib import Path

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.messaging.embedded_nats import (
    start_embedded_nats,
    stop_embedded_nats,
)


def accepts(url: str) -> bool:
    host, _, port = url.removeprefix("nats://").rpartition(":")
    with suppress(OSError), socket.create_connection((host, int(port)), timeout=0.2):
        return True
    return False


def test_the_server_of_a_folder_is_joined_and_keeps_its_address_across_a_restart(
    tmp_path: Path,
) -> None:
    url = start_embedded_nats(tmp_path)
    try:
        assert start_embedded_nats(tmp_path) == url
        stop_embedded_nats(tmp_path)
        assert not accepts(url)
        assert start_embedded_nats(tmp_path) == url
        assert accepts(url)
    finally:
        stop_embedded_nats(tmp_path)
    assert not accepts(url)
