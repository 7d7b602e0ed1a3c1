"""Dates at the precision the sources support, and month-days typed by users."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum

from bot.core.i18n import Lang


class Precision(Enum):
    """How much of a date the sources pin down."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_FACT_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class FactDate:
    """A historical date written as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> FactDate:
        """Parse the YAML form; raise ValueError saying what is accepted."""
        match = _FACT_DATE.match(text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month}")
        if month is not None and day is not None:
            try:
                date(year, month, day)
            except ValueError:
                raise ValueError(f"'{text}' is not a day of the calendar") from None
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def earliest(self) -> date:
        """The first calendar day this date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        """The last calendar day this date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    @property
    def month_day(self) -> tuple[int, int] | None:
        """The anniversary (month, day), only for day-precise dates."""
        if self.month is None or self.day is None:
            return None
        return (self.month, self.day)

    def iso(self) -> str:
        """The date as written in the YAML."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self, lang: Lang) -> str:
        """Human form in ``lang``: ``22 June 1941`` / ``1941年6月22日``."""
        if lang == "ja":
            parts = [f"{self.year}年"]
            if self.month is not None:
                parts.append(f"{self.month}月")
            if self.day is not None:
                parts.append(f"{self.day}日")
            return "".join(parts)
        if self.month is None:
            return str(self.year)
        month_name = calendar.month_name[self.month]
        if self.day is None:
            return f"{month_name} {self.year}"
        return f"{self.day} {month_name} {self.year}"


def display_range(start: FactDate, end: FactDate | None, lang: Lang) -> str:
    """A date or a range in ``lang``."""
    if end is None or end == start:
        return start.display(lang)
    if start.day is None or end.day is None or start.year != end.year:
        separator = "〜" if lang == "ja" else " – "
        return f"{start.display(lang)}{separator}{end.display(lang)}"
    # Within one year the year is said once: "4–11 February 1945", "1945年2月4日〜11日".
    assert start.month is not None
    assert end.month is not None
    if lang == "ja":
        end_part = f"{end.day}日" if start.month == end.month else f"{end.month}月{end.day}日"
        return f"{start.display(lang)}〜{end_part}"
    if start.month == end.month:
        return f"{start.day}–{end.day} {calendar.month_name[end.month]} {end.year}"
    return f"{display_month_day(start.month, start.day, lang)} – {end.display(lang)}"


def display_month_day(month: int, day: int, lang: Lang) -> str:
    """``22 June`` / ``6月22日``."""
    if lang == "ja":
        return f"{month}月{day}日"
    return f"{day} {calendar.month_name[month]}"


_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_JAPANESE = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?([a-z]+)\.?$")


def parse_month_day(text: str) -> tuple[int, int] | None:
    """Read a month-day typed by a user: ``06-22``, ``6/22``, ``June 22``, ``22 June``, ``6月22日``.

    Returns None when the text is not a real month-day (29 February counts as real).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().lower().replace(",", " ")
    cleaned = re.sub(r"\s+", " ", cleaned)
    month: int | None = None
    day: int | None = None
    if match := _NUMERIC.match(cleaned) or _JAPANESE.match(cleaned):
        month, day = int(match.group(1)), int(match.group(2))
    elif match := _MONTH_FIRST.match(cleaned):
        month, day = _MONTHS.get(match.group(1)), int(match.group(2))
    elif match := _DAY_FIRST.match(cleaned):
        month, day = _MONTHS.get(match.group(2)), int(match.group(1))
    if month is None or day is None or not 1 <= month <= 12:
        return None
    # 2000 is a leap year, so 29 February is accepted as the anniversary it is.
    if day < 1 or day > calendar.monthrange(2000, month)[1]:
        return None
    return (month, day)
