"""The one exception a command handler raises on purpose."""

from __future__ import annotations

from bot.core.rich import RichText, render_plain


class UsageError(Exception):
    """A handler's way to say the arguments were wrong; becomes a friendly ephemeral reply.

    ``message`` is rich text: what the user typed, quoted back, stays plain text in it
    (:func:`bot.core.i18n.t_rich` with :func:`bot.core.rich.user_text`).
    """

    def __init__(self, message: RichText) -> None:
        super().__init__(render_plain(message))
        self.message = message
