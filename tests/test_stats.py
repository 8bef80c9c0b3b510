"""/stats, the weekly chart and the exports, checked against a fixture computed by hand."""

from __future__ import annotations

import asyncio
import csv
import io
import struct
import zlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from bot.cli import main
from bot.domain.claims import ClaimChange, ClaimFacts, Fulfillment, Outcome, Reason, Stage
from bot.domain.stats import Period, PeriodError, mondays, parse_period
from bot.settings import Settings
from bot.storage import Storage, rollup
from bot.views.chart import PALETTE
from tests.helpers import AGENT, LEAD, START, Chat, alerts, team, texts

H = timedelta(hours=1)


async def add_claim(
    storage: Storage,
    number: int,
    *,
    days_ago: int,
    market: str = "DE",
    fulfillment: Fulfillment = Fulfillment.FBM,
    reason: Reason = Reason.DEFECTIVE,
    agent: int = AGENT,
    outcome: Outcome | None = None,
    contact_after: float | None = None,
    closed_after: float | None = None,
    product: str | None = None,
    carrier: str | None = None,
) -> None:
    notified = START - timedelta(days=days_ago)
    facts = ClaimFacts(
        f"303-{number:07d}-1234567",
        market,
        fulfillment,
        reason,
        "de",
        notified,
        product=product,
        carrier=carrier,
    )
    async with storage.db.transaction() as tx:
        claim = await storage.claims.insert(
            tx, facts, agent_id=agent, stage=Stage.NEW, respond_by=notified + 72 * H, now=notified
        )
        change = ClaimChange()
        if contact_after is not None:
            change = replace(change, contacted_at=notified + contact_after * H)
        if outcome is not None:
            change = replace(change, outcome=outcome, closed_at=notified + (closed_after or 48) * H)
        if change.assigned():
            await storage.claims.update(tx, claim, notified, change)


async def fixture(chat: Chat) -> None:
    """Five claims in the last 60 days and one before; the numbers below are by hand."""
    await team(chat)
    storage = chat.services.storage
    await add_claim(
        storage,
        1,
        days_ago=50,
        outcome=Outcome.WITHDRAWN,
        contact_after=2,
        product="Kettle",
        carrier="DHL",
    )
    await add_claim(
        storage,
        2,
        days_ago=40,
        reason=Reason.NOT_RECEIVED,
        outcome=Outcome.DENIED,
        contact_after=4,
        closed_after=80,
        product="kettle ",
        carrier="DHL",
    )  # late
    await add_claim(
        storage,
        3,
        days_ago=20,
        market="FR",
        fulfillment=Fulfillment.FBA,
        agent=LEAD,
        outcome=Outcome.GRANTED_SELLER_FUNDED,
        contact_after=10,
        product="Toaster",
        carrier="UPS",
    )
    await add_claim(storage, 4, days_ago=5, market="UK", reason=Reason.LATE_DELIVERY)  # overdue
    await add_claim(storage, 5, days_ago=1, outcome=Outcome.CLOSED_BY_REFUND, contact_after=6)
    await add_claim(storage, 6, days_ago=70, outcome=Outcome.WITHDRAWN)  # before the period


@pytest.fixture
def with_orders(settings: Settings) -> Settings:
    return replace(settings, orders_60d=400)


async def test_stats_match_the_hand_computed_fixture(bot: Any, with_orders: Settings) -> None:
    async with bot(settings_=with_orders) as chat:
        await fixture(chat)
        report = await chat.services.stats.compute(parse_period("", START.date()))
        assert report.total == 5
        assert dict(report.by_outcome) == {
            "withdrawn": 1,
            "denied": 1,
            "granted_seller_funded": 1,
            "closed_by_refund": 1,
            "open": 1,
        }
        assert report.closed == 4
        assert str(report.withdrawal_rate) == "0.25"
        assert str(report.odr_safe_rate) == "0.5"
        assert report.counted_in_odr == 2
        assert str(report.odr_estimate) == "0.005"  # 2 of 400 orders in 60 days
        assert report.missed == 2  # closed after its deadline, and open past it
        assert report.median_contact_hours == pytest.approx(5.0)  # 2, 4, 6, 10 hours
        assert report.top_products == [("Kettle", 2), ("Toaster", 1)]
        assert report.top_carriers == [("DHL", 2), ("UPS", 1)]
        assert dict(report.by_marketplace) == {"DE": 3, "FR": 1, "UK": 1}
        assert dict(report.by_agent) == {AGENT: 4, LEAD: 1}
        assert dict(report.by_reason) == {"defective": 3, "not_received": 1, "late_delivery": 1}

        (text,) = texts(await chat.send("/stats", LEAD))
        lines = text.splitlines()
        assert lines[0] == "Claims noticed from Sep 4, 2026 to Nov 2, 2026 (60 days): 5"
        assert "Withdrawal rate: 25.0% · ODR-safe rate (withdrawn or denied): 50.0%" in lines
        assert "Deadlines missed: 2" in lines
        assert "Median time from the notice to the first message to the buyer: 5 h" in lines
        assert "Counted in the ODR: 2 claims, about 0.5% of the orders" in lines
        assert "By agent: Anna 4 · Lead 50 1" in lines
        assert "Products with the most claims: Kettle 2 · Toaster 1" in lines
        # A shorter period: the last 30 days hold claims 3, 4 and 5.
        (text,) = texts(await chat.send("/stats 30", LEAD))
        assert text.startswith("Claims noticed from Oct 4, 2026 to Nov 2, 2026 (30 days): 3")


