"""The claim card, the claim list and the screens around them, as text plus button rows.

A keyboard here is rows of (label, callback data); the chat layer turns them into Telegram
markup. Everything the agent reads is translated through `tr`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from babel.numbers import format_currency

from bot.domain.claims import Claim, Evidence, Outcome
from bot.domain.deadlines import urgency
from bot.domain.drafts import DraftKind
from bot.domain.fields import DELAY_CAUSES, EDITABLE
from bot.domain.journey import (
    EVIDENCE_FACT,
    Deadline,
    appeal_until,
    causes_for,
    claim_currency,
    claim_deadlines,
    current_step,
    fact_value,
    follow_up_due,
    follow_up_ready,
    needs_cause,
    next_step,
    offered_drafts,
    plan_of,
    previous_step,
    stage_of,
    step_index,
)
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES
from bot.i18n.translator import Translator
from bot.services.journey import PreparedDraft
from bot.storage import DraftRecord
from bot.views import labels
from bot.views.buttons import ClaimButton, ListButton
from bot.views.claims import deadline_line, findings_lines, time_left
from bot.views.labels import language_name, marketplace_name

Rows = list[list[tuple[str, str]]]
MAX_QUOTE: Final = 300
MAX_SCREEN: Final = 4096  # a screen longer than one message is sent, not edited in
PAGE_SIZE: Final = 10
URGENCY_MARK: Final = {"ok": "🟢", "soon": "🟡", "urgent": "🟠", "overdue": "🔴"}
CHECK: Final = ("☐", "☑")
NEW_MESSAGE: Final = "new"  # argument of "card": show it below instead of in place


def _b(claim: Claim, action: str, arg: str | None = None) -> str:
    return ClaimButton(claim.id, claim.revision, action, arg).data()


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def labelled(tr: Translator, label: str, value: str) -> str:
    """ "Label: value" with the punctuation of the agent's language ("标签：值")."""
    return tr.gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def money(tr: Translator, amount: str, currency: str | None) -> str:
    if currency is None:
        return amount
    return format_currency(Decimal(amount), currency, locale=tr.locale)


# --- The card ----------------------------------------------------------------------------------
def card_text(tr: Translator, claim: Claim, now: datetime) -> str:
    _ = tr.gettext
    facts = claim.facts
    market = MARKETPLACES[facts.marketplace]
    lines = [
        _("Claim #%(number)s · order %(order_id)s")
        % {"number": claim.id, "order_id": facts.order_id},
        " · ".join(
            [
                f"{marketplace_name(facts.marketplace, tr)} ({facts.marketplace})",
                _(labels.FULFILLMENTS[facts.fulfillment]),
                _(labels.REASONS[facts.reason]),
                language_name(facts.buyer_language, tr),
            ]
        ),
        _("Stage: %(stage)s") % {"stage": _(labels.STAGES[stage_of(claim.step, claim.outcome)])},
    ]
    if claim.outcome is not None:
        lines.extend(["", *outcome_lines(tr, claim)])
        return "\n".join(lines)
    lines.append(
        _("Respond to Amazon by %(deadline)s.")
        % {"deadline": tr.datetime(claim.respond_by, market.time_zone)}
    )
    lines.append(deadline_line(tr, claim.respond_by, now))
    lines.extend(other_deadlines(tr, claim, now))
    facts_block = fact_lines(tr, claim)
    if facts_block:
        lines.extend(["", *facts_block])
    plan = plan_of(claim)
    index = step_index(claim)
    lines.extend(
        [
            "",
            _("Plan (step %(step)s of %(steps)s):") % {"step": index + 1, "steps": len(plan.steps)},
        ]
    )
    for number, step in enumerate(plan.steps):
        mark = "✓" if number < index else ("→" if number == index else "·")
        lines.append(f"{mark} {number + 1}. {_(step.title)}")
    hint = step_hint(tr, claim, now)
    if hint:
        lines.extend(["", hint])
    if plan.warnings:
        lines.append("")
        lines.extend(f"⚠ {_(caution.text)}" for caution in plan.warnings)
    return "\n".join(lines)


