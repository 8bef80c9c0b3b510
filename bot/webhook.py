"""Webhook mode: Telegram posts each update to a small HTTP server of claimbot's own.

python-telegram-bot's webhook server answers an update it cannot read with 400 and logs the
whole update (people's messages) at CRITICAL; Telegram posts an update again after any answer
but a 2xx, so one such update comes back again and again. This server is the "custom webhook"
of python-telegram-bot's documentation (the Application without its updater's server): the same
tornado, the same checks (the secret token, JSON), but each update is read by the bot
(`TolerantBot.read_update`), and one it cannot read is answered 200, logged once by its id and
skipped.

`serve_webhook` runs what `Application.run_webhook` ran around it: the Application started as
`bot.app.running` starts it, the webhook registered, then SIGTERM or SIGINT stop it gracefully
(no new post is taken, the updates received are handled, the persistence written, the
database closed).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.app import ClaimApplication, running
from bot.updates import TolerantBot

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name

Receive = Callable[[object], Awaitable[None]]


class _UpdateHandler(tornado.web.RequestHandler):
    """One posted update: 403 without the right secret or as anything but JSON (nothing is
    read), 400 for a body that is not JSON, else 200, whether the update could be read or not."""

    def initialize(self, receive: Receive, secret: str) -> None:
        self.receive = receive
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        if self.request.headers.get("Content-Type", "").split(";")[0].strip() != (
            "application/json"
        ):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
        except ValueError:
            self.set_status(400)
            return
        await self.receive(data)

    def log_exception(self, *_exc: Any) -> None:
        """tornado's own would log the request, headers (and so the secret) included."""
        log.error("the webhook failed to take an update")


def _no_access_log(_handler: tornado.web.RequestHandler) -> None:
    """One line per post would say nothing the journal needs."""


def webhook_server(receive: Receive, url_path: str, secret: str) -> HTTPServer:
    path = "/" + url_path.strip("/")
    app = tornado.web.Application(
        [(rf"{re.escape(path)}/?", _UpdateHandler, {"receive": receive, "secret": secret})],
        log_function=_no_access_log,
    )
    return HTTPServer(app)


async def serve_webhook(
    application: ClaimApplication,
    *,
    listen: str,
    port: int,
    url_path: str,
    webhook_url: str,
    secret: str,
) -> None:
    bot = application.bot
    if not isinstance(bot, TolerantBot):
        raise TypeError("the application was not built by build_application")

    async def receive(data: object) -> None:
        update = bot.read_update(data)
        if update is not None:
            bot.insert_callback_data(update)
            await application.update_queue.put(update)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = webhook_server(receive, url_path, secret)
    async with running(application):
        server.listen(port, address=listen)
        try:
            await bot.set_webhook(
                url=webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("webhook registered; listening on %s:%d", listen, port)
            await stop.wait()
            log.info("stopping: no new update is taken")
        finally:
            server.stop()
            await server.close_all_connections()
