"""The floor of the Slack command path: a bare slack-bolt ``AsyncApp`` in HTTP mode whose
``/alliance`` listener acks a constant text.

It is built as the bot's adapter builds its app, minus the bot: the same Web API client
(token, base URL from SLACK_BOT_TOKEN and ``--api-url``), signature verification on,
``process_before_response`` off, and served the same way (Bolt's aiohttp app under an
aiohttp ``AppRunner`` without access log). ``python -m bench.bare_slack_app --port N``;
SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

CONSTANT = "A constant answer."
EVENTS_PATH = "/slack/events"


def bare_app(bot_token: str, signing_secret: str, api_url: str) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token=bot_token, base_url=api_url),
        signing_secret=signing_secret,
        process_before_response=False,
    )

    async def answer(ack: AsyncAck) -> None:
        await ack(text=CONSTANT, response_type="in_channel")

    app.command("/alliance")(answer)
    return app


async def serve(port: int, api_url: str) -> None:
    app = bare_app(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_SIGNING_SECRET"], api_url)
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH), handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.api_url))


if __name__ == "__main__":
    main()
