"""How quiz moments look as neutral replies (questions with buttons, reveals, scoreboards)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.i18n import Lang, t
from bot.core.quiz.game import Player, QuizGame, Reveal
from bot.core.quiz.question import CHOICE_LETTERS
from bot.core.replies import Button, Field, Reply, shorten
from bot.core.rich import RichText, fill, join, user_text

BUTTON_LABEL_LIMIT = 70
MEDALS = ("🥇", "🥈", "🥉")


def answer_action(game_id: int, index: int, choice: int) -> str:
    """The command a choice button runs."""
    return f"quiz answer {game_id} {index} {choice}"


def question_reply(game: QuizGame, index: int, seconds: float, intro: RichText = "") -> Reply:
    """Question ``index`` of ``game`` with its answer buttons."""
    lang = game.language
    return Reply(
        title=t("quiz_question_title", lang, n=index + 1, total=len(game.questions)),
        body=_question_body(game, index, intro, mark_answer=False),
        buttons=_answer_buttons(game, index),
        footer=t("quiz_question_footer", lang, seconds=round(seconds)),
    )


def closed_question_reply(game: QuizGame, index: int) -> Reply:
    """Question ``index`` as its message reads once closed: the answer marked in the text,
    and its buttons kept on view but disabled, the right one marked."""
    lang = game.language
    question = game.questions[index]
    buttons = tuple(
        replace(
            button,
            style="success" if i == question.correct else "secondary",
            disabled=True,
            marked=i == question.correct,
        )
        for i, button in enumerate(_answer_buttons(game, index))
    )
    return Reply(
        title=t("quiz_question_title", lang, n=index + 1, total=len(game.questions)),
        body=_question_body(game, index, "", mark_answer=True),
        buttons=buttons,
        footer=t("quiz_question_closed", lang, answer=question.answer_text(lang)),
    )


def _answer_buttons(game: QuizGame, index: int) -> tuple[Button, ...]:
    lang = game.language
    return tuple(
        Button(
            shorten(f"{CHOICE_LETTERS[i]}. {choice.get(lang)}", BUTTON_LABEL_LIMIT),
            answer_action(game.game_id, index, i),
            "primary",
        )
        for i, choice in enumerate(game.questions[index].choices)
    )


def _question_body(game: QuizGame, index: int, intro: RichText, mark_answer: bool) -> RichText:
    lang = game.language
    question = game.questions[index]
    lines = [
        f"**{CHOICE_LETTERS[i]}.** {choice.get(lang)}"
        + (" ✅" if mark_answer and i == question.correct else "")
        for i, choice in enumerate(question.choices)
    ]
    body = "\n".join([question.prompt.get(lang), "", *lines])
    # The intro names the starter: user text, kept apart from the question's markup.
    return join("\n", [intro, "", body]) if intro else body


def reveal_reply(reveal: Reveal, lang: Lang) -> Reply:
    question = reveal.question
    winners = sorted(reveal.winners, key=lambda a: -a.points)
    right = (
        join(
            ", ",
            [
                fill("{name} (+{points})", name=user_text(a.user_name), points=a.points)
                for a in winners
            ],
        )
        if winners
        else t("quiz_nobody", lang)
    )
    return Reply(
        title=t("quiz_reveal_title", lang, answer=question.answer_text(lang)),
        body=question.explanation.get(lang),
        fields=(Field(t("quiz_right", lang), right),),
        sources=question.sources,
        footer=t("quiz_answers_count", lang, n=len(reveal.answers)),
        lang=lang,
    )


def scoreboard_reply(players: list[Player], total: int, lang: Lang, note: RichText = "") -> Reply:
    if not players:
        return Reply(title=t("quiz_over_title", lang), body=note or t("quiz_over_empty", lang))
    fields = tuple(
        Field(
            fill(
                "{medal} {name}",
                medal=MEDALS[rank] if rank < len(MEDALS) else f"{rank + 1}.",
                name=user_text(player.name),
            ),
            t("quiz_scoreline", lang, points=player.points, correct=player.correct, total=total),
        )
        for rank, player in enumerate(players[:10])
    )
    return Reply(title=t("quiz_over_title", lang), body=note, fields=fields)
