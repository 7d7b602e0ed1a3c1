"""A router with typed parameters, shaped as the core's ``bot.core.params`` API describes
them (``Param``, ``Choice``, ``Command.params/subcommands/private/slow/server_only``,
``router.specs()``, ``router.command_line()``, ``router.complete()``), over the real fact
commands: it drives the generated tree until the core's own lands on main."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.commands import CommandRouter
from bot.core.context import CommandContext
from bot.core.fact_store import FactStore


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict[str, str]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: dict[str, str]
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    autocomplete: str | None = None


@dataclass(frozen=True)
class Spec:
    name: str
    summary: dict[str, str]
    params: tuple[Param, ...] = ()
    subcommands: tuple[Spec, ...] = ()
    private: bool = False
    slow: bool = False
    server_only: bool = False
    admin_only: bool = False


def _d(en: str, ja: str) -> dict[str, str]:
    return {"en": en, "ja": ja}


SPECS = (
    Spec(
        "fact",
        _d("A random fact, or one on a topic or id", "ランダムな出来事（トピックやID指定も可）"),
        (
            Param(
                "topic",
                "string",
                _d("A topic or a fact", "トピックまたは出来事"),
                autocomplete="fact",
            ),
        ),
    ),
    Spec(
        "on",
        _d("The anniversaries of a given day", "指定した日の出来事"),
        (Param("date", "string", _d("A day, e.g. June 22", "日付（例: 6月22日）"), required=True),),
    ),
    Spec(
        "search",
        _d("Search the facts", "出来事を検索"),
        (Param("query", "string", _d("Words to look for", "検索する言葉"), required=True),),
        slow=True,
    ),
    Spec("help", _d("Every command", "コマンド一覧"), private=True, slow=True),
    Spec(
        "quiz",
        _d("Quizzes", "クイズ"),
        subcommands=(
            Spec(
                "start",
                _d("Start a quiz here", "ここでクイズを開始"),
                (
                    Param(
                        "questions", "integer", _d("How many", "問題数"), min_value=1, max_value=20
                    ),
                    Param(
                        "difficulty",
                        "choice",
                        _d("How hard", "難易度"),
                        choices=(
                            Choice("easy", _d("easy", "やさしい")),
                            Choice("hard", _d("hard", "むずかしい")),
                        ),
                    ),
                ),
                server_only=True,
            ),
            Spec("stop", _d("Stop the quiz", "クイズを終了"), server_only=True),
        ),
    ),
)


@dataclass
class TypedRouter:
    """The real router, with the typed-parameter API beside it."""

    router: CommandRouter
    store: FactStore
    completions: list[tuple[list[str], str, str]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.router, name)

    def specs(self) -> Sequence[Spec]:
        return SPECS

    def command_line(self, path: list[str], options: dict[str, Any]) -> str:
        return " ".join([*path, *(str(value) for value in options.values())])

    async def complete(
        self, context: CommandContext, path: list[str], param: str, partial: str
    ) -> list[Choice]:
        self.completions.append((path, param, partial))
        store = self.store
        lang = self.router.language(context)
        return [
            Choice(fact.id, {"en": fact.title.en, "ja": fact.title.ja})
            for fact in store.facts
            if partial.lower() in fact.title.get(lang).lower() or partial in fact.id
        ]
