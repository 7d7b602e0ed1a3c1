"""Which users have any settings row, per platform: most callers have none, and a read for
one of them needs no statement (:meth:`SettingsRepository.preferences`'s fast path).

Over-inclusion is always safe (such a user just takes the per-user read), so the set only
grows between loads: every user write adds its user before it runs, every notification
naming a user adds that user. Leaving a user out is the one thing that must not happen;
:class:`PreferencesCache` guards each load with its generation counter for that.

Memory: about 110 bytes a key with Discord-sized ids (a 19-digit snowflake: a 68-byte str
and its slot in the set; measured with tracemalloc), so a platform at
:data:`MAX_KNOWN_USERS` holds some 21 MiB in every process.
"""

from __future__ import annotations

# Above this many users with rows on one platform the set is dropped and every read takes
# the per-user path: the set would cost tens of MiB in every process, and its load (one
# statement at start-up and after every listener reconnect, in every replica) would grow
# with it; by then enough callers have settings that the per-user LRU is the better cache.
MAX_KNOWN_USERS = 200_000


class UsersWithRows:
    """Per platform, the user keys with a settings row in any tenant (DMs included), once
    loaded; a platform not loaded, or past the bound, has no set (reads take the per-user
    path)."""

    def __init__(self, max_keys: int = MAX_KNOWN_USERS) -> None:
        self._keys: dict[str, set[str]] = {}
        self._overfull: set[str] = set()
        self.max_keys = max_keys

    def known(self, platform: str) -> set[str] | None:
        """The platform's set, or None when it is not loaded or past the bound."""
        return self._keys.get(platform)

    def needs_load(self, platform: str) -> bool:
        return platform not in self._keys and platform not in self._overfull

    def add(self, platform: str, user: str) -> None:
        keys = self._keys.get(platform)
        if keys is None:  # not loaded: the load will read the row (see the race rule)
            return
        keys.add(user)
        if len(keys) > self.max_keys:
            self._overflow(platform)

    def load(self, platform: str, users: list[str]) -> None:
        """Take ``users``, read in full from the database (or ``max_keys`` + 1 of them)."""
        if len(users) > self.max_keys:
            self._overflow(platform)
        else:
            self._keys[platform] = set(users)

    def _overflow(self, platform: str) -> None:
        self._keys.pop(platform, None)  # the memory goes back at once
        self._overfull.add(platform)

    def clear(self) -> None:
        """Forget every set (loaded again on the next read); the bound is tried again too."""
        self._keys.clear()
        self._overfull.clear()