def other_deadlines(tr: Translator, claim: Claim, now: datetime) -> list[str]:
    """The deadlines besides Amazon's respond-by: an information request, a buyer's message."""
    _ = tr.gettext
    zone = MARKETPLACES[claim.facts.marketplace].time_zone
    lines = []
    for kind, due in claim_deadlines(claim):
        values = {"deadline": tr.datetime(due, zone), "left": time_left(tr, due, now)}
        if kind is Deadline.INFORMATION:
            lines.append(
                "📨 "
                + _("Amazon asked for information: answer by %(deadline)s (%(left)s).") % values
            )
        elif kind is Deadline.BUYER_ANSWER:
            lines.append("💬 " + _("The buyer wrote: answer by %(deadline)s (%(left)s).") % values)
    return lines


def fact_lines(tr: Translator, claim: Claim) -> list[str]:
    """The facts known beyond the basics, one per line."""
    _ = tr.gettext
    lines: list[str] = []
    extra = claim.facts.extra
    if extra.get("claim_amount"):
        lines.append(
            _("Claim amount: %(amount)s")
            % {"amount": money(tr, extra["claim_amount"], claim_currency(claim))}
        )
    for name in ("buyer_name", "product", "carrier", "tracking_number", "delivery_date"):
        value = fact_value(claim, name)
        if value:
            if name == "delivery_date":
                value = tr.date(date.fromisoformat(value))
            lines.append(labelled(tr, _(labels.FIELDS[name]), quote(value, 80)))
    if extra.get("delay_cause") in DELAY_CAUSES:
        lines.append(
            _("Cause of the delay: %(cause)s")
            % {"cause": _(labels.DELAY_CAUSES[extra["delay_cause"]])}
        )
    for name in ("buyer_said", "buyer_reply"):
        if extra.get(name):
            lines.append(labelled(tr, _(labels.FIELDS[name]), f"“{quote(extra[name])}”"))
    if claim.cause is not None:
        lines.append(_("Cause found: %(cause)s") % {"cause": _(labels.CAUSES[claim.cause])})
    if claim.contacted_at is None:
        lines.append(_("No message to the buyer is recorded yet."))
    return lines


def step_hint(tr: Translator, claim: Claim, now: datetime) -> str | None:  # noqa: PLR0911 - one per step
    """What to do right now, beyond the step's title."""
    _ = tr.gettext
    step = current_step(claim).id
    if step == "contact_buyer":
        return _(
            "Next: prepare the first message, send it to the buyer in Amazon's message"
            " centre, then tap “Mark as sent” under it."
        )
    if step == "await_reply":
        due = follow_up_due(claim)
        if due is not None and not follow_up_ready(claim, now):
            return _(
                "When the buyer answers, tap “Buyer replied”. No answer by %(time)s? Then"
                " I offer a follow-up."
            ) % {"time": tr.datetime(due, MARKETPLACES[claim.facts.marketplace].time_zone)}
        if due is not None:
            return _(
                "24 hours without an answer: send the follow-up, or tap “Buyer replied” if"
                " the buyer has answered."
            )
        return _("When the buyer answers, tap “Buyer replied”.")
    if needs_cause(claim):
        return _("What did the buyer's reply show? Pick the cause.")
    if step == "check_return":
        return _("No message at this step: check the return, then tap “Next step”.")
    if step in ("respond_to_amazon", "amazon_fulfilled"):
        ticked = len(claim.evidence)
        return _(
            "Gather the evidence (%(ticked)s of %(total)s ticked), then prepare the statement"
            " and paste it into “Respond to Amazon”."
        ) % {"ticked": ticked, "total": len(Evidence)}
    if step == "record_outcome":
        return _("When Amazon or the buyer closes the claim, record the outcome.")
    return None


