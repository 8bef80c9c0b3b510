"""Golden drafts: the exact text of every kind in every language for fixed facts.

The files in tests/golden/ were reviewed by a person who reads the language. After an intended
change to a template or a catalog, regenerate with `CLAIMBOT_UPDATE_GOLDEN=1 pytest
tests/test_golden.py`, then read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.drafting import Renderer
from bot.i18n import Catalogs

GOLDEN = Path(__file__).parent / "golden"
RENDERER = Renderer(Catalogs())
FACTS: dict[str, object] = {
    "order_id": "303-1234567-7654321",
    "marketplace": "DE",
    "buyer_name": "Anna Schmidt",
    "product": "Wasserkocher WK-2",
    "reason": "defective",
    "fulfillment": "fbm",
    "carrier": "DHL",
    "tracking_number": "00340434161094042557",
    "delay_cause": "carrier_delay",
    "delay_next": "on_its_way",
    "gift": "zwei Ersatzfilter",
    "usage_steps": "1. Deckel abnehmen.\n2. Kalkfilter einsetzen.\n3. Taste 3 Sekunden drücken.",
    "refund_amount": "29.99",
    "contacted_on": "2026-11-20",
    "delivery_date": "2026-11-18",
    "contact_log": [
        {"date": "2026-11-20", "what": "inquiry"},
        {"date": "2026-11-21", "what": "buyer_replied"},
        {"date": "2026-11-21", "what": "replacement"},
    ],
    "contact_summary": "Am 22.11. zusätzlich telefonisch erreicht.",
    "proposal": "Ersatzlieferung am 23.11.",
    "store_name": "Acme Home",
    "agent_name": "Li Wei",
    "replied": True,
    "documents_sent": True,
    "solution_offered": True,  # the buyer answered: the drafts that follow a reply thank for it
}
CASES = [(kind, language) for kind in RENDERER.kinds() for language in RENDERER.languages()]
# US English (`locales/en_US`, a regional variant, not a language): every kind for a buyer on
# amazon.com, with the facts of an American order. Files `KIND.en_US.txt`.
US_FACTS: dict[str, object] = {
    **FACTS,
    "order_id": "113-1234567-7654321",
    "marketplace": "US",
    "buyer_name": "Emily Johnson",
    "product": "Electric Kettle EK-2",
    "carrier": "UPS",
    "tracking_number": "1Z999AA10123456784",
    "gift": "two spare filters",
    "gift_value": "9.99",
    "usage_steps": "1. Remove the lid.\n2. Insert the scale filter.\n3. Hold the button down.",
    "contact_summary": "Contacted the buyer on 11/20 and offered a replacement.",
    "proposal": "Replacement shipped on 11/23.",
}


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_golden(kind: str, language: str) -> None:
    draft = RENDERER.render(kind, FACTS, language)
    text = f"Subject: {draft.subject}\n\n{draft.body}\n"
    path = GOLDEN / f"{kind}.{language}.txt"
    if os.environ.get("CLAIMBOT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("kind", RENDERER.kinds())
def test_golden_us_english(kind: str) -> None:
    draft = RENDERER.render(kind, US_FACTS, "en")
    text = f"Subject: {draft.subject}\n\n{draft.body}\n"
    path = GOLDEN / f"{kind}.en_US.txt"
    if os.environ.get("CLAIMBOT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_no_stale_golden_files() -> None:
    expected = {f"{kind}.{language}.txt" for kind, language in CASES}
    expected |= {f"{kind}.en_US.txt" for kind in RENDERER.kinds()}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected
