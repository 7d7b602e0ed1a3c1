"""One typed settings object: TOML for settings, the environment for secrets.

Loaded once by the composition root (``bot.cli``) and passed in explicitly. Secrets never
come from a file: a token key in the TOML is rejected as an unknown key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.i18n import Lang

DEFAULT_CONFIG_FILE = Path("config.toml")
MAX_CONFIG_BYTES = 1024 * 1024


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix."""


class _Section(BaseModel):
    # inf and nan pass every ge/le bound and then overflow timedelta(), so they are refused.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class BotSection(_Section):
    language: Lang = "en"
    timezone: str = "UTC"
    facts_dir: Path | None = None
    data_dir: Path = Path("data")
    # How much ``alliance-bot run`` logs. DEBUG also shows the libraries' own debug lines
    # (discord.py, slack-sdk, aiohttp), which is where a request's details are.
    log_level: LogLevel = "INFO"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (use an IANA name)") from None
        return value


class DailySection(_Section):
    # Defaults for /alliance subscribe, and how delivery behaves.
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    grace_hours: float = Field(default=6.0, ge=0, le=24)
    stale_claim_minutes: float = Field(default=5.0, ge=1, le=24 * 60)
    concurrency: int = Field(default=20, ge=1, le=200)
    # A poll with nothing due is one indexed query, so polling often is cheap.
    poll_seconds: float = Field(default=15.0, gt=0, le=3600)
    # Channels subscribed for the same minute fall due spread over this many seconds of it.
    spread_seconds: int = Field(default=60, ge=0, le=60)


class RetentionSection(_Section):
    # Finished delivery rows older than this are deleted (the last one per channel is what
    # /alliance subscription shows; a few weeks are plenty).
    delivery_days: int = Field(default=60, ge=2, le=3650)
    # Answers of quizzes that ended longer ago than this are deleted; leaderboards and stats
    # count the answers kept. 0 keeps them forever.
    quiz_days: int = Field(default=0, ge=0, le=36500)
    # How often the pruning job runs.
    interval_hours: float = Field(default=6.0, gt=0, le=168)


class QuizSection(_Section):
    seconds_per_question: float = Field(default=20.0, ge=5, le=300)
    # The quiz ends itself after this many questions in a row that nobody answered.
    quiet_questions: int = Field(default=3, ge=1, le=20)
    default_questions: int = Field(default=5, ge=1, le=20)
    max_questions: int = Field(default=20, ge=1, le=50)

    @model_validator(mode="after")
    def _default_within_max(self) -> QuizSection:
        if self.default_questions > self.max_questions:
            raise ValueError(
                f"default_questions ({self.default_questions}) is more than "
                f"max_questions ({self.max_questions})"
            )
        return self


class LimitsSection(_Section):
    # Cooldowns, per process (see bot/core/cooldowns.py). Each person may send `user_burst`
    # commands at once, then `user_per_minute`; each channel `channel_burst`, then
    # `channel_per_minute`; each channel may start `quiz_starts_burst` quizzes at once, then
    # `quiz_starts_per_hour`. A rate of 0 turns that limit off.
    user_burst: int = Field(default=5, ge=1, le=1000)
    user_per_minute: float = Field(default=12, ge=0, le=6000)
    channel_burst: int = Field(default=20, ge=1, le=10000)
    channel_per_minute: float = Field(default=40, ge=0, le=60000)
    quiz_starts_burst: int = Field(default=2, ge=1, le=100)
    quiz_starts_per_hour: float = Field(default=6, ge=0, le=3600)


class DatabaseSection(_Section):
    url: str | None = None
    # Connections per process; never fewer than the delivery concurrency needs.
    pool_size: int = Field(default=10, ge=1, le=500)
    # How long to wait for the server to answer when connecting.
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=300)


DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg"


