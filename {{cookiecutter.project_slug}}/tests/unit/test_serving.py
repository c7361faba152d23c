"""Before the server serves, a stop signal ends the process by unwinding, exit handlers included;
the socket it serves on sends each response at once."""

import asyncio
import signal
import socket

import pytest

from {{ cookiecutter.package_name }}.serving import (
    ExitStatus,
    listen,
    stopped_by_signals,
)
from {{ cookiecutter.package_name }}.settings import (
    HttpSettings,
)


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=str)
def test_a_stop_signal_exits_0_by_unwinding(sent: int) -> None:
    with pytest.raises(SystemExit) as exited, stopped_by_signals():
        signal.raise_signal(sent)

    assert exited.value.code == 0


def test_a_signal_while_held_exits_once_the_block_is_done() -> None:
    done: list[str] = []

    def start_postgres() -> None:
        with stopped_by_signals() as starting, starting.held():
            signal.raise_signal(signal.SIGTERM)
            done.append("the embedded PostgreSQL registered this process")

    with pytest.raises(SystemExit) as exited:
        start_postgres()

    assert done == ["the embedded PostgreSQL registered this process"]
    assert exited.value.code == 0


def test_the_previous_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stopped_by_signals():
        assert signal.getsignal(signal.SIGTERM) is not before

    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failure_stops_the_server_as_sigterm_does_and_exits_1() -> None:
    received = []
    status = ExitStatus()
    previous = signal.signal(signal.SIGTERM, lambda signum, _: received.append(signum))
    try:
        status.fail()
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert received == [signal.SIGTERM]
    assert status.code == 1


async def test_connections_accepted_on_the_served_socket_send_without_delay() -> None:
    # Nagle's algorithm would hold a response's body until the client acknowledged its
    # headers: about 40 ms a request.
    listening = listen(HttpSettings.model_construct(host="127.0.0.1", port=0))
    no_delay: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = writer.get_extra_info("socket")
        no_delay.set_result(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=listening)
    _, client = await asyncio.open_connection(*listening.getsockname()[:2])

    assert await no_delay
    client.close()
    server.close()
    await server.wait_closed()
