"""A heartbeat file the running bot touches, so a container health check can see it is alive."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

HEARTBEAT_INTERVAL_SECONDS = 30.0
HEARTBEAT_MAX_AGE_SECONDS = 120.0
# Clocks of the bot and of the checker (or of a shared volume) may differ a little; a
# heartbeat further in the future than this was not written by a bot that is alive now.
HEARTBEAT_MAX_SKEW_SECONDS = 60.0


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / "heartbeat"


def beat(path: Path) -> None:
    """Record that the bot is alive now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


async def beat_forever(path: Path, interval: float = HEARTBEAT_INTERVAL_SECONDS) -> None:
    """Touch ``path`` every ``interval`` seconds until cancelled."""
    while True:
        await asyncio.to_thread(beat, path)
        await asyncio.sleep(interval)


def health_problem(
    path: Path,
    max_age: float = HEARTBEAT_MAX_AGE_SECONDS,
    max_skew: float = HEARTBEAT_MAX_SKEW_SECONDS,
) -> str | None:
    """Why the heartbeat at ``path`` does not show a live bot, or None when it does."""
    if path.parent.exists() and not path.parent.is_dir():
        return f"the data directory {path.parent} is not a directory"
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return f"{path} is missing"
    except OSError as error:
        return f"cannot read {path}: {error.strerror}"
    if age < -max_skew:
        return f"{path} is dated {-age:.0f} s in the future"
    if age >= max_age:
        return f"{path} is stale ({age:.0f} s old)"
    return None


def is_alive(path: Path, max_age: float = HEARTBEAT_MAX_AGE_SECONDS) -> bool:
    """True when the heartbeat was touched less than ``max_age`` seconds ago (and not later
    than a small clock skew from now)."""
    return health_problem(path, max_age) is None