class DiscordSection(_Section):
    # None: start when DISCORD_TOKEN is set; false: never; true: DISCORD_TOKEN is required.
    enabled: bool | None = None
    # Guilds that get the slash commands at once (global sync can take up to an hour).
    dev_guild_ids: list[int] = Field(default_factory=list)
    # Another REST base (a proxy sharing the rate limits of several processes, a test fake).
    api_base_url: str = Field(default=DISCORD_API_BASE_URL, pattern=r"^https?://[^\s]+$")
    gateway_url: str = Field(default=DISCORD_GATEWAY_URL, pattern=r"^wss?://[^\s]+$")
    # None: one process, and Discord says how many shards (AutoShardedClient).
    shard_count: int | None = Field(default=None, ge=1, le=10000)
    # The shards this process runs (of shard_count); None: all of them.
    shard_ids: list[int] | None = None
    # Typed quiz answers need Discord's privileged Message Content intent; buttons do not.
    message_content: bool = False

    @model_validator(mode="after")
    def _shards_within_count(self) -> DiscordSection:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count")
            if not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError("shard_ids must list distinct shard numbers")
            if any(not 0 <= shard < self.shard_count for shard in self.shard_ids):
                raise ValueError(f"shard_ids must be from 0 to {self.shard_count - 1}")
        return self


SlackMode = Literal["socket", "http"]


class SlackSection(_Section):
    # None: start when SLACK_BOT_TOKEN is set; true: start, and refuse to without tokens.
    enabled: bool | None = None
    mode: SlackMode = "socket"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    # Where the Web API lives: Slack's own, or a proxy (or a loopback fake in tests).
    api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://\S+$")

    @field_validator("api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack-sdk joins the method name straight onto the base URL.
        return value if value.endswith("/") else value + "/"


class Secrets(_Section):
    """Tokens, from the environment only."""

    discord_token: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None


class Settings(_Section):
    """Every setting of the bot."""

    bot: BotSection = BotSection()
    database: DatabaseSection = DatabaseSection()
    daily: DailySection = DailySection()
    quiz: QuizSection = QuizSection()
    retention: RetentionSection = RetentionSection()
    limits: LimitsSection = LimitsSection()
    discord: DiscordSection = DiscordSection()
    slack: SlackSection = SlackSection()
    secrets: Secrets = Field(default_factory=Secrets, exclude=True)

    @model_validator(mode="after")
    def _enabled_platforms_have_tokens(self) -> Settings:
        if self.discord.enabled and self.secrets.discord_token is None:
            raise ValueError(
                "discord.enabled is true but DISCORD_TOKEN is not set in the environment"
            )
        return self._slack_tokens_when_enabled()

    @property
    def discord_wanted(self) -> bool:
        """Whether ``alliance-bot run`` starts Discord: its token is set, unless disabled."""
        return self.discord.enabled is not False and self.secrets.discord_token is not None

    def _slack_tokens_when_enabled(self) -> Settings:
        if self.slack.enabled and (missing := self.missing_slack_secrets()):
            raise ValueError(
                f"slack.enabled is true, but {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set in the environment "
                f"(mode = {self.slack.mode!r})"
            )
        return self

    def missing_slack_secrets(self) -> list[str]:
        """The environment variables Slack's configured mode needs that are not set."""
        secrets = self.secrets
        needed = {"SLACK_BOT_TOKEN": secrets.slack_bot_token}
        if self.slack.mode == "socket":
            needed["SLACK_APP_TOKEN"] = secrets.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = secrets.slack_signing_secret
        return [name for name, value in needed.items() if value is None]

    @property
    def slack_wanted(self) -> bool:
        """Whether ``alliance-bot run`` starts Slack: ``enabled = true``, or unset with
        SLACK_BOT_TOKEN in the environment."""
        if self.slack.enabled is None:
            return self.secrets.slack_bot_token is not None
        return self.slack.enabled

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.bot.timezone)

    @property
    def facts_dir(self) -> Path:
        return self.bot.facts_dir or shipped_facts_dir()

    @property
    def database_pool_size(self) -> int:
        # Every concurrent send marks its outcome while holding its slot; the poll itself,
        # quiz answers and commands need connections of their own on top.
        return max(self.database.pool_size, self.daily.concurrency + 5)

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL with an async driver."""
        if self.database.url:
            return async_database_url(self.database.url)
        return f"sqlite+aiosqlite:///{self.bot.data_dir / 'alliance.sqlite3'}"


_ASYNC_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+psycopg",
}


# libpq's sslmode values, which asyncpg takes as its ``ssl`` argument.
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def async_database_url(url: str) -> str:
    """Map ``sqlite:///…`` and ``postgresql://…`` to the async drivers SQLAlchemy needs.

    Managed PostgreSQL services hand out URLs with ``?sslmode=require``; asyncpg has no
    ``sslmode`` argument but takes the same values as ``ssl``, so the query is renamed.
    """
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in _ASYNC_SCHEMES:
        raise ConfigError(
            f"unsupported database URL scheme '{scheme}': use sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST/DB"
        )
    driver = _ASYNC_SCHEMES[scheme]
    if driver == "postgresql+asyncpg":
        rest = _asyncpg_ssl_query(rest)
    return f"{driver}://{rest}"


def _asyncpg_ssl_query(rest: str) -> str:
    location, separator, query = rest.partition("?")
    if not separator:
        return rest
    options = []
    for option in query.split("&"):
        name, _, value = option.partition("=")
        if name == "sslmode":
            if value not in _SSL_MODES:
                raise ConfigError(
                    f"database URL: sslmode '{value}' is not one of {', '.join(_SSL_MODES)}"
                )
            options.append(f"ssl={value}")
        elif name in ("sslrootcert", "sslcert", "sslkey", "sslcrl"):
            raise ConfigError(
                f"database URL: '{name}' is not supported; use sslmode=require (or verify-full "
                "with the CA in the system store)"
            )
        else:
            options.append(option)
    return f"{location}?{'&'.join(options)}"


def shipped_facts_dir() -> Path:
    """The fact files installed with the package, or the checkout's ``facts/`` in development."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_facts"
    return installed if installed.is_dir() else package_dir.parent / "facts"


