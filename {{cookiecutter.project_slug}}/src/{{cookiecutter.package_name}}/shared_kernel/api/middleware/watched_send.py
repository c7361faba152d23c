from starlette.types import Message, Send


class WatchedSend:
    """A middleware's `send` that tells whether the response has started: until then a
    middleware may still answer in the application's place, afterwards it may not."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)