def card_keyboard(tr: Translator, claim: Claim, now: datetime) -> Rows:  # noqa: PLR0912 - one per step
    _ = tr.gettext
    if claim.outcome is not None:
        return [[(_("History"), _b(claim, "hist"))]]
    rows: Rows = []
    step = current_step(claim).id
    if needs_cause(claim):
        rows.extend(
            [
                [(_(labels.CAUSES[cause]), _b(claim, "cause", cause.value))]
                for cause in causes_for(claim)
            ]
        )
    for kind in offered_drafts(claim, now):
        if kind is DraftKind.FREE:
            rows.append([("✍ " + _("Write your own message"), _b(claim, "free"))])
        else:
            rows.append([("✉ " + _(labels.DRAFT_KINDS[kind]), _b(claim, "draft", kind.value))])
    if step == "handle_product" and claim.cause is not None:
        rows.append([(_("Change the cause"), _b(claim, "cause"))])
    if step in ("contact_buyer", "await_reply"):
        rows.append([("💬 " + _("Buyer replied"), _b(claim, "reply"))])
    if step == "explain_delivery":
        rows.append([(_("Cause of the delay"), _b(claim, "delay"))])
    if step in ("respond_to_amazon", "amazon_fulfilled"):
        rows.insert(
            0,
            [
                (
                    _("Evidence checklist (%(ticked)s/%(total)s)")
                    % {"ticked": len(claim.evidence), "total": len(Evidence)},
                    _b(claim, "evid"),
                )
            ],
        )
    if step == "record_outcome":
        rows.append([("🏁 " + _("Record the outcome"), _b(claim, "out"))])
    moves: list[tuple[str, str]] = []
    if previous_step(claim) is not None:
        moves.append(("◂ " + _("Back"), _b(claim, "back")))
    if next_step(claim) is not None:
        moves.append((_("Next step") + " ▸", _b(claim, "next")))
    if moves:
        rows.append(moves)
    rows.append(
        [
            (_("Facts"), _b(claim, "facts")),
            (_("All drafts"), _b(claim, "all")),
            (_("Outcome"), _b(claim, "out")),
        ]
    )
    rows.append(
        [
            (_("History"), _b(claim, "hist")),
            ("📨 " + _("Amazon asked for information"), _b(claim, "info")),
        ]
    )
    return rows


# --- Outcome -----------------------------------------------------------------------------------
def odr_line(tr: Translator, outcome: Outcome) -> str:
    _ = tr.gettext
    if outcome.counts_in_odr:
        return _("ODR: this claim counts against your Order Defect Rate.")
    return _("ODR: this claim does not count against your Order Defect Rate.")


def outcome_lines(tr: Translator, claim: Claim) -> list[str]:
    _ = tr.gettext
    if claim.outcome is None:
        return []
    lines = [
        _("Closed: %(outcome)s.") % {"outcome": _(labels.OUTCOMES[claim.outcome])},
        odr_line(tr, claim.outcome),
    ]
    until = appeal_until(claim)
    if until is not None:
        lines.append(
            _("You can appeal until %(date)s.")
            % {"date": tr.datetime(until, MARKETPLACES[claim.facts.marketplace].time_zone)}
        )
    return lines


def outcome_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _("How did the claim end? The claim closes when you confirm.")
    rows: Rows = [[(_(labels.OUTCOMES[o]), _b(claim, "out", o.value))] for o in Outcome]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return text, rows


def outcome_confirm(tr: Translator, claim: Claim, outcome: Outcome) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [
        _("Record “%(outcome)s” and close claim #%(number)s?")
        % {"outcome": _(labels.OUTCOMES[outcome]), "number": claim.id},
        odr_line(tr, outcome),
    ]
    if outcome is Outcome.CLOSED_BY_REFUND and claim.contacted_at is None:
        lines.append(
            _(
                "No message to the buyer is recorded: a refund before talking to the buyer still"
                " counts in your ODR. If you have not refunded yet, write to the buyer first."
            )
        )
    rows: Rows = [
        [
            ("✓ " + _("Confirm"), _b(claim, "close", outcome.value)),
            ("◂ " + _("Back"), _b(claim, "out")),
        ]
    ]
    return "\n".join(lines), rows


