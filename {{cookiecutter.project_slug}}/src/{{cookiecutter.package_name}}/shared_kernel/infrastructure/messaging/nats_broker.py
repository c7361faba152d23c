"""NATS JetStream through nats-py: the connection, the stream and the publisher."""

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck, StreamConfig

from ....settings import BrokerSettings
from .backoff import retry_delay
from .publisher import Outcome, OutgoingMessage, PublishResult

logger = logging.getLogger(__name__)

# Seconds between two attempts to reach a broker that is down, at most.
RECONNECT_CEILING = 10.0
# JetStream drops a second message with the same id within the stream's duplicate window.
MESSAGE_ID_HEADER = "Nats-Msg-Id"


@asynccontextmanager
async def connected(url: str, settings: BrokerSettings, name: str) -> AsyncIterator[Client]:
    """A connection that reconnects by itself for as long as it is open. A broker that is down
    at the start is tried again until it answers (or the caller is cancelled)."""
    closing = False

    async def disconnected() -> None:
        if not closing:
            logger.warning("lost the connection to the broker; reconnecting")

    attempt = 0
    while True:
        try:
            client = await nats.connect(
                url,
                name=name,
                connect_timeout=max(1, round(settings.connect_timeout)),
                max_reconnect_attempts=-1,
                reconnect_time_wait=1,
                error_cb=_log_error,
                disconnected_cb=disconnected,
                reconnected_cb=_log_reconnected,
            )
            break
        except (OSError, nats.errors.Error) as error:
            attempt += 1
            delay = retry_delay(attempt, 0.5, RECONNECT_CEILING)
            # The URL is not logged: it may carry credentials.
            logger.warning("the broker cannot be reached (%s); trying again", type(error).__name__)
            await asyncio.sleep(delay)
    try:
        yield client
    finally:
        closing = True
        await client.close()


async def _log_error(error: Exception) -> None:
    logger.debug("broker connection: %s", type(error).__name__)


async def _log_reconnected() -> None:
    logger.info("reconnected to the broker")


async def ensure_stream(js: JetStreamContext, settings: BrokerSettings) -> None:
    """The service's stream, `<PREFIX>_EVENTS` over `<prefix>.>`, created when missing."""
    try:
        await js.stream_info(settings.stream)
    except nats.js.errors.NotFoundError:
        config = StreamConfig(
            name=settings.stream,
            subjects=[f"{settings.subject_prefix}.>"],
            duplicate_window=settings.duplicate_window_seconds,
        )
        try:
            await js.add_stream(config)
        except nats.js.errors.BadRequestError:
            # Another process created it meanwhile.
            await js.stream_info(settings.stream)
        else:
            logger.info("created the stream %s", settings.stream)


class JetStreamPublisher:
    """Publishes a batch pipelined (every message sent before the first acknowledgement is
    awaited); a message counts as stored only once JetStream acknowledged it."""

    def __init__(self, client: Client, settings: BrokerSettings) -> None:
        self._client = client
        self._js = client.jetstream()
        self._timeout = settings.publish_timeout
        self._stream = settings.stream

    @property
    def connected(self) -> bool:
        return bool(self._client.is_connected)

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PublishResult]:
        sent: list[asyncio.Future[PubAck] | PublishResult] = []
        for message in messages:
            headers = {MESSAGE_ID_HEADER: message.id, **message.headers}
            # Decided here, before nats-py is asked: a message it refuses keeps one of its
            # slots for pending publishes for good, and one whose headers take it past the
            # limit is not refused but sent, and the server closes the connection over it.
            if _size(message.body, headers, self._stream) > self._client.max_payload:
                sent.append(PublishResult(Outcome.REFUSED, "larger than the broker accepts"))
                continue
            if not self._client.is_connected:
                sent.append(PublishResult(Outcome.UNREACHABLE, "not connected"))
                continue
            try:
                future = await self._js.publish_async(
                    message.subject, message.body, headers=headers, stream=self._stream
                )
            except (nats.errors.ConnectionClosedError, nats.errors.OutboundBufferLimitError) as e:
                sent.append(PublishResult(Outcome.UNREACHABLE, type(e).__name__))
            else:
                sent.append(future)
        futures = [each for each in sent if isinstance(each, asyncio.Future)]
        if futures:
            _, late = await asyncio.wait(futures, timeout=self._timeout)
            for future in late:
                future.cancel()
        return [each if isinstance(each, PublishResult) else _result(each) for each in sent]


def _size(body: bytes, headers: dict[str, str], stream: str) -> int:
    """What the server counts against its maximum payload: the headers (with the expected
    stream, which nats-py adds) and the body."""
    lines = [
        *(f"{key}: {value}" for key, value in headers.items()),
        f"Nats-Expected-Stream: {stream}",
    ]
    header_block = "NATS/1.0\r\n" + "".join(f"{line}\r\n" for line in lines) + "\r\n"
    return len(header_block.encode()) + len(body)


def _result(future: asyncio.Future[PubAck]) -> PublishResult:
    if future.cancelled():
        return PublishResult(Outcome.UNREACHABLE, "no acknowledgement in time")
    error = future.exception()
    if error is None:
        return PublishResult(Outcome.STORED)
    if isinstance(error, nats.js.errors.NoStreamResponseError):
        return PublishResult(Outcome.UNREACHABLE, "no stream answers")
    if isinstance(error, nats.js.errors.APIError):
        return PublishResult(Outcome.REFUSED, f"JetStream refused it: {error.description}")
    return PublishResult(Outcome.UNREACHABLE, type(error).__name__)
