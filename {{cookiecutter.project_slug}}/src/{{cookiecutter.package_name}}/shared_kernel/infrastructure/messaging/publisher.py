"""What the relay needs of a broker. NATS JetStream implements it (`nats_broker.py`); another
broker is one more class with this method."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    id: str  # the event id: the broker drops a second message with the same id
    subject: str
    body: bytes
    headers: dict[str, str]


class Outcome(Enum):
    STORED = "stored"
    # The broker answered no (the message is too large, the stream refuses it): counts as a
    # failed attempt of this event.
    REFUSED = "refused"
    # No answer (the broker is down or unreachable): says nothing about the event.
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class PublishResult:
    outcome: Outcome
    error: str = ""


class Publisher(Protocol):
    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PublishResult]:
        """Publish every message at once (in order), and say what became of each."""
        ...

    @property
    def connected(self) -> bool: ...
