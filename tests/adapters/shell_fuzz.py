"""Seeded hostile input for the shell: what a careless or malicious user could type or pipe.

Each line is bytes, since some are not valid UTF-8. The same seed always gives the same lines,
so a failing run can be replayed exactly (see ``tests/adapters/test_shell_fuzz.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable

META_NAMES = ("wait", "time", "click", "user", "channel", "lang", "help")
# :quit and its aliases end the session, so they are not fuzzed (the end of input is).
QUIT_NAMES = frozenset({"quit", "exit", "q"})
COMMANDS = (
    "fact",
    "today",
    "on",
    "search",
    "help",
    "subscribe",
    "unsubscribe",
    "subscription",
    "quiz start",
    "quiz stop",
    "quiz",
    "leaderboard",
    "stats",
    "forget-me",
    "forget-me confirm",
)
SUBSCRIBE_WORDS = ("time", "timezone", "language", "question", "on", "off", "en", "ja")

# Digits to str.isdigit or to int(), but not always to both.
ODD_DIGITS = ("²", "³", "½", "٣", "۳", "१", "①", "１２", "Ⅻ", "𝟗")
# Characters that have broken text handling somewhere: controls, bidi overrides, zero-width
# and format characters, digits that are digits only to str.isdigit, line separators that are
# not "\n", combining marks, full-width forms, an emoji with modifiers, a private-use character.
NASTY_CHARS = (
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\x9b",
    "\u00a0",
    "\u0301",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ufeff",
    "\ufffd",
    "\ue000",
    *ODD_DIGITS,
    "ｔｏｄａｙ",
    "／alliance",
    "👩🏽‍🚀",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "ß",
    "İ",
    "ﬁ",
    "日本語",
    "５月９日",
    "%s%n%x",
    "{0}{n}{}",
    "'; DROP TABLE subscriptions; --",
    "../../etc/passwd",
    "$(reboot)",
    "\\",
    '"',
    "<@everyone>",
)
NUMBERS = (
    "0",
    "-1",
    "1",
    "2",
    "5",
    "20",
    "21",
    "00000000000000000001",
    "1.5",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "0x10",
    "999999999999",
    "9" * 400,
    "1" + "0" * 30,
    "3650d",
    "36500d",
    "1d",
    "2h",
    "90s",
    "5m",
    "25",
    "0.0000001",
    "9" * 20 + "d",
)
SHORT_WAITS = ("1", "20", "25", "90s", "5m", "59m", "2h", "1d", "0", "0.5")
MOMENTS = (
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "2999-12-31T00:00:00+00:00",
    "2999-12-31T23:59:59-14:00",
    "1970-01-01T00:00:00+00:00",
    "2026-06-23T09:00:00+00:00",
    "2027-02-04T08:00",
    "2026-02-30T00:00:00",
    "2026-06-22T25:00:00",
    "2026-06-22T10:00:00+24:00",
    "2026-W26-1",
    "2026-173",
    "20260622T100000Z",
    "now",
    "",
)
INVALID_UTF8 = (
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xf0\x28\x8c\xbc",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80",
    b"\xe6\x97",
)
TIMEZONES = (
    "UTC",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "America/Sao_Paulo",
    "Europe/Moscow",
    "Nowhere/Land",
    "../../../../etc/localtime",
    "Asia/Tokyo" * 50,
    "",
)


class HostileLines:
    """Makes one hostile shell line at a time from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._makers: tuple[tuple[int, Callable[[], bytes]], ...] = (
            (12, self._meta),
            (18, self._command),
            (4, self._subscribe),
            (3, self._quiz_turn),
            (6, self._chat),
            (3, self._empty),
            (2, self._huge),
            (4, self._invalid_utf8),
        )
        self._total = sum(weight for weight, _ in self._makers)

    def line(self) -> bytes:
        """One line, without its newline; it never contains b"\\n"."""
        pick = self._rng.randrange(self._total)
        for weight, make in self._makers:
            if pick < weight:
                return make().replace(b"\n", b" ")
            pick -= weight
        raise AssertionError("unreachable")

    def _text(self, length: int | None = None) -> str:
        """Random text: nasty characters, random code points, words of the bot's vocabulary."""
        rng = self._rng
        parts: list[str] = []
        for _ in range(length if length is not None else rng.randint(0, 6)):
            kind = rng.random()
            if kind < 0.3:
                parts.append(rng.choice(NASTY_CHARS))
            elif kind < 0.5:
                parts.append(self._code_points(rng.randint(1, 8)))
            elif kind < 0.65:
                parts.append(rng.choice(NUMBERS))
            elif kind < 0.75:
                parts.append(rng.choice(MOMENTS))
            else:
                parts.append(rng.choice((*COMMANDS, *SUBSCRIBE_WORDS, *TIMEZONES, "Yalta")))
        return rng.choice((" ", "", "  ", "\t")).join(parts)

    def _code_points(self, count: int) -> str:
        rng = self._rng
        chars = []
        for _ in range(count):
            while True:
                point = rng.choice(
                    (rng.randint(0, 0x7F), rng.randint(0x80, 0x7FF), rng.randint(0, 0x10FFFF))
                )
                if not 0xD800 <= point <= 0xDFFF and point != 0x0A:
                    break
            chars.append(chr(point))
        return "".join(chars)

    def _argument(self) -> str:
        rng = self._rng
        return rng.choice(
            (
                lambda: rng.choice(NUMBERS),
                lambda: rng.choice(MOMENTS),
                lambda: rng.choice(NASTY_CHARS),
                lambda: rng.choice(TIMEZONES),
                self._text,
                lambda: "",
            )
        )()

    def _meta(self) -> bytes:
        rng = self._rng
        name = rng.choice(META_NAMES)
        if rng.random() < 0.05:
            name = rng.choice(("", ":", "WAIT", "Time", "cl1ck", self._code_points(3)))
            if name.strip().lower() in QUIT_NAMES:
                name = "help"
        args = {
            "wait": self._wait,
            "time": self._moment,
            "click": lambda: rng.choice((*NUMBERS, *ODD_DIGITS)),
            "user": lambda: f"{self._argument()} {rng.choice(('--admin', '', '--admin --admin'))}",
            "channel": lambda: rng.choice(("general", "#quiz", "#", self._argument())),
            "lang": lambda: rng.choice(("en", "ja", "JA", " ja ", "fr", "", self._argument())),
        }.get(name, self._argument)()
        if rng.random() < 0.3:
            args = f"{args} {self._argument()}"
        return f":{name} {args}".encode()

    def _wait(self) -> str:
        # Mostly short waits, so the clock reaches its range's end only now and then and the
        # daily posts and quiz timers keep firing through the rest of a session.
        rng = self._rng
        if rng.random() < 0.75:
            return rng.choice(SHORT_WAITS)
        return rng.choice(NUMBERS)

    def _moment(self) -> str:
        rng = self._rng
        if rng.random() < 0.4:
            return rng.choice(MOMENTS)
        hours, minutes = rng.randint(-12, 14), rng.choice((0, 30, 45))
        offset = f"{'+' if hours >= 0 else '-'}{abs(hours):02}:{minutes:02}"
        return (
            f"{rng.randint(2026, 2028)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
            f"T{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:00{offset}"
        )

    def _command(self) -> bytes:
        rng = self._rng
        prefix = rng.choice(("/alliance", "/alliance", "/ALLIANCE", "/alliance\u3000", "alliance"))
        words = [rng.choice(COMMANDS)]
        words.extend(self._argument() for _ in range(rng.randint(0, 3)))
        return f"{prefix} {' '.join(words)}".encode()

    def _subscribe(self) -> bytes:
        rng = self._rng
        words = ["/alliance", rng.choice(("subscribe", "subscribe", "unsubscribe"))]
        for _ in range(rng.randint(0, 4)):
            key = rng.choice(SUBSCRIBE_WORDS)
            value = {
                "time": lambda: rng.choice(("09:00", "23:59", "24:00", "9", "-1:00", "00:00")),
                "timezone": lambda: rng.choice(TIMEZONES),
                "language": lambda: rng.choice(("en", "ja", "xx")),
                "question": lambda: rng.choice(("on", "off", "maybe")),
            }.get(key, self._argument)()
            words.extend((key, value))
        return " ".join(words).encode()

    def _quiz_turn(self) -> bytes:
        rng = self._rng
        return rng.choice(
            (
                b"/alliance quiz start questions 2",
                b":click 1",
                b":click 2",
                b"b",
                b"2",
                b":wait 25",
                b":user admin --admin",
            )
        )

    def _chat(self) -> bytes:
        return self._text().encode()

    def _empty(self) -> bytes:
        return self._rng.choice((b"", b" ", b"\t", b"   \t  ", b"\r", b"\x0c"))

    def _huge(self) -> bytes:
        rng = self._rng
        filler = rng.choice(("a", "日", "9", " ", "\u202e", "/alliance "))
        heads = ("", "/alliance search ", ":wait ", ":user ", ":channel ", ":time ", ":click ")
        head = rng.choice(heads)
        return (head + filler * (10_240 // len(filler.encode()))).encode()[:10_240]

    def _invalid_utf8(self) -> bytes:
        rng = self._rng
        head = rng.choice((b"", b"/alliance search ", b":user ", b":channel ", b"/alliance on "))
        return head + b"".join(rng.choice(INVALID_UTF8) for _ in range(rng.randint(1, 4)))


def hostile_lines(seed: int, count: int) -> list[bytes]:
    """``count`` hostile lines, the same for the same seed."""
    lines = HostileLines(random.Random(seed))
    return [lines.line() for _ in range(count)]
