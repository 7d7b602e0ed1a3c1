"""The one exception a command handler raises on purpose."""

from __future__ import annotations


class UsageError(Exception):
    """A handler's way to say the arguments were wrong; becomes a friendly ephemeral reply."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