def _secrets_from(environ: Mapping[str, str]) -> Secrets:
    def secret(name: str) -> SecretStr | None:
        value = environ.get(name, "").strip()
        return SecretStr(value) if value else None

    return Secrets(
        discord_token=secret("DISCORD_TOKEN"),
        slack_bot_token=secret("SLACK_BOT_TOKEN"),
        slack_app_token=secret("SLACK_APP_TOKEN"),
        slack_signing_secret=secret("SLACK_SIGNING_SECRET"),
    )


def _read_toml(source: Path) -> dict[str, object]:
    """The TOML table in ``source``; reads a bounded amount, so a device cannot hang it."""
    try:
        with source.open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such configuration file") from None
    except IsADirectoryError:
        raise ConfigError(f"{source}: is a directory, not a configuration file") from None
    except OSError as error:
        raise ConfigError(f"{source}: cannot read: {error.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{source}: larger than {MAX_CONFIG_BYTES // 1024} KiB; not a config")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{source}:{line}: not UTF-8; save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None


def load_settings(path: Path | None, environ: Mapping[str, str]) -> Settings:
    """Read ``path`` (or ``./config.toml`` if present, else defaults) and the environment.

    Raises:
        ConfigError: naming the file and every key that is wrong.
    """
    data: dict[str, object] = {}
    source = path or (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None)
    if source is not None:
        data = _read_toml(source)
    if "secrets" in data:
        raise ConfigError(f"{source}: secrets come only from the environment, never a file")
    if url := environ.get("ALLIANCE_DATABASE_URL", "").strip():
        database = data.get("database", {})
        if not isinstance(database, dict):
            raise ConfigError(f"{source}: database must be a table ([database] with url = …)")
        data["database"] = {**database, "url": url}
    try:
        settings = Settings.model_validate({**data, "secrets": _secrets_from(environ)})
    except ValidationError as error:
        where = source or "configuration"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}".replace("Value error, ", "")
            for e in error.errors()
        )
        raise ConfigError(f"{where}: {problems}") from None
    settings.database_url  # noqa: B018 - fail at start-up, not at first use
    return settings