def test_periods() -> None:
    today = date(2026, 11, 2)
    assert parse_period("", today) == Period(date(2026, 9, 4), today)
    assert parse_period("7", today) == Period(date(2026, 10, 27), today)
    assert parse_period("2026-09-01 2026-09-30", today).days == 30
    for bad in ("0", "abc", "2026-10-01", "2026-10-02 2026-10-01", "1 2 3", "99999"):
        with pytest.raises(PeriodError):
            parse_period(bad, today)


async def test_export_parses_back_to_the_claims(bot: Any, settings: Settings) -> None:
    async with bot() as chat:
        await fixture(chat)
        calls = await chat.send("/export", LEAD)
        (document,) = [c for c in calls if c.method == "sendDocument"]
        name, data = document.files["document"]
        assert name == "claims-2026-09-04-2026-11-02.csv"
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert [int(r["claim_id"]) for r in rows] == [1, 2, 3, 4, 5]
        for row in rows:
            claim = await chat.services.storage.claims.get(int(row["claim_id"]))
            assert claim is not None
            assert row["order_id"] == claim.facts.order_id
            assert row["marketplace"] == claim.facts.marketplace
            assert row["outcome"] == (claim.outcome.value if claim.outcome else "")
            assert row["notified_at"] == claim.facts.notified_at.isoformat()
            assert row["respond_by"] == claim.respond_by.isoformat()
            expected_closed = claim.closed_at.isoformat() if claim.closed_at else ""
            assert row["closed_at"] == expected_closed
            assert row["agent_name"] == ("Lead 50" if claim.agent_id == LEAD else "Anna")
        assert [r["counts_in_odr"] for r in rows] == ["0", "0", "1", "", "1"]
        assert texts(await chat.send("/export", AGENT)) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]
        db = settings.db_path
    # The command line gives the same rows from the database file.
    out = io.BytesIO()
    code = await asyncio.to_thread(
        _export_cli, db, out, "--since", "2026-09-04", "--until", "2026-11-02"
    )
    assert code == 0
    assert out.getvalue() == data


def _export_cli(db: Any, out: io.BytesIO, *args: str) -> int:
    import os  # noqa: PLC0415
    import sys  # noqa: PLC0415

    class Stdout:
        buffer = out

        def flush(self) -> None:
            return None

    saved_env, saved_out = os.environ.get("CLAIMBOT_DB"), sys.stdout
    os.environ["CLAIMBOT_DB"] = str(db)
    sys.stdout = Stdout()
    try:
        return main(["export", *args])
    finally:
        sys.stdout = saved_out
        if saved_env is None:
            os.environ.pop("CLAIMBOT_DB", None)
        else:
            os.environ["CLAIMBOT_DB"] = saved_env


async def test_the_weekly_chart_is_a_png_with_one_bar_per_week(bot: Any) -> None:
    async with bot() as chat:
        await fixture(chat)
        await chat.send("/stats", LEAD)
        calls = await chat.press("📈 Chart by week", LEAD)
        assert alerts(calls) == [""]
        (photo,) = [c for c in calls if c.method == "sendPhoto"]
        caption = photo.params["caption"]
        assert caption.startswith("Claims per week by outcome, weeks from Aug 31, 2026 to Nov 2")
        assert "🟩 Withdrawn by the buyer" in caption
        _name, png = photo.files["photo"]
        width, height, pixels = _decode(png)
        weeks = mondays(parse_period("", START.date()))
        assert len(weeks) == 10
        assert (width, height) == (2 * 12 + 10 * 24, 240)

        def column(week: int) -> int:  # the middle of a week's bar
            return 12 + week * 24 + 3 + 9

        foot, top = 240 - 13, 12
        # Claim 1 (withdrawn, Sunday Sep 13) is in the week of Sep 7, the second bar. The
        # busiest week (Oct 26: claims 4, open, and 5, refunded) has two claims, so claim 1's
        # bar is half as high as the plot.
        assert pixels[foot][column(1)] == PALETTE["withdrawn"]
        assert pixels[top][column(1)] == (255, 255, 255)
        assert pixels[foot - 107][column(1)] == PALETTE["withdrawn"]
        assert pixels[foot - 109][column(1)] == (255, 255, 255)
        october_26 = weeks.index(date(2026, 10, 26))
        assert pixels[foot][column(october_26)] == PALETTE["closed_by_refund"]
        assert pixels[top][column(october_26)] == PALETTE["open"]
        # An empty week (the first) has no bar.
        assert pixels[foot][column(0)] == (255, 255, 255)


