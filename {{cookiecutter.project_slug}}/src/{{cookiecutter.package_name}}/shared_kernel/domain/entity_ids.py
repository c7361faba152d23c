from datetime import UTC, datetime
from uuid import UUID

import uuid_utils.compat


def new_id() -> UUID:
    """UUIDv7: time-ordered, so new rows land at the end of the primary-key index."""
    return uuid_utils.compat.uuid7()


def utc_now() -> datetime:
    return datetime.now(UTC)
