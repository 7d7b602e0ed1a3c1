"""Settings come from TOML, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, async_database_url, load_settings
from tests.conftest import REPO_ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads_with_its_documented_defaults() -> None:
    settings = load_settings(REPO_ROOT / "config.example.toml", {})
    assert settings.bot.language == "en"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert not settings.discord.enabled and not settings.slack.enabled


def test_secrets_come_from_the_environment(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": "abc", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": " s "}
    settings = load_settings(write(tmp_path, ""), env)
    assert settings.secrets.discord_token is not None
    assert settings.secrets.discord_token.get_secret_value() == "abc"
    assert settings.secrets.slack_signing_secret is not None
    assert settings.secrets.slack_signing_secret.get_secret_value() == "s"
    assert settings.secrets.slack_app_token is None
    assert "abc" not in repr(settings) and "abc" not in str(settings.model_dump())


@pytest.mark.parametrize(
    "text",
    ['[discord]\ntoken = "abc"\n', '[secrets]\ndiscord_token = "abc"\n'],
)
def test_a_secret_in_the_file_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError):
        load_settings(write(tmp_path, text), {})


def test_database_url_from_the_environment_wins(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///x.db"\n')
    settings = load_settings(path, {"ALLIANCE_DATABASE_URL": "postgresql://u:p@localhost/db"})
    assert settings.database_url == "postgresql+asyncpg://u:p@localhost/db"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        # What managed PostgreSQL services hand out: asyncpg calls the option "ssl".
        (
            "postgres://u:p@db.example.com:25060/app?sslmode=require",
            "postgresql+asyncpg://u:p@db.example.com:25060/app?ssl=require",
        ),
        (
            "postgresql://u@h/db?application_name=bot&sslmode=verify-full",
            "postgresql+asyncpg://u@h/db?application_name=bot&ssl=verify-full",
        ),
    ],
)
def test_urls_map_to_async_drivers(url: str, expected: str) -> None:
    assert async_database_url(url) == expected


def test_unsupported_database_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="mysql"):
        async_database_url("mysql://u@h/db")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[bot]\ntimezone = "Mars/Olympus"\n', "unknown time zone"),
        ('[bot]\nlanguage = "fr"\n', "bot.language"),
        ('[bot]\nlog_level = "LOUD"\n', "bot.log_level"),
        ("[bot\n", "not valid TOML"),
        ("[slack]\nport = 0\n", "slack.port"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings(path, {})
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[daily]\nstale_claim_minutes = inf\n", "daily.stale_claim_minutes"),
        ("[daily]\nstale_claim_minutes = 1e12\n", "daily.stale_claim_minutes"),
        ("[daily]\npoll_seconds = inf\n", "daily.poll_seconds"),
        (
            "[quiz]\ndefault_questions = 15\nmax_questions = 10\n",
            r"quiz: default_questions \(15\) is more than max_questions \(10\)",
        ),
    ],
)
def test_numbers_that_would_overflow_or_contradict_are_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_settings(path, {})
    assert str(path) in str(caught.value)


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[bot]\nlanguage = "en"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=f"{path}:3: not UTF-8"):
        load_settings(path, {})


def test_a_directory_as_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings(tmp_path, {})


def test_a_device_as_config_is_read_only_up_to_a_limit() -> None:
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_settings(Path("/dev/zero"), {})


def test_database_as_a_string_with_the_environment_url_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'database = "sqlite:///x.db"\n')
    with pytest.raises(ConfigError, match="database must be a table"):
        load_settings(path, {"ALLIANCE_DATABASE_URL": "sqlite:///y.db"})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgres://u@h/db?sslmode=sometimes", "sslmode 'sometimes' is not one of"),
        ("postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem", "'sslrootcert' is not supported"),
    ],
)
def test_ssl_options_asyncpg_cannot_take_are_a_clear_error(url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        async_database_url(url)


def test_the_pool_is_never_smaller_than_the_delivery_concurrency(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\npool_size = 4\n[daily]\nconcurrency = 50\n", encoding="utf-8")
    assert load_settings(config, {}).database_pool_size >= 50
    config.write_text("[database]\npool_size = 80\n[daily]\nconcurrency = 10\n", encoding="utf-8")
    assert load_settings(config, {}).database_pool_size == 80


def test_discord_starts_when_its_token_is_set_unless_disabled(tmp_path: Path) -> None:
    unset = load_settings(write(tmp_path, ""), {})
    assert unset.discord.enabled is None and not unset.discord_wanted
    assert load_settings(write(tmp_path, ""), {"DISCORD_TOKEN": "t"}).discord_wanted
    disabled = write(tmp_path, "[discord]\nenabled = false\n")
    assert not load_settings(disabled, {"DISCORD_TOKEN": "t"}).discord_wanted


def test_discord_enabled_without_its_token_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        load_settings(write(tmp_path, "[discord]\nenabled = true\n"), {})


def test_discord_defaults_are_discords_own_and_shards_are_checked(tmp_path: Path) -> None:
    discord = load_settings(write(tmp_path, ""), {}).discord
    assert discord.api_base_url == "https://discord.com/api/v10"
    assert discord.gateway_url == "wss://gateway.discord.gg"
    assert discord.shard_count is None and discord.shard_ids is None
    assert discord.message_content is False
    text = "[discord]\nshard_count = 2\nshard_ids = [1]\n"
    assert load_settings(write(tmp_path, text), {}).discord.shard_ids == [1]
    for bad in (
        "shard_ids = [0]",
        "shard_count = 2\nshard_ids = [2]",
        "shard_count = 2\nshard_ids = []",
    ):
        with pytest.raises(ConfigError, match="shard"):
            load_settings(write(tmp_path, f"[discord]\n{bad}\n"), {})


def test_the_example_config_documents_every_limit_with_its_default(tmp_path: Path) -> None:
    example = load_settings(REPO_ROOT / "config.example.toml", {})
    defaults = load_settings(write(tmp_path, ""), {})
    assert example.limits == defaults.limits
    text = (REPO_ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert all(f"\n{key} = " in text for key in type(example.limits).model_fields)


def test_limits_may_be_turned_off_but_not_made_negative(tmp_path: Path) -> None:
    off = "[limits]\nuser_per_minute = 0\nchannel_per_minute = 0\nquiz_starts_per_hour = 0\n"
    settings = load_settings(write(tmp_path, off), {})
    assert settings.limits.user_per_minute == 0
    for text, key in (
        ("[limits]\nuser_per_minute = -1\n", "limits.user_per_minute"),
        ("[limits]\nuser_burst = 0\n", "limits.user_burst"),
        ("[limits]\nquiz_starts_per_hour = inf\n", "limits.quiz_starts_per_hour"),
        ("[limits]\nper_user = 5\n", "limits.per_user"),
    ):
        with pytest.raises(ConfigError, match=key):
            load_settings(write(tmp_path, text), {})
