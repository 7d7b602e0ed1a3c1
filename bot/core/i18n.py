"""UI strings in English and Japanese, and the choice of reply language from a locale."""

from __future__ import annotations

from typing import Literal, get_args

from bot.core.rich import RichText, fill

Lang = Literal["en", "ja"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)


def language_of_locale(locale: str | None) -> Lang | None:
    """The reply language of a platform locale (``ja``, ``ja-JP``, ``en-US``...), or None
    for no locale or one in a language the bot does not speak."""
    if locale:
        head = locale.strip().lower().replace("_", "-").split("-", 1)[0]
        for lang in LANGUAGES:
            if head == lang:
                return lang
    return None


def language_for(locale: str | None, default: Lang) -> Lang:
    """Map a platform locale to a reply language, ``default`` when it names none."""
    return language_of_locale(locale) or default


def parse_language(value: str) -> Lang | None:
    """Return the language named by ``value`` (``en``/``ja``), or None."""
    lowered = value.strip().lower()
    for lang in LANGUAGES:
        if lowered == lang:
            return lang
    return None


_STRINGS: dict[str, dict[Lang, str]] = {
    "years_ago": {"en": "{n} years ago", "ja": "{n}年前"},
    "this_year": {"en": "this year", "ja": "今年"},
    "today_title": {
        "en": "On this day — {date}",
        "ja": "今日は何の日 — {date}",
    },
    "daily_none": {
        "en": "No anniversary today — a fact from {when}:",
        "ja": "今日に当たる記念日はありません。{when}の出来事から:",
    },
    "today_none": {
        "en": "Nothing in the alliance's history falls on {date}. "
        "The nearest anniversary is {next_date} ({when}):",
        "ja": "{date}に当たる出来事はありません。いちばん近い記念日は{next_date}（{when}）です。",
    },
    "tomorrow": {"en": "tomorrow", "ja": "明日"},
    "in_days": {"en": "in {n} days", "ja": "{n}日後"},
    "on_title": {"en": "On {date} in alliance history", "ja": "{date}の出来事"},
    "on_none": {
        "en": "Nothing in the alliance's history falls on {date}. "
        "The nearest anniversary after it is {next_date}:",
        "ja": "{date}に当たる出来事はありません。その後でいちばん近いのは{next_date}です。",
    },
    "fact_title": {"en": "{title}", "ja": "{title}"},
    "field_date": {"en": "Date", "ja": "日付"},
    "field_topics": {"en": "Topics", "ja": "トピック"},
    "field_people": {"en": "People", "ja": "人物"},
    "field_place": {"en": "Place", "ja": "場所"},
    "field_id": {"en": "ID", "ja": "ID"},
    "source_line": {"en": "Source: {title} <{url}>", "ja": "出典: {title} <{url}>"},
    "field_sources": {"en": "Sources", "ja": "出典"},
    # Slack: the label before a reply's source links, and the answer to a button whose
    # message has ended (its game, its page, or a button from an older version of the bot).
    "source_label": {"en": "Sources:", "ja": "出典:"},
    "button_ended": {"en": "This has ended.", "ja": "これは終了しました。"},
    "button_another": {"en": "Another fact", "ja": "別の出来事"},
    "button_another_topic": {"en": "Another on {topic}", "ja": "「{topic}」をもう一つ"},
    "search_title": {"en": "Search: {query}", "ja": "検索: {query}"},
    "search_none": {
        "en": "No fact matches “{query}”. Try fewer or different words, "
        "for example `/alliance search lend-lease`.",
        "ja": "「{query}」に一致する出来事はありません。言葉を減らすか変えてみてください"
        "（例: `/alliance search レンドリース`）。",
    },
    "search_more": {
        "en": "Showing {shown} of {total} matches.",
        "ja": "{total}件中{shown}件を表示。",
    },
    "help_title": {"en": "Alliance Bot — commands", "ja": "Alliance Bot — コマンド一覧"},
    "help_intro": {
        "en": "The history of the U.S.–Soviet alliance, 1941–1945, one fact at a time.",
        "ja": "1941〜1945年の米ソ同盟の歴史を、一つずつ紹介します。",
    },
    "help_topics": {"en": "Topics: {topics}", "ja": "トピック: {topics}"},
    "err_title": {"en": "I didn't understand that", "ja": "うまく受け取れませんでした"},
    "err_unknown_command": {
        "en": "There is no command “{name}”. Try `/alliance help` for the list.",
        "ja": "「{name}」というコマンドはありません。`/alliance help` で一覧を表示できます。",
    },
    "err_empty": {
        "en": "Tell me what to do, for example `/alliance today`. `/alliance help` lists everything.",
        "ja": "コマンドを指定してください（例: `/alliance today`）。`/alliance help` で一覧を表示できます。",
    },
    "err_too_long": {
        "en": "That message is too long ({length} characters); keep it under {limit}.",
        "ja": "入力が長すぎます（{length}文字）。{limit}文字以内にしてください。",
    },
    "err_fact_arg": {
        "en": "“{arg}” is neither a topic nor a fact id. Topics: {topics}. "
        "Fact ids are shown by `/alliance search`.",
        "ja": "「{arg}」はトピックでも出来事のIDでもありません。トピック: {topics}。"
        "IDは `/alliance search` で確認できます。",
    },
    "err_date": {
        "en": "“{arg}” is not a date I can read. Use a month and day such as "
        "`06-22`, `June 22` or `22 June`.",
        "ja": "「{arg}」は日付として読めません。`06-22`、`June 22`、`6月22日` のように月と日を指定してください。",
    },
    "err_date_missing": {
        "en": "Which day? For example `/alliance on 06-22` or `/alliance on June 22`.",
        "ja": "日付を指定してください（例: `/alliance on 06-22`、`/alliance on 6月22日`）。",
    },
    "err_search_empty": {
        "en": "What should I search for? For example `/alliance search Yalta`.",
        "ja": "検索する言葉を指定してください（例: `/alliance search ヤルタ`）。",
    },
    "err_extra_args": {
        "en": "`/alliance {name}` takes no arguments; try just `/alliance {name}`.",
        "ja": "`/alliance {name}` に引数は不要です。`/alliance {name}` だけを送ってください。",
    },
    # Typed parameters (bot/core/params.py) and the router's own checks.
    "err_param_integer": {
        "en": "`{name}` is a whole number from {min} to {max}; “{value}” is not one.",
        "ja": "`{name}` には{min}〜{max}の整数を指定してください。「{value}」は使えません。",
    },
    "err_param_integer_from": {
        "en": "`{name}` is a whole number from {min}; “{value}” is not one.",
        "ja": "`{name}` には{min}以上の整数を指定してください。「{value}」は使えません。",
    },
    "err_param_choice": {
        "en": "`{name}` is one of {values}; “{value}” is not one of those.",
        "ja": "`{name}` には {values} のいずれかを指定してください。「{value}」は使えません。",
    },
    "err_param_boolean": {
        "en": "`{name}` is on or off; “{value}” is neither.",
        "ja": "`{name}` には on か off を指定してください。「{value}」は使えません。",
    },
    "err_param_string": {
        "en": "“{value}” is not a value `{name}` accepts.",
        "ja": "「{value}」は `{name}` に指定できません。",
    },
    "cooldown_user": {
        "en": "You are sending commands too quickly; try again in {seconds} s.",
        "ja": "コマンドの送信が速すぎます。{seconds}秒後にもう一度お試しください。",
    },
    "cooldown_channel": {
        "en": "This channel is sending commands too quickly; try again in {seconds} s.",
        "ja": "このチャンネルでのコマンドが多すぎます。{seconds}秒後にもう一度お試しください。",
    },
    "cooldown_quiz": {
        "en": "Quizzes were started here recently; the next one can start in {minutes} min.",
        "ja": "このチャンネルでは最近クイズが開始されました。次のクイズは{minutes}分後に開始できます。",
    },
    "daily_footer": {
        "en": "Daily post · /alliance subscription shows the settings",
        "ja": "毎日の投稿 · 設定は /alliance subscription で確認できます",
    },
    "sub_admin_only": {
        "en": "Only server admins (Manage Server or Manage Channels; on Slack, workspace admins) can change the daily post. Nothing was changed.",
        "ja": "毎日の投稿を設定できるのはサーバー管理者（「サーバー管理」または「チャンネルの管理」権限、Slackではワークスペース管理者）だけです。設定は変更されていません。",
    },
    "sub_bad_time": {
        "en": "“{value}” is not a time. Use 24-hour HH:MM, for example `time 09:00` or `time 18:30`.",
        "ja": "「{value}」は時刻として読めません。`time 09:00` や `time 18:30` のように24時間制のHH:MMで指定してください。",
    },
    "sub_bad_zone": {
        "en": "“{value}” is not a time zone I know. Use an IANA name such as `Europe/London` or `Asia/Tokyo`.{suggestions}",
        "ja": "「{value}」というタイムゾーンはありません。`Europe/London` や `Asia/Tokyo` のようなIANA名で指定してください。{suggestions}",
    },
    "sub_zone_suggestions": {"en": " Did you mean: {names}?", "ja": " 候補: {names}"},
    "sub_bad_language": {
        "en": "“{value}” is not a language I speak. Use `language en` or `language ja`.",
        "ja": "「{value}」には対応していません。`language en` または `language ja` を指定してください。",
    },
    "sub_bad_option": {
        "en": "I don't understand “{value}”. Use `{command} [time HH:MM] [timezone Area/City] [language en|ja] [question on|off]`, e.g. `{command} time 08:30 timezone Asia/Tokyo language ja`.",
        "ja": "「{value}」は解釈できません。`{command} [time HH:MM] [timezone 地域/都市] [language en|ja] [question on|off]` の形で指定してください（例: `{command} time 08:30 timezone Asia/Tokyo language ja`）。",
    },
    "sub_created": {
        "en": "Subscribed #{channel} to the daily post",
        "ja": "#{channel} で毎日の投稿を開始しました",
    },
    "sub_updated": {
        "en": "Updated the daily post of #{channel}",
        "ja": "#{channel} の毎日の投稿の設定を更新しました",
    },
    "sub_removed": {
        "en": "#{channel} will no longer get the daily post.",
        "ja": "#{channel} への毎日の投稿を停止しました。",
    },
    "sub_none": {
        "en": "#{channel} has no daily post. An admin can start one with `{command}`.",
        "ja": "#{channel} では毎日の投稿は設定されていません。管理者は `{command}` で開始できます。",
    },
    "sub_title": {"en": "Daily post in #{channel}", "ja": "#{channel} の毎日の投稿"},
    "sub_field_time": {"en": "Time", "ja": "時刻"},
    "sub_field_language": {"en": "Language", "ja": "言語"},
    "sub_field_question": {"en": "Question of the day", "ja": "今日の問題"},
    "switch_on": {"en": "on", "ja": "あり"},
    "switch_off": {"en": "off", "ja": "なし"},
    "sub_field_next": {"en": "Next post", "ja": "次回の投稿"},
    "sub_field_last": {"en": "Last delivery", "ja": "前回の配信"},
    "sub_field_problem": {"en": "Problem", "ja": "問題"},
    "sub_paused": {
        "en": "Paused: {reason}. An admin can resume it with `{command}`.",
        "ja": "停止中: {reason}。管理者が `{command}` を実行すると再開します。",
    },
    "sub_never": {"en": "none yet", "ja": "まだありません"},
    "delivery_sent": {"en": "sent", "ja": "送信済み"},
    "delivery_claimed": {"en": "sending", "ja": "送信中"},
    "delivery_retry": {"en": "retrying", "ja": "再試行中"},
    "delivery_failed": {"en": "failed", "ja": "失敗"},
    "delivery_skipped": {
        "en": "skipped (too late after downtime)",
        "ja": "スキップ（停止時間が長すぎたため）",
    },
    "problem_channel_gone": {
        "en": "the channel no longer exists, or the bot cannot see it",
        "ja": "チャンネルが存在しないか、ボットから見えません",
    },
    "problem_no_access": {
        "en": "the bot is not allowed to post in this channel",
        "ja": "ボットにこのチャンネルへの投稿権限がありません",
    },
    "problem_auth_failed": {
        "en": "the platform no longer accepts the bot's credentials",
        "ja": "プラットフォームがボットの認証情報を受け付けません",
    },
    "problem_rate_limited": {
        "en": "the platform asked the bot to slow down; it will try again",
        "ja": "プラットフォームの送信制限に達しました。あとで再試行します",
    },
    "problem_platform_error": {
        "en": "the platform had a temporary problem",
        "ja": "プラットフォーム側で一時的な問題が発生しました",
    },
    "problem_timeout": {
        "en": "the platform did not answer in time",
        "ja": "プラットフォームが時間内に応答しませんでした",
    },
    "problem_not_subscribed": {
        "en": "the channel was unsubscribed before the post went out",
        "ja": "投稿の前に購読が解除されました",
    },
    "problem_expired": {
        "en": "the post could not be sent within the grace window",
        "ja": "猶予時間内に投稿できませんでした",
    },
    "problem_bad_settings": {
        "en": "the subscription's time zone or time cannot be used here; subscribe again",
        "ja": "購読のタイムゾーンまたは時刻が使えません。もう一度購読してください",
    },
    "problem_unknown": {
        "en": "the post could not be delivered",
        "ja": "投稿を配信できませんでした",
    },
    "quiz_question_title": {"en": "Question {n}/{total}", "ja": "第{n}問（全{total}問）"},
    "quiz_question_footer": {
        "en": "{seconds} s to answer · press a button or type A–D, 1–4 or the answer · one answer each",
        "ja": "制限時間{seconds}秒 · ボタンを押すか、A〜D・1〜4・答えを入力 · 回答は一人一回",
    },
    "quiz_started": {
        "en": "{user} started a {count}-question quiz{topic}. Right answers score 500–1000 points: the faster, the more.",
        "ja": "{user}さんが全{count}問のクイズを始めました{topic}。正解は500〜1000点、早く答えるほど高得点です。",
    },
    "quiz_topic_suffix": {"en": " on {topic}", "ja": "（トピック: {topic}）"},
    "quiz_reveal_title": {"en": "Answer: {answer}", "ja": "正解: {answer}"},
    "quiz_right": {"en": "Got it right", "ja": "正解した人"},
    "quiz_nobody": {"en": "Nobody this time.", "ja": "今回は正解者なし。"},
    "quiz_answers_count": {"en": "{n} answer(s)", "ja": "回答{n}件"},
    "quiz_over_title": {"en": "Quiz over — scoreboard", "ja": "クイズ終了 — 結果"},
    "quiz_over_empty": {
        "en": "Nobody answered; no points this time.",
        "ja": "回答はありませんでした。",
    },
    "quiz_scoreline": {
        "en": "{points} points · {correct}/{total} right",
        "ja": "{points}点 · {total}問中{correct}問正解",
    },
    "quiz_quiet": {
        "en": "The channel has gone quiet for {n} questions, so the quiz ends here.",
        "ja": "{n}問続けて回答がなかったため、クイズを終了します。",
    },
    "quiz_stopped_by": {
        "en": "{user} stopped the quiz.",
        "ja": "{user}さんがクイズを終了しました。",
    },
    "quiz_interrupted": {
        "en": "The quiz in this channel was interrupted by a restart of the bot. The {n} answer(s) given so far count. Start a new one with `/alliance quiz start`.",
        "ja": "ボットの再起動によりこのチャンネルのクイズは中断されました。それまでの回答{n}件は記録されています。`/alliance quiz start` で新しいクイズを始められます。",
    },
    "quiz_already_running": {
        "en": "A quiz is already running in this channel. Answer along, or ask its starter or an admin to `/alliance quiz stop` it.",
        "ja": "このチャンネルではすでにクイズが進行中です。参加するか、開始した人か管理者に `/alliance quiz stop` で終了してもらってください。",
    },
    "quiz_question_closed": {
        "en": "Closed · the answer: {answer}",
        "ja": "締め切りました · 正解: {answer}",
    },
    "quiz_start_posted": {
        "en": "Your quiz is on: question 1 is in the channel.",
        "ja": "クイズを始めました。第1問をチャンネルに出しました。",
    },
    "quiz_start_posted_thread": {
        "en": "Your quiz is on: question 1 is in the thread.",
        "ja": "クイズを始めました。第1問をスレッドに出しました。",
    },
    "quiz_start_failed": {
        "en": "The quiz could not post its first question in this channel, so it did not start. Check the bot may post here, then try again.",
        "ja": "このチャンネルに第1問を投稿できなかったため、クイズは始まりませんでした。ボットがここに投稿できるか確かめてから、もう一度お試しください。",
    },
    "quiz_shutting_down": {
        "en": "The bot is restarting right now, so no quiz can start. Try again in a minute.",
        "ja": "ボットは再起動中のため、クイズを始められません。少ししてからもう一度お試しください。",
    },
    "quiz_none_running": {
        "en": "No quiz is running in this channel.",
        "ja": "このチャンネルで進行中のクイズはありません。",
    },
    "quiz_not_yours": {
        "en": "Only the person who started the quiz, or an admin, can stop it.",
        "ja": "クイズを終了できるのは、開始した人か管理者だけです。",
    },
    "quiz_no_questions": {
        "en": "I have no questions for that choice. Try another topic or difficulty.",
        "ja": "その条件に合う問題がありません。別のトピックや難易度を試してください。",
    },
    "quiz_bad_args": {
        "en": "Use `/alliance quiz start [questions N] [topic] [difficulty]` — N from 1 to {max}, a topic ({topics}), and easy, medium or hard. “{value}” is not one of those.",
        "ja": "`/alliance quiz start [questions N] [トピック] [難易度]` の形で指定してください（Nは1〜{max}、トピックは {topics}、難易度は easy・medium・hard）。「{value}」は使えません。",
    },
    "quiz_usage": {
        "en": "Use `/alliance quiz start [questions N] [topic] [difficulty]` or `/alliance quiz stop`.",
        "ja": "`/alliance quiz start [questions N] [トピック] [難易度]` または `/alliance quiz stop` を使ってください。",
    },
    "quiz_recorded": {
        "en": "Your answer {choice} is in.",
        "ja": "回答 {choice} を受け付けました。",
    },
    "quiz_already_answered": {
        "en": "You have already answered this question; only your first answer counts.",
        "ja": "この問題にはすでに回答済みです。最初の回答だけが有効です。",
    },
    "quiz_closed": {"en": "That question has closed.", "ja": "この問題の回答は締め切られました。"},
    "leaderboard_title": {
        "en": "Leaderboard — page {page}/{pages}",
        "ja": "ランキング — {page}/{pages}ページ",
    },
    "leaderboard_empty": {
        "en": "Nobody here has played yet. Start with `/alliance quiz start`.",
        "ja": "まだ誰もプレイしていません。`/alliance quiz start` で始めましょう。",
    },
    "leaderboard_line": {
        "en": "{points} points · {games} game(s) · {accuracy}% right",
        "ja": "{points}点 · {games}ゲーム · 正答率{accuracy}%",
    },
    "leaderboard_bad_page": {
        "en": "“{value}” is not a page number; use `/alliance leaderboard 2`.",
        "ja": "「{value}」はページ番号ではありません。`/alliance leaderboard 2` のように指定してください。",
    },
    "stats_title": {"en": "Quiz stats — {user}", "ja": "クイズの成績 — {user}"},
    "stats_none": {
        "en": "{user} has no quiz results here yet.",
        "ja": "{user}さんの記録はまだありません。",
    },
    "stats_points": {"en": "Total score", "ja": "合計得点"},
    "stats_games": {"en": "Games played", "ja": "参加ゲーム数"},
    "stats_accuracy": {"en": "Accuracy", "ja": "正答率"},
    "stats_best_topic": {"en": "Best topic", "ja": "得意なトピック"},
    "stats_streak": {"en": "Daily streak", "ja": "デイリー連続回答"},
    "stats_streak_value": {
        "en": "{current} now · best {best}",
        "ja": "現在{current}日 · 最高{best}日",
    },
    "forget_confirm": {
        "en": "This deletes all your quiz scores, answers and daily streak in this server. It cannot be undone. Press the button to confirm.",
        "ja": "このサーバーでのあなたのクイズの得点・回答・連続記録をすべて削除します。元に戻せません。よろしければボタンを押してください。",
    },
    "forget_button": {"en": "Delete my quiz data", "ja": "クイズのデータを削除"},
    "forget_done": {"en": "Done: {n} record(s) deleted.", "ja": "{n}件の記録を削除しました。"},
    "daily_question_field": {"en": "Question of the day", "ja": "今日の問題"},
    "daily_right": {
        "en": "Right! {answer}. Daily streak: {streak}.",
        "ja": "正解！ {answer}。連続回答: {streak}日。",
    },
    "daily_wrong": {
        "en": "Not quite: the answer is {answer}. Daily streak: {streak}.",
        "ja": "残念、正解は {answer} です。連続回答: {streak}日。",
    },
    "daily_already": {
        "en": "You have already answered today's question.",
        "ja": "今日の問題にはすでに回答しています。",
    },
    "err_server_only": {
        "en": "`{command}` works only in a server channel, not in a direct message: what it uses belongs to a server. In a DM you can use fact, today, on, search, help and settings.",
        "ja": "`{command}` はサーバーのチャンネルでのみ使えます（ダイレクトメッセージでは使えません）。サーバーごとのデータを使うためです。DMでは fact・today・on・search・help・settings が使えます。",
    },
    "err_bot_not_here": {
        "en": "`{command}` needs the bot to post in this channel, and it is not in this server (you are using it as your own app). Ask a server admin to add the bot to this server to use `{command}` here.",
        "ja": "`{command}` はボットがこのチャンネルに投稿する必要がありますが、ボットはこのサーバーに追加されていません（あなた個人のアプリとして使っています）。ここで `{command}` を使うには、サーバーの管理者にボットをこのサーバーへ追加してもらってください。",
    },
    "settings_title": {"en": "Your settings", "ja": "あなたの設定"},
    "settings_saved": {"en": "Your settings are saved", "ja": "あなたの設定を保存しました"},
    "settings_where_server": {
        "en": "They follow you in every channel and thread of this server. `auto` means your platform's language, then the server's; for the time zone, the channel's daily post, then the server's.",
        "ja": "このサーバーのすべてのチャンネルとスレッドで使われます。auto にすると、言語はプラットフォームの言語、次にサーバーの設定に従い、タイムゾーンはチャンネルの毎日の投稿、次にサーバーの設定に従います。",
    },
    "settings_where_dm": {
        "en": "Set in a DM, they apply here and in every server where you have not set your own.",
        "ja": "DMで設定した内容は、DMと、個別に設定していないすべてのサーバーで使われます。",
    },
    "settings_usage": {
        "en": "/alliance settings [language en|ja|auto] [timezone Area/City|auto]",
        "ja": "/alliance settings [language en|ja|auto] [timezone 地域/都市|auto]",
    },
    "settings_field_language": {"en": "Language", "ja": "言語"},
    "settings_field_timezone": {"en": "Time zone", "ja": "タイムゾーン"},
    "settings_field_quiz_length": {"en": "Quiz length", "ja": "クイズの問題数"},
    "settings_yours": {"en": "{value} (your setting)", "ja": "{value}（あなたの設定）"},
    "settings_auto": {"en": "auto (now {value})", "ja": "自動（現在は {value}）"},
    "settings_missing_value": {
        "en": "“{option}” needs a value. Use `{usage}`.",
        "ja": "「{option}」の値がありません。`{usage}` の形で指定してください。",
    },
    "settings_bad_option": {
        "en": "I don't understand “{value}”. Use `{usage}`.",
        "ja": "「{value}」は解釈できません。`{usage}` の形で指定してください。",
    },
    "settings_bad_language": {
        "en": "“{value}” is not a language I speak. Use `en`, `ja` or `auto`.",
        "ja": "「{value}」には対応していません。`en`・`ja`・`auto` のいずれかを指定してください。",
    },
    "settings_bad_zone": {
        "en": "“{value}” is not a time zone I know: use an IANA name like Asia/Tokyo (or `auto`).{suggestions}",
        "ja": "「{value}」というタイムゾーンはありません。Asia/Tokyo のようなIANA名（または `auto`）を指定してください。{suggestions}",
    },
    "settings_bad_length": {
        "en": "“{value}” is not a quiz length: give a whole number from 1 to {max} (or `auto`).",
        "ja": "「{value}」は問題数として使えません。1から{max}までの整数（または `auto`）を指定してください。",
    },
    "server_settings_admin_only": {
        "en": "Only server admins (Manage Server or Manage Channels; on Slack, workspace admins) can see and change the server's settings. Your own are in `/alliance settings`.",
        "ja": "サーバーの設定を表示・変更できるのはサーバー管理者（「サーバー管理」または「チャンネルの管理」権限、Slackではワークスペース管理者）だけです。自分の設定は `/alliance settings` で変更できます。",
    },
    "server_settings_title": {"en": "This server's settings", "ja": "このサーバーの設定"},
    "server_settings_saved": {"en": "Server settings saved", "ja": "サーバーの設定を保存しました"},
    "server_settings_order": {
        "en": "Defaults for everyone here. A member's own settings and their platform's language come first; for `today`, a channel's daily-post time zone comes before the server's.",
        "ja": "このサーバーの全員に適用される既定値です。各メンバー自身の設定とプラットフォームの言語が優先され、today ではチャンネルの毎日の投稿のタイムゾーンがサーバーの設定より優先されます。",
    },
    "server_settings_usage": {
        "en": "{command} [language en|ja|auto] [timezone Area/City|auto] [quiz-length N|auto]",
        "ja": "{command} [language en|ja|auto] [timezone 地域/都市|auto] [quiz-length 問題数|auto]",
    },
    "server_settings_unset": {"en": "not set (default: {value})", "ja": "未設定（既定: {value}）"},
    "sub_not_in_thread": {
        "en": "Daily posts go to a channel, not a thread: use this command in the thread's channel.",
        "ja": "毎日の投稿はスレッドではなくチャンネルに届きます。スレッドのあるチャンネルでこのコマンドを使ってください。",
    },
    "err_internal_title": {"en": "Something went wrong", "ja": "エラーが発生しました"},
    "err_internal": {
        "en": "Something went wrong on my side; the team has been told. Please try again.",
        "ja": "内部でエラーが発生しました。お手数ですがもう一度お試しください。",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    """Return the UI string ``key`` in ``lang`` with ``values`` filled in.

    Values are the bot's own (numbers, its own words); a :class:`bot.core.rich.Text` value
    raises ``TypeError`` here: user text goes through :func:`t_rich`.
    """
    return _STRINGS[key][lang].format(**values)


def t_rich(key: str, lang: Lang, **values: object) -> RichText:
    """:func:`t` for a string that embeds user text: pass it as
    :func:`bot.core.rich.user_text`, and the result keeps it apart from the bot's markup."""
    return fill(_STRINGS[key][lang], **values)


def describe_problem(code: str | None, lang: Lang) -> str:
    """A stored delivery problem code in words; codes this version does not know (or the
    raw error text older versions stored) read as the generic problem."""
    key = f"problem_{code}"
    return t(key if key in _STRINGS else "problem_unknown", lang)


def all_strings() -> dict[str, dict[Lang, str]]:
    """Every UI string, for tests that check both languages are present."""
    return {key: dict(value) for key, value in _STRINGS.items()}
