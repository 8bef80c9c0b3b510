"""`make i18n-check`: every catalog complete, current and with intact placeholders.

Checks, for both domains:
- the committed `.pot` holds exactly the msgids the sources produce now (someone changed a
  string without running `make i18n-extract`);
- every `.po` has every msgid of its `.pot`, translated, not fuzzy;
- every translation has the same placeholders as its msgid (`%(name)s`, `%s`, `{name}`);
- a regional variant (`en_US`, see `bot.i18n.catalogs`) is partial by design: not checked for
  completeness, but each entry it holds must still be a msgid of the `.pot` (else it is stale
  and silently unused), reworded (not empty, not the source text itself), not fuzzy, and keep
  its placeholders.
Exit status 1 and one line per problem when anything is wrong.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n.catalogs import BOT_DOMAIN, MESSAGES_DOMAIN, SOURCE_LANGUAGE, layout
from bot.resources import locales_dir

_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{(\w*)\}")
# Which source folder feeds which domain (see babel.cfg and the Makefile).
SOURCES = {BOT_DOMAIN: "bot", MESSAGES_DOMAIN: "templates"}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def placeholders(text: str) -> list[str]:
    return sorted(
        m.group(0) if m.group(1) is None else f"%({m.group(1)})"
        for m in _PLACEHOLDER.finditer(text)
    )


def _ids(message: Message) -> tuple[str, ...]:
    if isinstance(message.id, str):
        return (message.id,)
    return tuple(str(part) for part in message.id)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string or "",)


def _placeholder_problems(
    label: str, short: str, msgid: str, strings: tuple[str, ...]
) -> list[str]:
    """A translation whose placeholders are not its msgid's would fail at run time."""
    expected = placeholders(msgid)
    return [
        f"{label}: placeholders of {short!r} differ: {placeholders(string)} instead of {expected}"
        for string in strings
        if placeholders(string) != expected
    ]


def check_catalog(pot: Catalog, po: Catalog, label: str) -> list[str]:
    problems: list[str] = []
    for template in pot:
        if not template.id:
            continue
        message = po.get(template.id, template.context)
        short = _ids(template)[0][:60]
        if message is None:
            problems.append(f"{label}: missing {short!r} (run make i18n-update)")
            continue
        if message.fuzzy:
            problems.append(f"{label}: fuzzy {short!r}")
        strings = _strings(message)
        if not all(strings):
            problems.append(f"{label}: untranslated {short!r}")
            continue
        problems.extend(_placeholder_problems(label, short, _ids(template)[0], strings))
    return problems


def check_variant(pot: Catalog, po: Catalog, label: str, base: str) -> list[str]:
    """A regional variant: only the entries it holds, each against the `.pot`."""
    problems: list[str] = []
    for message in po:
        if not message.id:
            continue
        msgid = _ids(message)[0]
        short = msgid[:60]
        template = pot.get(message.id, message.context)
        if template is None:
            problems.append(
                f"{label}: stale {short!r}, no longer in the .pot (reword it for the new msgid"
                " or drop it)"
            )
            continue
        if message.fuzzy:
            problems.append(f"{label}: fuzzy {short!r}")
        strings = _strings(message)
        if not all(strings):
            problems.append(f"{label}: empty {short!r} (a variant holds only what differs)")
            continue
        if base == SOURCE_LANGUAGE and all(string in _ids(message) for string in strings):
            problems.append(f"{label}: {short!r} is the source text itself (drop it)")
        problems.extend(_placeholder_problems(label, short, msgid, strings))
    return problems


def extracted_ids(root: Path, domain: str) -> set[str]:
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root / SOURCES[domain]), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def check_all(locales: Path, source_root: Path | None) -> list[str]:
    problems: list[str] = []
    for domain in (BOT_DOMAIN, MESSAGES_DOMAIN):
        pot_path = locales / f"{domain}.pot"
        if not pot_path.is_file():
            problems.append(f"{pot_path}: missing (run make i18n-extract)")
            continue
        with pot_path.open("rb") as handle:
            pot = read_po(handle)
        if source_root is not None and (source_root / "babel.cfg").is_file():
            current = extracted_ids(source_root, domain)
            committed = {_ids(m)[0] for m in pot if m.id}
            problems.extend(
                f"{pot_path.name}: out of date, sources have {msgid[:60]!r}"
                for msgid in sorted(current - committed)
            )
            problems.extend(
                f"{pot_path.name}: out of date, sources no longer have {msgid[:60]!r}"
                for msgid in sorted(committed - current)
            )
        po_paths = sorted(locales.glob(f"*/LC_MESSAGES/{domain}.po"))
        variants = layout(path.parent.parent.name for path in po_paths).variants
        for po_path in po_paths:
            with po_path.open("rb") as handle:
                po = read_po(handle)
            label = str(po_path.relative_to(locales))
            base = variants.get(po_path.parent.parent.name)
            if base is None:
                problems.extend(check_catalog(pot, po, label))
            else:
                problems.extend(check_variant(pot, po, label, base))
    return problems


def main(argv: Iterable[str] | None = None) -> int:
    del argv
    locales = locales_dir()
    root = locales.parent if (locales.parent / "babel.cfg").is_file() else None
    problems = check_all(locales, root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"i18n-check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("i18n-check: every catalog is complete and current, every regional variant current")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
