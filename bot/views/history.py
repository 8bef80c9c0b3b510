"""/history: a claim's audit trail as the agent reads it."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Final, TypeVar

from bot.domain.claims import Cause, Evidence, Outcome
from bot.domain.drafts import DraftKind
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.playbook import STEP_TITLES
from bot.domain.text import N_
from bot.i18n.translator import Translator
from bot.services.history import Trail
from bot.views import labels
from bot.views.buttons import ClaimButton, HistoryButton
from bot.views.card import NEW_MESSAGE, Rows, quote

MAX_EVENTS: Final = 60  # on screen; the export has them all


def history_screen(tr: Translator, trail: Trail, *, can_export: bool) -> tuple[str, Rows]:
    _ = tr.gettext
    claim = trail.claim
    owner = trail.people.get(claim.agent_id) if claim.agent_id is not None else None
    lines = [
        _("History of claim #%(number)s · order %(order_id)s · agent %(agent)s")
        % {
            "number": claim.id,
            "order_id": claim.facts.order_id,
            "agent": owner.name() if owner else claim.agent_id or _("Unassigned"),
        }
    ]
    events = trail.events
    if len(events) > MAX_EVENTS:
        lines.append(
            _("Earlier events not shown: %(count)s; the export has every one.")
            % {"count": len(events) - MAX_EVENTS}
        )
        events = events[-MAX_EVENTS:]
    zone = MARKETPLACES[claim.facts.marketplace].time_zone
    for event in events:
        person = trail.people.get(event.actor_id) if event.actor_id is not None else None
        who = person.name() if person else (str(event.actor_id) if event.actor_id else "—")
        label = labels.EVENTS.get(event.kind)
        what = _(label) if label else event.kind
        detail = event_detail(tr, event.kind, event.payload, trail, event.draft_id)
        lines.append(
            # The card's time zone: the person's choice, else the claim's marketplace's.
            f"{tr.datetime(event.created_at, zone)} · {who} · {what}"
            + (f": {detail}" if detail else "")
        )
    rows: Rows = []
    if can_export:
        rows.append([("⇩ " + _("Export as CSV"), HistoryButton(claim.id, "csv").data())])
    rows.append(
        [
            (
                "◂ " + _("Back to the claim"),
                ClaimButton(claim.id, claim.revision, "card", NEW_MESSAGE).data(),
            )
        ]
    )
    return "\n".join(lines), rows


def event_detail(  # noqa: PLR0911 - one branch per kind of detail
    tr: Translator, kind: str, payload: dict[str, Any], trail: Trail, draft_id: int | None
) -> str:
    _ = tr.gettext
    if draft_id is not None and draft_id in trail.versions:
        draft_kind, version = trail.versions[draft_id]
        text = _("%(kind)s, version %(version)s") % {
            "kind": _(labels.DRAFT_KINDS[DraftKind(draft_kind)]),
            "version": version,
        }
        if kind == "draft_returned" and payload.get("comment"):
            text += f" — “{quote(str(payload['comment']), 120)}”"
        if payload.get("refund_before_contact_confirmed"):
            text += " — " + _("refund before any contact with the buyer, confirmed by the agent")
        return text
    outcome = _member(Outcome, payload.get("outcome"))
    if kind == "outcome_recorded" and outcome is not None:
        return _(labels.OUTCOMES[outcome])
    if kind == "cause_chosen":
        cause = _member(Cause, payload.get("cause"))
        return _(labels.CAUSES[cause]) if cause is not None else _("cleared")
    item = _member(Evidence, payload.get("item"))
    if kind in ("evidence_ticked", "evidence_unticked") and item is not None:
        return _(labels.EVIDENCE[item])
    if kind == "step_changed" and payload.get("to") in STEP_TITLES:
        return _(STEP_TITLES[payload["to"]])
    if kind == "fact_changed":
        names = [payload["field"]] if "field" in payload else sorted(payload)
        return ", ".join(_(_FACT_LABELS[n]) if n in _FACT_LABELS else n for n in names)
    if kind == "claim_from_mail":
        return str(payload.get("sender") or "")
    if kind in ("claim_assigned", "claim_in_turn") and isinstance(payload.get("to"), int):
        assignee = trail.people.get(payload["to"])
        return assignee.name() if assignee is not None else str(payload["to"])
    if kind == "claim_reassigned":
        people = trail.people
        return " → ".join(
            people[p].name() if isinstance(p, int) and p in people else str(p)
            for p in (payload.get("from"), payload.get("to"))
        )
    return ""


# What a "fact changed" event may name: the typed facts, and what the card's menus change.
_FACT_LABELS: Final = {
    **labels.FIELDS,
    "delay_cause": N_("Cause of the delay"),
    "buyer_language": N_("Buyer language"),
    "reason": N_("Reason"),
    "fulfillment": N_("Shipped by"),
    "cause": N_("Cause found"),
}

E = TypeVar("E", bound=StrEnum)


def _member(enum: type[E], value: object) -> E | None:
    """The enum member with this value, or None (old or odd payloads are shown, not trusted)."""
    try:
        return enum(str(value))
    except ValueError:
        return None


def history_choices(tr: Translator, order_id: str, claims: Sequence[Any]) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _("There are %(count)s claims about order %(order_id)s. Which one?") % {
        "count": len(claims),
        "order_id": order_id,
    }
    rows: Rows = [
        [
            (
                f"#{claim.id} · {_(labels.REASONS[claim.facts.reason])}",
                HistoryButton(claim.id, "show").data(),
            )
        ]
        for claim in claims
    ]
    return text, rows
