"""The `Idempotency-Key` request header (IETF httpapi, "The Idempotency-Key HTTP Header
Field"): a POST sent again with the same key gets the first response and changes nothing.

The key is taken as the client sends it: 1 to 255 printable ASCII characters (a UUID is
usual; the draft's quoted form, `"8e03978e-..."`, is a key like any other). It is scoped by
method and path, and the request's fingerprint is the SHA-256 digest of its JSON body in one
canonical form (keys sorted, no blanks), so a client that serializes the body again for the
retry still sends the same request, while the same key with another body is refused with a
422 naming `Idempotency-Key`. Headers are not part of it: a retry gets the first response
whatever its `If-Match` says, as it would have had the first response arrived. A service that
authenticates its clients adds the principal to the scope, so that no client can have
another's response replayed to it.
"""

import hashlib
import json
from typing import Annotated

from fastapi import Depends, Header, Request

from ..application.idempotency import IDEMPOTENCY_KEY, MAX_KEY_LENGTH, IdempotentRequest

# Visible ASCII at both ends, spaces allowed between.
KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"
DESCRIPTION = (
    "Optional. A new unique value (such as a UUID) for each change the client intends: a "
    "retry with the same key and body gets the first response instead of making the change "
    "again, even when the first response was lost. The same key with another body is a 422. "
    "Keys are kept for a retention period (24 hours by default), then may be reused."
)


async def idempotent_request(
    request: Request,
    key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_KEY,
            description=DESCRIPTION,
            max_length=MAX_KEY_LENGTH,
            pattern=KEY_PATTERN,
        ),
    ] = None,
) -> IdempotentRequest | None:
    if key is None:
        return None
    # The framework has read and parsed the body already; this reads its cached copy.
    body = await request.body()
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    return IdempotentRequest(key, f"{request.method} {request.url.path}", fingerprint)


Idempotency = Annotated[IdempotentRequest | None, Depends(idempotent_request)]
