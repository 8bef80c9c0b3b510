"""The lint itself: every rule over a text, one Aho-Corasick pass for the phrases, and the
findings in the order an agent should read them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from bot.domain.compliance.contacts import find_phone, foreign_link, mentions
from bot.domain.compliance.hidden import reading
from bot.domain.compliance.offers import MONEY
from bot.domain.compliance.patterns import (
    CLAUSE_END,
    EMAIL_PATTERN,
    EMOJI_PATTERN,
    HTML_PATTERN,
    ORDER_ID_PATTERN,
    PLACEHOLDER_MARKERS,
    PLACEHOLDER_PATTERN,
    SENTENCE_END,
)
from bot.domain.compliance.rules import MAX_LENGTH, RULES, Finding, Severity
from bot.domain.compliance.withdrawal import withdrawal_requests
from bot.domain.compliance.words import LEXICON, detect_language

# Drafts already read: a draft is linted when it is shown, submitted, previewed on the review
# card and approved, each time the same text (issue 16: 2.6 lints per draft). The rules are a
# pure function of their arguments; the findings are frozen. About 4 MB at most.
LINT_CACHE: Final = 1024


def lint(
    text: str,
    *,
    language: str | None = None,
    order_id: str | None = None,
    to_buyer: bool = True,
) -> list[Finding]:
    """Every finding for `text`, in rule order (see `check`), remembered for the last
    LINT_CACHE texts read."""
    return list(_remembered(text, language, order_id, to_buyer))


@lru_cache(maxsize=LINT_CACHE)
def _remembered(
    text: str, language: str | None, order_id: str | None, to_buyer: bool
) -> tuple[Finding, ...]:
    return tuple(check(text, language=language, order_id=order_id, to_buyer=to_buyer))


def check(  # noqa: PLR0912, PLR0915 - a branch per rule
    text: str,
    *,
    language: str | None = None,
    order_id: str | None = None,
    to_buyer: bool = True,
) -> list[Finding]:
    """Every finding for `text`, in rule order, read afresh (`lint` remembers them).
    `language` is the one it should be written in (enables the language check); `order_id`,
    when given, must appear in the text. The coupling of a gift or refund with the withdrawal
    request is about what one buyer reads together: not checked in the statement to Amazon
    (`to_buyer=False`), which reports both.

    The rules read the text as it displays (bot/domain/compliance/hidden.py): a character
    that is invisible, changes the direction or imitates a Latin letter is a finding of its
    own, and hides nothing from the others. Excerpts quote the text as the rules read it."""
    found: list[Finding] = []

    def add(rule_id: str, excerpt: str) -> None:
        rule = RULES[rule_id]
        found.append(Finding(rule.id, rule.severity, rule.message, _short(excerpt)))

    written, shown = text, reading(text)
    text = shown.text
    if shown.hidden is not None:
        add("hidden_character", shown.hidden)
    lowered = text.lower()
    hits = LEXICON.scan(lowered)
    ends = _sentence_ends(lowered) if hits else []
    # The e-mail pattern is the slowest: run it only when an address is possible at all.
    maybe_email = "@" in text or "＠" in text or "at]" in lowered or "at)" in lowered
    if maybe_email and (email := EMAIL_PATTERN.search(text)):
        add("email", email.group(0))
    without_emails = EMAIL_PATTERN.sub(" ", text) if maybe_email else text
    # The phrase hits are positions in `lowered`: valid in `text` only when both are as long.
    if phone := find_phone(
        without_emails,
        hits.get("phone", []) if not maybe_email else None,
        hits.get("tracking", []) if not maybe_email and len(lowered) == len(text) else None,
    ):
        add("phone", phone)
    if ("<" in text or "&" in text) and (match := HTML_PATTERN.search(text)):
        add("html", match.group(0))
    if link := foreign_link(without_emails, lowered if not maybe_email else None):
        add("link", link)
    # Emoji are what is written: a keycap or a ZWJ sequence is one with its invisible parts.
    if not written.isascii() and (match := EMOJI_PATTERN.search(written)):
        add("emoji", match.group(0))
    if marketing := hits.get("marketing"):
        add("marketing", _span(lowered, marketing[0]))
    if "review_ask" in hits or ("remove_action" in hits and "feedback_object" in hits):
        # Money offered next to a review request is an incentive, however it is written.
        hits["incentive"] = sorted(hits.get("incentive", []) + _money(lowered, hits))
    incentive, asked = _review_findings(lowered, hits, ends)
    traded_review, withdrawal = _traded_offers(lowered, hits, ends)
    if incentive := incentive or traded_review:
        add("review_incentive", incentive)
    if removal := _near(lowered, hits, "remove_action", "feedback_object", distance=40, ends=ends):
        add("feedback_removal", removal)
        # Something offered in the same sentence as the removal request is a review incentive.
        if not incentive and (
            bought := _near(lowered, hits, "incentive", "feedback_object", distance=160, ends=ends)
        ):
            add("review_incentive", bought)
    if withdrawal:
        add("withdrawal_incentive", withdrawal)
    if (rating := hits.get("star_rating")) and not incentive:
        add("rating_request", _span(lowered, rating[0]))
    if len(written) > MAX_LENGTH:
        add("length", f"{len(written)} > {MAX_LENGTH}")
    maybe_placeholder = any(marker in lowered for marker in PLACEHOLDER_MARKERS)
    if maybe_placeholder and (match := PLACEHOLDER_PATTERN.search(text)):
        add("placeholder", match.group(0))
    if asked and not incentive and not rating:
        add("review_request", asked)
    if language is not None:
        expected = "pt" if language == "pt_BR" else language.split("_", 1)[0]
        detected = detect_language(text, lowered)
        if detected is not None and detected != expected:
            add("language", detected)
    if (order_id is not None and not mentions(text, order_id)) or (
        order_id is None and not ORDER_ID_PATTERN.search(text)
    ):
        add("order_id", order_id or "")
    if to_buyer and (coupled := _coupling(lowered, hits, ends, withdrawal)):
        add(*coupled)
    return found


def _coupling(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int], withdrawal: str | None
) -> tuple[str, str] | None:
    """A gift next to the withdrawal request, or an offer traded for the withdrawal, reads as
    a conditional incentive ("coupling", blocked); a refund next to it is a caution."""
    gift, refund = hits.get("gift"), hits.get("refund")
    # The requests are looked for only when something is given: most texts give nothing.
    requested = bool((gift or refund) and withdrawal_requests(lowered, hits, ends))
    if (gift and requested) or withdrawal:
        return "coupling", _span(lowered, gift[0]) if gift else str(withdrawal)
    if refund and requested:
        return "refund_coupling", _span(lowered, refund[0])
    return None


def has_block(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.BLOCK for f in findings)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _span(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _sentence_ends(lowered: str) -> list[int]:
    """Positions where sentences end, to tell whether two phrases share one."""
    return [m.start() for m in SENTENCE_END.finditer(lowered)]


def _same_sentence(a: int, b: int, ends: list[int]) -> bool:
    return bisect_left(ends, a) == bisect_left(ends, b)


def _near(
    lowered: str,
    hits: dict[str, list[tuple[int, int]]],
    first: str,
    second: str,
    *,
    distance: int,
    ends: list[int],
) -> str | None:
    """A phrase of list `first` within `distance` characters of one of `second`, in the same
    sentence; the stretch of text from one to the other."""
    for a_start, a_end in hits.get(first, ()):
        for b_start, b_end in hits.get(second, ()):
            if abs(a_start - b_start) <= distance and _same_sentence(a_start, b_start, ends):
                return lowered[min(a_start, b_start) : max(a_end, b_end)]
    return None


def _review_findings(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int]
) -> tuple[str | None, str | None]:
    """(the sentence tying an incentive to a review, a review request), each or None."""
    asks = hits.get("review_ask", [])
    if not asks:
        return None, None
    for ask in asks:
        for incentive in hits.get("incentive", ()):
            if _same_sentence(ask[0], incentive[0], ends):
                index = bisect_left(ends, ask[0])
                start = ends[index - 1] + 1 if index > 0 else 0
                stop = ends[index] + 1 if index < len(ends) else len(lowered)
                return lowered[start:stop].strip(), _span(lowered, ask)
    return None, _span(lowered, asks[0])


# --- Offers traded for an act: a review, a rating or the withdrawal of the claim.


def _traded_offers(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int]
) -> tuple[str | None, str | None]:
    """(the sentence trading an offer for a review, the one trading it for the withdrawal)."""
    if not (hits.get("condition") or hits.get("then") or hits.get("condition_suffix")):
        return None, None
    review_acts = _review_acts(lowered, hits, ends)
    withdrawal_acts = _withdrawal_acts(lowered, hits, ends)
    if not (review_acts or withdrawal_acts) or not (offers := _offers(lowered, hits)):
        return None, None
    return (
        _traded(lowered, hits, review_acts, offers, ends),
        _traded(lowered, hits, withdrawal_acts, offers, ends),
    )


# Money phrases that are stems of longer words ("pieniądz" of "pieniądze"), and the characters
# that make "円" an amount ("千円", "1,000円"; not "円滑").
_MONEY_STEMS: Final = frozenset(phrase.rstrip("~") for phrase in MONEY if phrase.endswith("~"))
_YEN_AFTER: Final = frozenset("0123456789,〇一二三四五六七八九十百千万億")


def _money(lowered: str, hits: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Where money is named: a currency sign, code or name, or money itself (offers.py)."""
    found = []
    for start, end in hits.get("money", ()):
        phrase = lowered[start:end]
        before = lowered[start - 1] if start > 0 else " "
        after = lowered[end] if end < len(lowered) else " "
        if phrase == "円":
            whole = before in _YEN_AFTER
        elif phrase == "ドル":
            whole = not "\u30a0" <= before <= "\u30ff"  # not the end of "ハンドル"
        elif phrase[0].isalpha() and phrase[0] < "\u0250":  # a Latin-script word
            whole = not before.isalpha() and (phrase in _MONEY_STEMS or not after.isalpha())
        else:
            whole = True  # a sign ("$", "€"); Arabic and Japanese words join their neighbours
        if whole:
            found.append((start, end))
    return found


