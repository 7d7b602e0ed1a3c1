"""The language choices: one per language the bot speaks, shared by the commands offering
them."""

from __future__ import annotations

from bot.core.daily.commands import subscribe_params
from bot.core.i18n import LANGUAGES
from bot.core.language_choices import LANGUAGE_CHOICES
from bot.core.settings_commands import setting_params


def test_every_language_can_be_picked_and_is_named_in_every_language() -> None:
    assert tuple(choice.value for choice in LANGUAGE_CHOICES) == LANGUAGES
    for choice in LANGUAGE_CHOICES:
        assert set(choice.label) == set(LANGUAGES), choice


def test_subscribe_and_the_settings_offer_the_same_languages() -> None:
    (subscribe,) = [param for param in subscribe_params() if param.name == "language"]
    assert subscribe.choices == LANGUAGE_CHOICES
    for server in (False, True):
        (language,) = [param for param in setting_params(server) if param.name == "language"]
        assert language.choices[: len(LANGUAGE_CHOICES)] == LANGUAGE_CHOICES
        assert [choice.value for choice in language.choices[len(LANGUAGE_CHOICES) :]] == ["auto"]
