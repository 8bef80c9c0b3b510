"""Property tests for everything a person can type."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.marketplaces import MARKETPLACES, UnknownMarketplaceError, parse_marketplace
from bot.domain.orders import OrderIdError, parse_order_id
from bot.handlers.common import split_text
from bot.i18n import normalize_language

whitespace = st.text(alphabet=" \t\n\r\u00a0\u3000", max_size=5)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_order_id_parser_only_ever_says_no_politely(text: str) -> None:
    reason = None
    try:
        order_id = parse_order_id(text)
    except OrderIdError as error:
        reason = error.reason
    if reason is not None:
        assert reason in {"empty", "too_long", "bad_shape"}
    else:
        assert len(order_id) == 19
        assert order_id.replace("-", "").isdigit()
        assert order_id.isascii()


@settings(max_examples=200)
@given(
    st.from_regex(r"\A[0-9]{3}-[0-9]{7}-[0-9]{7}\Z", fullmatch=True),
    whitespace,
    whitespace,
)
def test_every_valid_order_id_round_trips(order_id: str, before: str, after: str) -> None:
    assert parse_order_id(before + order_id + after) == order_id


@settings(max_examples=300)
@given(st.text(max_size=100))
def test_marketplace_parser_only_ever_says_no_politely(text: str) -> None:
    try:
        market = parse_marketplace(text)
    except UnknownMarketplaceError:
        return
    assert market.code in MARKETPLACES


@settings(max_examples=300)
@given(st.one_of(st.none(), st.text(max_size=40)))
def test_language_tags_come_out_short_and_ascii(tag: str | None) -> None:
    code = normalize_language(tag)
    if code is not None:
        assert code.isascii()
        assert 0 < len(code) <= 20
        assert all(c.isalnum() or c == "_" for c in code)


@settings(max_examples=300)
@given(st.text(max_size=3000), st.integers(min_value=2, max_value=500))
def test_split_text_loses_nothing_and_respects_the_limit(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece) <= limit for piece in pieces)
    assert all(pieces) or pieces == [text]