# --- Refund-first guard ------------------------------------------------------------------------
def refund_guard(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    text = "\n\n".join(
        [
            "⛔ " + _("No message to the buyer is recorded for this claim yet."),
            _(
                "A refund before talking to the buyer makes Amazon rule against you, the claim"
                " still counts in your Order Defect Rate, and the money and the goods are both"
                " gone. Most claims end without a refund once the buyer has been asked what is"
                " wrong."
            ),
            _("Write to the buyer first. Draft the refund anyway only if you are sure."),
        ]
    )
    rows: Rows = [
        [("✉ " + _("Write to the buyer first"), _b(claim, "draft", DraftKind.INQUIRY.value))],
        [(_("I understand: draft the refund anyway"), _b(claim, "refund"))],
        [("◂ " + _("Back to the claim"), _b(claim, "card"))],
    ]
    return text, rows


# --- Menus -------------------------------------------------------------------------------------
def all_drafts_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = [
        [(_(labels.DRAFT_KINDS[kind]), _b(claim, "draft", kind.value))]
        for kind in DraftKind
        if kind.templated
    ]
    rows.append([("✍ " + _("Write your own message"), _b(claim, "free"))])
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("Every kind of message for this claim:"), rows


def facts_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = []
    for name in EDITABLE:
        value = fact_value(claim, name)
        shown = quote(value, 24) if value else "—"
        rows.append([(labelled(tr, _(labels.FIELDS[name]), shown), _b(claim, "fact", name))])
    rows.append(
        [
            (_("Reason"), _b(claim, "basic", "reason")),
            (_("Shipped by"), _b(claim, "basic", "ship")),
            (_("Buyer language"), _b(claim, "basic", "lang")),
        ]
    )
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("Tap a fact to set or correct it."), rows


def basics_menu(tr: Translator, claim: Claim, which: str) -> tuple[str, Rows] | None:
    _ = tr.gettext
    facts = claim.facts
    rows: Rows
    if which == "reason":
        text = _("What does the buyer say is wrong?")
        rows = [
            [(_(label), _b(claim, "reason", reason.value))]
            for reason, label in labels.REASONS.items()
            if reason is not facts.reason
        ]
    elif which == "ship":
        text = _("Who shipped the order?")
        rows = [
            [(_(label), _b(claim, "ship", f.value))]
            for f, label in labels.FULFILLMENTS.items()
            if f is not facts.fulfillment
        ]
    elif which == "lang":
        text = _("Which language does the buyer write in?")
        market = MARKETPLACES[facts.marketplace]
        # The marketplace's languages first, then every other language claimbot writes.
        codes = [*market.languages, *(c for c in BUYER_LANGUAGES if c not in market.languages)]
        buttons = [
            (language_name(c, tr), _b(claim, "lang", c)) for c in codes if c != facts.buyer_language
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    else:
        return None
    rows.append([("◂ " + _("Back"), _b(claim, "facts"))])
    return text, rows


def delay_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = [
        [(_(label), _b(claim, "delay", code))] for code, label in labels.DELAY_CAUSES.items()
    ]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("What held up the delivery? The message explains it to the buyer."), rows


def evidence_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = []
    for item in Evidence:
        value = fact_value(claim, EVIDENCE_FACT[item])
        name = _(labels.EVIDENCE[item])
        shown = labelled(tr, name, quote(value, 24)) if value else name
        label = f"{CHECK[item in claim.evidence]} {shown}"
        rows.append([(label, _b(claim, "evid", item.value))])
    rows.append(
        [
            (
                "✉ " + _(labels.DRAFT_KINDS[DraftKind.AMAZON_STATEMENT]),
                _b(claim, "draft", "amazon_statement"),
            )
        ]
    )
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    text = _(
        "Evidence for the statement to Amazon. Tick each item once you have it; I ask for"
        " what is missing. Documents go to the buyer's message thread, not into the statement."
    )
    return text, rows


def input_prompt(
    tr: Translator, claim: Claim, field: str, hint: str | None = None
) -> tuple[str, Rows]:
    _ = tr.gettext
    prompt = labels.FIELD_PROMPTS.get(field)
    text = _(prompt) if prompt else _("Send the text.")
    text = _("Claim #%(number)s: %(prompt)s") % {"number": claim.id, "prompt": text}
    if hint:
        text = f"{hint}\n\n{text}"
    return text, [[("✕ " + _("Never mind"), _b(claim, "stop"))]]


# --- Drafts ------------------------------------------------------------------------------------
def draft_messages(
    tr: Translator,
    prepared: PreparedDraft,
    *,
    preview: tuple[str, str] | None,
    submit: bool = False,
) -> tuple[str, str, str | None, Rows]:
    """Header (kind, version, findings), the copyable text, the preview in the agent's
    language (or None), and the buttons that go under the last of them."""
    _ = tr.gettext
    record = prepared.record
    claim = prepared.claim
    kind = DraftKind(record.kind)
    lines = [
        _("Claim #%(number)s · %(kind)s, version %(version)s, in %(language)s.")
        % {
            "number": claim.id,
            "kind": _(labels.DRAFT_KINDS[kind]),
            "version": record.version,
            "language": language_name(record.language, tr),
        }
    ]
    if prepared.is_fallback:
        lines.append(
            _(
                "There is no %(language)s translation of this message yet: it is in English."
                " Translate it before sending."
            )
            % {"language": language_name(claim.facts.buyer_language, tr)}
        )
    if record.source == "edited":
        if prepared.generated is not None:
            changed = _changed_lines(prepared.generated.body, record.body)
            lines.append(
                _(
                    "Your edited text. The generated version %(version)s is kept;"
                    " %(count)s lines differ from it."
                )
                % {"version": prepared.generated.version, "count": changed}
            )
        else:
            lines.append(_("Your own text."))
    if record.subject:
        lines.append(_("Subject: %(subject)s") % {"subject": record.subject})
    if kind is DraftKind.AMAZON_STATEMENT:
        missing = [item for item in Evidence if item not in claim.evidence]
        if missing:
            lines.append(
                "⚠ "
                + _("Evidence not ticked yet: %(items)s.")
                % {"items": ", ".join(_(labels.EVIDENCE[item]) for item in missing)}
            )
    lines.extend(findings_lines(tr, prepared.findings))
    lines.append(_("The message follows; copy it as it is."))
    preview_text = None
    if preview is not None:
        language, text = preview
        preview_text = (
            _("What it says, in %(language)s (for you, not for sending):")
            % {"language": language_name(language, tr)}
            + "\n\n"
            + text
        )
    if submit:
        lines.append(_("A team lead reviews it before it goes out."))
    first = (
        ("📤 " + _("Submit for review"), _b(claim, "submit", str(record.id)))
        if submit
        else ("✓ " + _("Mark as sent"), _b(claim, "sent", str(record.id)))
    )
    rows: Rows = [
        [first, ("✎ " + _("Edit"), _b(claim, "edit", str(record.id)))],
        # The card comes as a new message: the draft above must stay to be copied.
        [("◂ " + _("Back to the claim"), _b(claim, "card", NEW_MESSAGE))],
    ]
    return "\n".join(lines), record.body, preview_text, rows


def _changed_lines(before: str, after: str) -> int:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return sum(1 for line in diff if line.startswith(("+ ", "- ")))


# --- The list ----------------------------------------------------------------------------------
def pager(
    tr: Translator,
    *,
    offset: int,
    shown: int,
    total: int,
    size: int,
    page: Callable[[int], str],
) -> Rows:
    """The Previous / More row under a list page (none when everything fits)."""
    _ = tr.gettext
    row: list[tuple[str, str]] = []
    if offset > 0:
        row.append(("◂ " + _("Previous"), page(max(0, offset - size))))
    if offset + shown < total:
        row.append((_("More") + " ▸", page(offset + size)))
    return [row] if row else []


def claims_list(
    tr: Translator,
    claims: Sequence[Claim],
    *,
    total: int,
    offset: int,
    now: datetime,
    team: bool | None = None,
    owners: Mapping[int, str] | None = None,
) -> tuple[str, Rows]:
    """A page of open claims. `team` is None for agents (their own claims only); for leads it
    says whether the page is the whole team's, and a button switches between the two."""
    _ = tr.gettext
    switch: list[tuple[str, str]] = []
    if team is not None:
        switch = [
            (_("Only mine"), ListButton(offset=0).data())
            if team
            else (_("Whole team"), ListButton(offset=0, team=True).data())
        ]
    if total == 0:
        empty = (
            _("The team has no open claims.")
            if team
            else _("You have no open claims. Send /new to open one.")
        )
        return empty, [switch] if switch else []
    heading = (
        _("The team's open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
        if team
        else _("Your open claims, most urgent first (%(first)s–%(last)s of %(total)s):")
    )
    lines = [heading % {"first": offset + 1, "last": offset + len(claims), "total": total}]
    rows: Rows = []
    for claim in claims:
        level = urgency(claim.respond_by, now)
        left = time_left(tr, claim.respond_by, now)
        owner = f" · {owners.get(claim.agent_id, claim.agent_id)}" if team and owners else ""
        lines.append(
            f"{URGENCY_MARK[level.value]} #{claim.id} · {claim.facts.order_id} · "
            f"{claim.facts.marketplace} · {_(labels.REASONS[claim.facts.reason])} · {left}" + owner
        )
        rows.append(
            [
                (
                    f"#{claim.id} · {claim.facts.order_id} · {left}",
                    ListButton(claim_id=claim.id).data(),
                )
            ]
        )
    rows.extend(
        pager(
            tr,
            offset=offset,
            shown=len(claims),
            total=total,
            size=PAGE_SIZE,
            page=lambda at: ListButton(offset=at, team=bool(team)).data(),
        )
    )
    if switch:
        rows.append(switch)
    return "\n".join(lines), rows


def sent_note(tr: Translator, record: DraftRecord) -> str:
    _ = tr.gettext
    return _("Marked as sent: %(kind)s, version %(version)s.") % {
        "kind": _(labels.DRAFT_KINDS[DraftKind(record.kind)]),
        "version": record.version,
    }
