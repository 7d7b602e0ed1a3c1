"""The fact model: dated events and people, as validated from ``facts/``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from bot.core.dates import FactDate
from bot.core.i18n import Lang
from bot.core.topics import TOPICS

_JAPANESE_CHARACTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CJK = r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
# YAML folding (`>-`) turns a line break into a space, which Japanese does not use.
_SPACE_BESIDE_JAPANESE = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
GENERATED_ID_PREFIX = "gen-"
# A fact's button runs `fact <id>`, and a button's action must fit a Discord custom_id.
MAX_FACT_ID_LENGTH = 80


def _to_fact_date(value: Any) -> FactDate:
    if isinstance(value, FactDate):
        return value
    if isinstance(value, int):  # an unquoted `date: 1941` reaches us as an int
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date must be written as YYYY-MM-DD, YYYY-MM or YYYY")
    return FactDate.parse(value)


DateField = Annotated[FactDate, BeforeValidator(_to_fact_date)]


_set = object.__setattr__  # past a frozen model's __setattr__, as pydantic itself does


def _restore(
    cls: type[_Strict],
    values: dict[str, Any],
    fields_set: set[str],
    extra: dict[str, Any] | None,
    private: dict[str, Any] | None,
) -> _Strict:
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", extra)
    _set(model, "__pydantic_private__", private)
    return model


class _Strict(BaseModel):
    # defer_build: a start-up served from the corpus cache never validates, so the schemas
    # are built on the first validation (a cache miss, the question bank), not at import.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        arbitrary_types_allowed=True,
        defer_build=True,
    )

    def __reduce__(self) -> tuple[Any, ...]:
        # The corpus cache unpickles every fact at start-up. Pydantic's own pickling builds
        # a state dict per model and restores it through __setstate__; rebuilding from the
        # same four attributes directly unpickles several times faster (a 100x corpus has a
        # quarter of a million models). Validation is not repeated either way.
        return (
            _restore,
            (
                type(self),
                self.__dict__,
                self.__pydantic_fields_set__,
                self.__pydantic_extra__,
                self.__pydantic_private__,
            ),
        )


class Localized(_Strict):
    """A text in both languages the bot speaks."""

    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)

    @field_validator("ja")
    @classmethod
    def _is_japanese(cls, value: str) -> str:
        if not _JAPANESE_CHARACTER.search(value):
            raise ValueError("the ja text has no Japanese in it")
        return _SPACE_BESIDE_JAPANESE.sub("", value)

    def get(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.en if lang == "en" else self.ja


class Source(_Strict):
    """Where a fact can be checked."""

    title: str = Field(min_length=1)
    url: str

    @field_validator("url")
    @classmethod
    def _is_web_address(cls, value: str) -> str:
        if not _URL.match(value):
            raise ValueError(f"'{value}' is not an http(s) address")
        return value


class Person(_Strict):
    """Someone facts refer to by id."""

    id: str = Field(pattern=SLUG_PATTERN)
    name: Localized
    role: Localized


Difficulty = Literal["easy", "medium", "hard"]


class Question(_Strict):
    """A curated multiple-choice question about one fact."""

    id: str = Field(pattern=SLUG_PATTERN)
    fact: str
    difficulty: Difficulty
    topics: tuple[str, ...] = Field(min_length=1)
    question: Localized
    answer: Localized
    wrong: tuple[Localized, Localized, Localized]
    explanation: Localized
    # Curated questions whose prompt or explanation names this one's answer (or the reverse):
    # a game never asks both.
    related: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _not_a_generated_id(cls, value: str) -> str:
        if value.startswith(GENERATED_ID_PREFIX):
            raise ValueError(
                f"ids starting with '{GENERATED_ID_PREFIX}' are kept for generated questions"
            )
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [topic for topic in topics if topic not in TOPICS]
        if unknown:
            raise ValueError(
                f"unknown topic(s) {', '.join(unknown)}; use one of {', '.join(TOPICS)}"
            )
        return topics

    @model_validator(mode="after")
    def _fair(self) -> Question:
        for lang in ("en", "ja"):
            choices = [self.answer.get(lang), *(w.get(lang) for w in self.wrong)]
            folded = [c.casefold().strip() for c in choices]
            if len(set(folded)) != len(folded):
                raise ValueError(f"two choices are the same in {lang}: a question needs four")
            # Very short answers ("5年") occur inside unrelated words ("1945年").
            if len(folded[0]) >= 4 and folded[0] in self.question.get(lang).casefold():
                raise ValueError(f"the {lang} question gives its answer away")
        return self


class Fact(_Strict):
    """One dated event of the alliance's history."""

    id: str = Field(pattern=SLUG_PATTERN, max_length=MAX_FACT_ID_LENGTH)
    date: DateField
    end_date: DateField | None = None
    title: Localized
    text: Localized
    tags: tuple[str, ...] = Field(min_length=1)
    people: tuple[str, ...] = ()
    place: Localized | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    # The date by another convention (see facts/README.md); quiz questions never offer it
    # as a wrong answer, nor ask what the conventions disagree on.
    other_dates: tuple[DateField, ...] = ()

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [tag for tag in tags if tag not in TOPICS]
        if unknown:
            raise ValueError(f"unknown tag(s) {', '.join(unknown)}; use one of {', '.join(TOPICS)}")
        return tags

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Fact:
        if self.end_date is not None and self.end_date.latest < self.date.earliest:
            raise ValueError(f"end_date {self.end_date.iso()} is before date {self.date.iso()}")
        return self

    @model_validator(mode="after")
    def _other_dates_differ(self) -> Fact:
        if self.date in self.other_dates:
            raise ValueError(f"other_dates repeats the fact's own date {self.date.iso()}")
        return self

    def json_record(self) -> dict[str, Any]:
        """The fact as plain data, dates as written in the YAML."""
        return {
            "id": self.id,
            "date": self.date.iso(),
            "end_date": self.end_date.iso() if self.end_date else None,
            "title": {"en": self.title.en, "ja": self.title.ja},
            "text": {"en": self.text.en, "ja": self.text.ja},
            "tags": list(self.tags),
            "people": list(self.people),
            "sources": [{"title": s.title, "url": s.url} for s in self.sources],
        }
