"""The reply languages as a command option offers them, each named in every language.

``subscribe`` and ``settings``/``server-settings`` both offer them (the settings add
``auto``), so the names live here once.
"""

from __future__ import annotations

from bot.core.params import Choice

# One per language of bot.core.i18n (tests/core/test_language_choices.py checks it).
LANGUAGE_CHOICES: tuple[Choice, ...] = (
    Choice("en", {"en": "English", "ja": "英語"}),
    Choice("ja", {"en": "Japanese", "ja": "日本語"}),
)
