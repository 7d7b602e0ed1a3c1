"""Mistyped zones are matched against a list read from the zone database once, not per call."""

from __future__ import annotations

import zoneinfo

import pytest

from bot.core.daily import commands
from bot.core.daily.commands import find_zone, suggest_zones


def test_the_zone_database_is_walked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    walks = []

    def counting() -> set[str]:
        walks.append(1)
        return zoneinfo.available_timezones()

    monkeypatch.setattr(commands, "available_timezones", counting)
    commands.zone_names.cache_clear()
    commands._zones_by_folded_name.cache_clear()
    try:
        assert suggest_zones("Asia/Tokio")[0] == "Asia/Tokyo"
        assert suggest_zones("Europe/Londn")[0] == "Europe/London"
        assert find_zone("asia/tokyo") == "Asia/Tokyo"
        assert len(walks) == 1
    finally:
        commands.zone_names.cache_clear()
        commands._zones_by_folded_name.cache_clear()
