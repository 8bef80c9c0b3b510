"""`make bench`: claimbot's cost per update against bare python-telegram-bot, in one run.

Both run on the same offline Bot API in the same process:
- baseline: a bare Application with one echo handler, fed N text messages;
- claimbot: AGENTS agents each taking one claim through the /new intake and on into the journey
  with review on (17 updates per claim: /new, order id, marketplace, fulfilment, reason and
  language buttons, open; submit the first message, a team lead approves it, mark it sent;
  "buyer replied", the reply, the cause, the replacement draft; submit, approve, mark sent),
  interleaved, on a real SQLite file. Five leads each receive every review card, and every
  approval updates all five copies, as in a real team;
- drafting: every draft kind rendered warm in every language with a catalog, and the
  compliance lint run over those drafts;
- scale: /due and /stats over a database of a million claims (bench/scale.py).
Prints a table, then one `name=value` line per figure. Ratios, not absolute times, are the
figures to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scale import scale
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, running, services_of
from bot.domain.compliance import lint
from bot.domain.people import Role
from bot.drafting.renderer import Renderer
from bot.i18n.catalogs import Catalogs
from bot.settings import Settings, StoreProfile
from bot.transport import OFFLINE_TOKEN, OfflineBotApi, UpdateFactory


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.effective_message is not None:
        await update.effective_chat.send_message(update.effective_message.text or "?")


async def baseline(n: int) -> list[float]:
    api = OfflineBotApi()
    app = ApplicationBuilder().token(OFFLINE_TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    factory = UpdateFactory()
    timings: list[float] = []
    async with app:
        for i in range(n):
            data = factory.message(factory.user(10_000 + i % 200), f"hello {i}")
            start = time.perf_counter()
            await app.process_update(Update.de_json(data, app.bot))
            timings.append(time.perf_counter() - start)
    return timings


LEADS = 5


async def claimbot(agents: int, folder: Path) -> tuple[list[float], int]:
    """`agents` agents take a claim each through intake and the journey, with review on:
    every draft is submitted, approved by one of LEADS team leads (each lead receives every
    review card, as in a real team), then marked as sent."""
    admin = 19_000
    team = sorted(range(20_000, 20_000 + agents))
    leads = list(range(19_001, 19_001 + LEADS))
    settings = Settings(
        db_path=folder / "bench.sqlite3",
        admins=frozenset({admin}),
        store=StoreProfile(name="Acme Home"),
    )
    api = OfflineBotApi()
    app = build_application(settings, api, persistence_interval=3600)
    factory = UpdateFactory()
    timings: list[float] = []

    def button(chat_id: int, pattern: str) -> tuple[dict[str, Any], str]:
        """The newest message with a button whose data matches `pattern`, and that data."""
        wanted = re.compile(pattern)
        for call in reversed(api.calls):
            if call.method == "sendMessage" and call.result["chat"]["id"] == chat_id:
                current = api.message(chat_id, call.result["message_id"])
                for row in (current or {}).get("reply_markup", {}).get("inline_keyboard", []):
                    for item in row:
                        if wanted.fullmatch(item["callback_data"]):
                            return current or {}, item["callback_data"]
        raise RuntimeError(f"no button {pattern}")

    async def step(agent: int, kind: str, value: str) -> None:
        if kind == "approve":  # the agent's draft is approved by one of the leads
            agent = leads[agent % LEADS]
        user = factory.user(agent)
        if kind == "text":
            data = factory.message(user, value)
        else:
            message, pressed = button(agent, value)
            data = factory.callback(user, message, pressed)
        start = time.perf_counter()
        await app.process_update(Update.de_json(data, app.bot))
        timings.append(time.perf_counter() - start)

    script = [
        ("text", "/new"),
        ("text", "ORDER"),
        ("button", "mp:DE"),
        ("button", "ff:fbm"),
        ("button", "rs:defective"),
        ("button", "lang:de"),
        ("button", "dt:open"),
        # The journey: the first message reviewed and sent, the buyer answers, a replacement
        # is offered, reviewed and sent.
        ("button", r"c:\d+:\d+:submit:\d+"),
        ("approve", r"r:\d+:ok"),
        ("button", r"c:\d+:\d+:sent:\d+"),
        ("button", r"c:\d+:\d+:reply"),
        ("text", "Das Gerät schaltet sich nach einer Minute aus."),
        ("button", r"c:\d+:\d+:cause:defective"),
        ("button", r"c:\d+:\d+:draft:replacement"),
        ("button", r"c:\d+:\d+:submit:\d+"),
        ("approve", r"r:\d+:ok"),
        ("button", r"c:\d+:\d+:sent:\d+"),
    ]
    async with running(app):
        services = services_of(app)
        boss = await services.storage.users.get(admin)
        if boss is None:
            raise RuntimeError("the admin was not bootstrapped")
        for lead in leads:
            await services.people.add(boss, lead, Role.LEAD)
        for agent in team:
            await services.people.add(boss, agent, Role.AGENT)
        for kind, value in script:  # interleaved: every agent does step k before step k+1
            for offset, agent in enumerate(team):
                text = (
                    f"{300 + offset % 600:03d}-{offset:07d}-1234567" if value == "ORDER" else value
                )
                await step(agent, kind, text)
        claims = await services.storage.claims.count()
        sent = await services.storage.db.fetchone(
            "SELECT COUNT(*) FROM drafts WHERE sent_at IS NOT NULL"
        )
        if sent is None or int(sent[0]) != 2 * agents:
            raise RuntimeError(f"the journeys did not complete: {sent and sent[0]} drafts sent")
    return timings, claims


# Facts for the drafting figures: enough for every kind to render without placeholders.
FACTS = {
    "order_id": "303-1234567-7654321",
    "buyer_name": "Anna Schmidt",
    "product": "Wasserkocher",
    "reason": "defective",
    "store_name": "Acme Home",
    "gift": "zwei Ersatzfilter",
    "usage_steps": "1. Deckel abnehmen.",
    "fulfillment": "fbm",
}


def render_rate(seconds: float) -> tuple[float, int]:
    """Renders per second over every kind in every language, warm."""
    renderer = Renderer(Catalogs())
    languages = renderer.languages()
    cases = [(kind, language) for kind in renderer.kinds() for language in languages]
    for kind, language in cases:  # warm: templates compiled, catalogs loaded
        renderer.render(kind, FACTS, language)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for kind, language in cases:
            renderer.render(kind, FACTS, language)
            count += 1
    return count / (time.perf_counter() - start), len(languages)


def lint_rate(seconds: float) -> float:
    """Lints per second over every kind in every language, warm."""
    renderer = Renderer(Catalogs())
    facts = FACTS
    texts = [
        (renderer.render(kind, facts, language).body, language)
        for kind in renderer.kinds()
        for language in renderer.languages()
    ]
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text, language in texts:
            lint(text, language=language, order_id="303-1234567-7654321")
            count += 1
    return count / (time.perf_counter() - start)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main_async(
    agents: int, seconds: float = 1.0, claims: int = 1_000_000
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        claim_times, opened = await claimbot(agents, Path(folder))
    if opened != agents:
        raise SystemExit(f"bench: expected {agents} claims, got {opened}")
    base_times = await baseline(len(claim_times))
    base_per = statistics.fmean(base_times)
    claim_per = statistics.fmean(claim_times)
    rate, _languages = render_rate(seconds)
    lints = lint_rate(seconds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the 1M database
    with tempfile.TemporaryDirectory() as folder:
        million = await scale(Path(folder), claims) if claims else {}
    return {
        "baseline_updates_per_s": 1 / base_per,
        "claimbot_updates_per_s": 1 / claim_per,
        "overhead_ratio": claim_per / base_per,
        "p50_ms": pct(claim_times, 0.50) * 1000,
        "p99_ms": pct(claim_times, 0.99) * 1000,
        "render_per_s": rate,
        "lint_per_s": lints,
        "peak_rss_mb": rss,
        "updates": float(len(claim_times)),
        **million,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--agents", type=int, default=int(os.environ.get("BENCH_AGENTS", "200")))
    parser.add_argument("--seconds", type=float, default=1.0, help="per throughput figure")
    parser.add_argument(
        "--claims", type=int, default=1_000_000, help="the database for due_ms_1m and stats_ms_1m"
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    figures = asyncio.run(main_async(args.agents, args.seconds, args.claims))
    print(f"{'figure':<26}{'value':>14}")
    for name, value in figures.items():
        print(f"{name:<26}{value:>14.2f}")
    for name, value in figures.items():
        print(f"{name}={value:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
