import random

# Doublings past which every delay is the ceiling; `2.0 ** 1024` would raise OverflowError.
_MAX_DOUBLINGS = 64


def retry_delay(attempt: int, base: float, ceiling: float) -> float:
    """Seconds before try `attempt + 1` (counting from 1): doubling from `base` up to
    `ceiling`, half of it random, so that many failures at once do not retry in step."""
    delay = min(ceiling, base * 2.0 ** min(attempt - 1, _MAX_DOUBLINGS))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (not a secret)