def _offers(lowered: str, hits: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Where something is offered: a gift, a voucher, something free, money."""
    return sorted(hits.get("offer", []) + hits.get("marketing", []) + _money(lowered, hits))


def _is_word(lowered: str, span: tuple[int, int]) -> bool:
    """The phrase at `span` is whole words ("if", not the "if" of "gift"); an Arabic one may
    carry the conjunction و or ف before it."""
    start, end = span
    before = lowered[start - 1] if start > 0 else " "
    if before in "وف" and start > 1 and not lowered[start - 2].isalnum():
        before = " "
    after = lowered[end] if end < len(lowered) else " "
    return not before.isalnum() and not after.isalnum()


def _review_acts(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int]
) -> list[tuple[int, int]]:
    acts = hits.get("review_ask", []) + hits.get("review_act", []) + hits.get("star_rating", [])
    for start, end in hits.get("remove_action", ()):
        if _near(
            lowered,
            {"a": [(start, end)], "b": hits.get("feedback_object", [])},
            "a",
            "b",
            distance=40,
            ends=ends,
        ):
            acts.append((start, end))
    return acts


def _withdrawal_acts(
    lowered: str, hits: dict[str, list[tuple[int, int]]], ends: list[int]
) -> list[tuple[int, int]]:
    """Withdrawing or closing the claim, in any shape (bot/domain/compliance/withdrawal.py)."""
    return withdrawal_requests(lowered, hits, ends, verbs=("withdraw_verb", "close_verb"))


def _bounds(position: int, ends: list[int], length: int) -> tuple[int, int]:
    index = bisect_left(ends, position)
    start = ends[index - 1] + 1 if index > 0 else 0
    return start, ends[index] + 1 if index < len(ends) else length


def _traded(
    lowered: str,
    hits: dict[str, list[tuple[int, int]]],
    acts: list[tuple[int, int]],
    offers: list[tuple[int, int]],
    ends: list[int],
) -> str | None:
    """The sentence in which an offer is made conditional on one of `acts`, or None.

    Conditional means: the act's clause carries a condition before the act ("if you withdraw
    the claim, we ...", "we ... once you withdraw the claim") or a condition suffix after it
    ("geri çekerseniz", "取り下げていただければ"), and the offer stands in that clause or a later
    one of the sentence; or the offer follows the act after "then" / "and we" ("ziehen Sie den
    Antrag zurück, dann bekommen Sie ..."). A gift in another sentence is not tied to the act.
    """
    prefixes = [h for h in hits.get("condition", ()) if _is_word(lowered, h)]
    suffixes = hits.get("condition_suffix", [])
    thens = [h for h in hits.get("then", ()) if _is_word(lowered, h)]
    for act_start, act_end in acts:
        s_start, s_end = _bounds(act_start, ends, len(lowered))
        sentence = lowered[s_start:s_end]
        cuts = [s_start + m.end() for m in CLAUSE_END.finditer(sentence)]
        c_start, c_end = _bounds(act_start, [c - 1 for c in cuts], s_end)
        c_start = max(c_start, s_start)  # the first clause starts with its sentence
        conditional = any(c_start <= p < act_start for p, _ in prefixes) or any(
            act_end <= p <= act_end + 30 and p < c_end for p, _ in suffixes
        )
        for offer_start, _ in offers:
            if not s_start <= offer_start < s_end or act_start <= offer_start < act_end:
                continue
            if conditional and offer_start >= c_start:
                return sentence.strip()
            if (
                offer_start >= act_end
                and any(act_end <= t < offer_start for t, _ in thens)
                and offer_start - act_end <= 80
            ):
                return sentence.strip()
    return None