def _decode(png: bytes) -> tuple[int, int, list[list[tuple[int, int, int]]]]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    at, data = 8, b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        body = png[at + 8 : at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length : at + 12 + length])[0] == zlib.crc32(
            kind + body
        )
        if kind == b"IDAT":
            data += body
        at += 12 + length
    raw = zlib.decompress(data)
    stride = 1 + 3 * width
    rows: list[list[tuple[int, int, int]]] = []
    for y in range(height):
        line = raw[y * stride + 1 : (y + 1) * stride]
        rows.append([(line[x * 3], line[x * 3 + 1], line[x * 3 + 2]) for x in range(width)])
    return int(width), int(height), rows


async def test_agents_have_no_stats(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        assert texts(await chat.send("/stats", AGENT)) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]
        bad = texts(await chat.send("/stats yesterday", LEAD))
        assert bad[0].startswith("Give no period (the last 60 days)")
        _ = datetime


async def test_the_triggers_keep_the_daily_counts_equal_to_a_recount(bot: Any) -> None:
    """After claims are opened, contacted, closed, handed to someone else, deleted and their
    facts changed, the counts the triggers kept equal a fresh count from the claims."""
    async with bot() as chat:
        await fixture(chat)
        storage = chat.services.storage
        claim = await storage.claims.get(4)
        assert claim is not None
        async with storage.db.transaction() as tx:
            await storage.claims.update(
                tx,
                claim,
                START,
                ClaimChange(outcome=Outcome.DENIED, closed_at=START, product="Toaster"),
            )
            await tx.execute(
                "UPDATE claims SET marketplace = 'FR', agent_id = ? WHERE id = 1", (LEAD,)
            )
            await tx.execute("DELETE FROM claims WHERE id = 6")

        async def counts() -> list[tuple[Any, ...]]:
            rows = await storage.db.fetchall(
                "SELECT day, dim, key, name, n, late FROM claim_days WHERE n != 0 ORDER BY 1, 2, 3"
            )
            return [tuple(row) for row in rows]

        kept = await counts()
        async with storage.db.transaction() as tx:
            await tx.executescript(rollup.rebuild_sql())
        assert kept == await counts()
        report = await chat.services.stats.compute(parse_period("", START.date()))
        assert dict(report.by_agent) == {LEAD: 2, AGENT: 3}
        assert report.by_marketplace["FR"] == 2
        assert ("Toaster", 2) in report.top_products
        assert report.by_outcome["open"] == 0


# --- The export by store (issue 16) -----------------------------------------------------------
def _exported(calls: list[Any]) -> tuple[list[int], bytes]:
    (document,) = [c for c in calls if c.method == "sendDocument"]
    data: bytes = document.files["document"][1]
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return [int(r["claim_id"]) for r in rows], data


async def test_the_export_takes_a_store_and_a_limited_person_gets_only_theirs(
    bot: Any, settings: Settings
) -> None:
    async with bot() as chat:
        await fixture(chat)
        services = chat.services
        admin = await services.storage.users.get(42)
        lead = await services.storage.users.get(LEAD)
        assert admin is not None
        assert lead is not None
        await services.store.add_store("Beta Tools", admin)
        async with services.storage.db.transaction() as tx:
            await tx.execute("UPDATE claims SET store_id = 2 WHERE id IN (4, 5)")
        assert _exported(await chat.send("/export", LEAD))[0] == [1, 2, 3, 4, 5]
        ids, beta = _exported(await chat.send("/export store:2", LEAD))
        assert ids == [4, 5]
        assert _exported(await chat.send("/export 60 store:1", LEAD))[0] == [1, 2, 3]
        unknown = texts(await chat.send("/export store:9", LEAD))
        assert unknown == ["There is no store 9. Give one as in /export 30 store:2."]
        # A lead limited to store 1 exports store 1's claims only, and not store 2's.
        await services.people.toggle_store(admin, LEAD, 2, frozenset({1, 2}))
        assert _exported(await chat.send("/export", LEAD))[0] == [1, 2, 3]
        assert texts(await chat.send("/export store:2", LEAD)) == [
            "Your role does not allow that. Ask your team's admin if you need it."
        ]
        db = settings.db_path
    out = io.BytesIO()
    code = await asyncio.to_thread(
        _export_cli, db, out, "--since", "2026-09-04", "--until", "2026-11-02", "--store", "2"
    )
    assert code == 0
    assert out.getvalue() == beta
