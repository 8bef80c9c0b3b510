"""Messages outside commands: the answer to the question the bot asked (bot/handlers/questions.py
knows which), else stray input."""

from __future__ import annotations

from telegram import Update

from bot.handlers import questions
from bot.handlers.context import ClaimContext
from bot.handlers.fallback import unknown_input


async def text_message(update: Update, context: ClaimContext) -> None:
    if not await questions.route(update, context):
        await unknown_input(update, context)
