"""An event of another context, as a handler in this one receives it.

Contexts do not import each other, so a handler never sees the publisher's event class: it
reads the published body, the contract both sides keep (docs/guidelines/cookbook.md, "React
to another context's event").
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceivedEvent:
    id: UUID
    type: str
    schema_version: int
    occurred_at: datetime
    aggregate_id: UUID
    aggregate_version: int
    data: Mapping[str, Any]
    subject: str
