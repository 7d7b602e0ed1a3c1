"""Reading what the bot answered to an interaction, as Discord would show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.discord_fake import FakeDiscord, InteractionRecord

EPHEMERAL = 1 << 6


@dataclass(frozen=True)
class Answer:
    """The message a user sees in answer to an interaction."""

    body: dict[str, Any]
    ephemeral: bool
    how: str  # "message", "update" (the pressed message edited), "deferred" (then sent)

    @property
    def embed(self) -> dict[str, Any]:
        embeds = self.body.get("embeds") or []
        assert len(embeds) == 1, self.body
        return embeds[0]

    @property
    def text(self) -> str:
        """Title, description, fields and footer, for matching words."""
        embed = self.embed
        fields = " ".join(f"{f['name']} {f['value']}" for f in embed.get("fields", []))
        footer = embed.get("footer", {}).get("text", "")
        return " ".join([embed.get("title", ""), embed.get("description", ""), fields, footer])

    @property
    def custom_ids(self) -> list[str]:
        return [
            button["custom_id"]
            for row in self.body.get("components") or []
            for button in row["components"]
        ]


def _final(record: InteractionRecord) -> Answer | None:
    if not record.callbacks:
        return None
    first = record.callbacks[0]
    data = first.get("data") or {}
    if first["type"] in (4, 7):
        how = "message" if first["type"] == 4 else "update"
        return Answer(data, bool(data.get("flags", 0) & EPHEMERAL), how)
    if record.followups:
        body = record.followups[-1]
        return Answer(body, bool((body.get("flags") or 0) & EPHEMERAL), "deferred")
    if record.edits:
        return Answer(record.edits[-1], bool(data.get("flags", 0) & EPHEMERAL), "deferred")
    return None


async def answer_of(fake: FakeDiscord, record: InteractionRecord) -> Answer:
    """The bot's answer, once it has given one."""
    await fake.wait_until(lambda: _final(record) is not None)
    answer = _final(record)
    assert answer is not None
    # Nothing the bot sends may ping anyone, whatever the reply quotes.
    assert answer.body.get("allowed_mentions") == {"parse": []}, answer.body
    return answer
