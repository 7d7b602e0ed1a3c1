"""The fixed vocabulary of fact topics (``tags`` in the YAML), with display names."""

from __future__ import annotations

from bot.core.i18n import Lang
from bot.core.params import Choice

TOPICS: dict[str, dict[Lang, str]] = {
    "prelude": {"en": "Prelude 1939–41", "ja": "前史（1939〜41年）"},
    "diplomacy": {"en": "Diplomacy", "ja": "外交"},
    "lend-lease": {"en": "Lend-Lease", "ja": "レンドリース"},
    "convoys": {"en": "Convoys and supply routes", "ja": "船団と補給路"},
    "eastern-front": {"en": "Eastern Front", "ja": "東部戦線"},
    "second-front": {"en": "Second front", "ja": "第二戦線"},
    "conferences": {"en": "Conferences", "ja": "首脳・外相会談"},
    "poland": {"en": "Poland", "ja": "ポーランド"},
    "japan": {"en": "Japan", "ja": "日本"},
    "united-nations": {"en": "United Nations", "ja": "国際連合"},
    "break-up": {"en": "Break-up of the alliance", "ja": "同盟の崩壊"},
}


def topic_label(topic: str, lang: Lang) -> str:
    """Display name of ``topic`` in ``lang``."""
    return TOPICS[topic][lang]


def find_topic(text: str) -> str | None:
    """Match a topic by slug or by its display name in either language, forgivingly."""
    wanted = text.strip().casefold().replace("_", "-").replace(" ", "-")
    for slug, labels in TOPICS.items():
        if wanted == slug:
            return slug
        for label in labels.values():
            if wanted == label.casefold().replace(" ", "-"):
                return slug
    return None


def topic_choices() -> tuple[Choice, ...]:
    """Every topic as a choice (its slug, labelled in each language), for autocomplete."""
    return tuple(Choice(slug, dict(labels)) for slug, labels in TOPICS.items())
